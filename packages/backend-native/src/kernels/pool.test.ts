import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { kernelCounts, resetKernelCounts } from './kernel_util';

type Pad = 'valid' | 'same' | number;

/** [x shape, filter size, strides, pad] */
const cases: [number[], [number, number], [number, number], Pad][] = [
  [[1, 4, 4, 1], [2, 2], [2, 2], 'valid'],
  [[2, 7, 9, 3], [2, 2], [2, 2], 'valid'],
  [[2, 7, 9, 3], [3, 3], [2, 2], 'same'],
  [[3, 11, 10, 70], [3, 2], [1, 2], 'same'],
  [[2, 8, 8, 5], [3, 3], [1, 1], 1],
  [[1, 6, 6, 2], [1, 1], [1, 1], 'valid'],
  [[64, 26, 26, 32], [2, 2], [2, 2], 'valid'],
];

describe.skipIf(!nativeAvailable)('pooling and its gradients (native vs cpu)', () => {
  it.each(cases)('maxPool and avgPool x=%j filter=%j strides=%j pad=%j, with gradients, match cpu', async (xs, size, strides, pad) => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => {
      const x = randomTensor(xs, 1) as tf.Tensor4D;
      return [tf.maxPool(x, size, strides, pad), tf.avgPool(x, size, strides, pad)];
    });
    await expectSameOnBothBackends(() => {
      const x = randomTensor(xs, 2) as tf.Tensor4D;
      const dyMax = randomTensor(tf.maxPool(x, size, strides, pad).shape, 3);
      const gMax = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, strides, pad), dyMax)))(x);
      const gAvg = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, size, strides, pad), dyMax)))(x);
      return [gMax, gAvg];
    });
    const counts = kernelCounts();
    for (const k of ['MaxPool', 'AvgPool', 'MaxPoolGrad', 'AvgPoolGrad']) expect(counts[k]?.fallback ?? 0).toBe(0);
  });

  it('ties go to the first maximum of the window, as on cpu', async () => {
    await expectSameOnBothBackends(() => {
      const x = tf.tensor4d([1, 1, 1, 1, 2, 2, 0, 2, 3, 3, 3, 3, 0, 0, 0, 0], [1, 4, 4, 1]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x);
    });
  });
});
