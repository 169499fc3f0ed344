import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { kernelCounts, resetKernelCounts } from './kernel_util';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** [x shape, filter shape, strides, pad, dilations] */
const cases: [number[], number[], [number, number], Pad, [number, number]][] = [
  [[1, 5, 5, 1], [3, 3, 1, 1], [1, 1], 'valid', [1, 1]],
  [[2, 9, 7, 3], [3, 3, 3, 4], [1, 1], 'same', [1, 1]],
  [[2, 9, 7, 3], [3, 2, 3, 5], [2, 2], 'same', [1, 1]],
  [[3, 10, 11, 2], [3, 3, 2, 6], [2, 3], 'valid', [1, 1]],
  [[1, 13, 13, 5], [5, 5, 5, 3], [1, 1], 'same', [2, 2]],
  [[2, 8, 8, 3], [3, 3, 3, 2], [1, 1], 1, [1, 1]],
  [[2, 8, 9, 3], [3, 3, 3, 2], [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], [1, 1]],
  [[4, 28, 28, 1], [3, 3, 1, 32], [1, 1], 'valid', [1, 1]],
  [[1, 1, 1, 7], [1, 1, 7, 9], [1, 1], 'valid', [1, 1]],
];

describe.skipIf(!nativeAvailable)('Conv2D and its gradients (native vs cpu)', () => {
  it.each(cases)('conv2d x=%j filter=%j strides=%j pad=%j dilations=%j: forward, input and filter gradients match cpu', async (xs, fs, strides, pad, dilations) => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.conv2d(randomTensor(xs, 1) as tf.Tensor4D, randomTensor(fs, 2) as tf.Tensor4D, strides, pad, 'NHWC', dilations), {
      rtol: 1e-4,
      atol: 1e-4,
    });
    expect(kernelCounts().Conv2D.native).toBe(1);
    if (dilations[0] !== 1) return; // tfjs has no gradient for dilated convolutions
    await expectSameOnBothBackends(() => {
      const x = randomTensor(xs, 3) as tf.Tensor4D;
      const f = randomTensor(fs, 4) as tf.Tensor4D;
      const dy = randomTensor(tf.conv2d(x, f, strides, pad).shape, 5);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), dy)))([x, f]);
    }, { rtol: 1e-4, atol: 1e-4 });
    expect(kernelCounts().Conv2DBackpropInput.native).toBe(1);
    expect(kernelCounts().Conv2DBackpropFilter.native).toBe(1);
  });

  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;
  it.each(activations)('fused conv2d + bias + %s matches cpu', async (activation) => {
    await expectSameOnBothBackends(
      () =>
        tf.fused.conv2d({
          x: randomTensor([2, 7, 6, 3], 1, -2, 2) as tf.Tensor4D,
          filter: randomTensor([3, 3, 3, 4], 2) as tf.Tensor4D,
          strides: [1, 1],
          pad: 'same',
          bias: randomTensor([4], 3),
          activation,
          preluActivationWeights: activation === 'prelu' ? randomTensor([4], 4) : undefined,
          leakyreluAlpha: 0.1,
        }),
      { rtol: 1e-4, atol: 1e-4 },
    );
  });

  it('gradients of a fused conv2d with bias and relu match cpu', async () => {
    await expectSameOnBothBackends(() => {
      const x = randomTensor([2, 9, 9, 3], 1) as tf.Tensor4D;
      const loss = (f: tf.Tensor, b: tf.Tensor, xv: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: xv as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias: b, activation: 'relu' })));
      return tf.grads(loss)([randomTensor([3, 3, 3, 5], 2), randomTensor([5], 3), x]);
    }, { rtol: 1e-4, atol: 1e-4 });
  });

  it('NCHW falls back to the cpu kernel', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.conv2d(randomTensor([1, 2, 5, 5], 1) as tf.Tensor4D, randomTensor([3, 3, 2, 3], 2) as tf.Tensor4D, 1, 'valid', 'NCHW'));
    expect(kernelCounts().Conv2D).toEqual({ native: 0, fallback: 1 });
  });
});
