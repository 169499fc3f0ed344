import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { expectDltsError, runLayerTest } from '../testing/layer_harness';
import { conv2d, type Conv2DArgs } from './conv2d';

/** A direct (loop) NHWC convolution with Keras's 'same'/'valid' padding, as the reference. */
function referenceConv(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | null, strides: [number, number], padding: 'valid' | 'same', dilation: [number, number]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [kh, kw, , f] = kernel.shape;
  const ekh = kh + (kh - 1) * (dilation[0] - 1);
  const ekw = kw + (kw - 1) * (dilation[1] - 1);
  const oh = padding === 'same' ? Math.ceil(h / strides[0]) : Math.ceil((h - ekh + 1) / strides[0]);
  const ow = padding === 'same' ? Math.ceil(w / strides[1]) : Math.ceil((w - ekw + 1) / strides[1]);
  // TF's 'same': total padding max((o - 1) * s + k - i, 0), the smaller half on top/left.
  const padTop = padding === 'same' ? Math.floor(Math.max((oh - 1) * strides[0] + ekh - h, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((ow - 1) * strides[1] + ekw - w, 0) / 2) : 0;
  const xv = x.dataSync();
  const kv = kernel.dataSync();
  const bv = bias?.dataSync();
  const out = new Float32Array(n * oh * ow * f);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < f; o++) {
          let sum = bv ? bv[o] : 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const r = i * strides[0] + di * dilation[0] - padTop;
              const s = j * strides[1] + dj * dilation[1] - padLeft;
              if (r < 0 || r >= h || s < 0 || s >= w) continue;
              for (let ch = 0; ch < c; ch++) sum += xv[((b * h + r) * w + s) * c + ch] * kv[((di * kw + dj) * c + ch) * f + o];
            }
          out[((b * oh + i) * ow + j) * f + o] = sum;
        }
  return tf.tensor4d(out, [n, oh, ow, f]);
}

const CASES: { name: string; args: Conv2DArgs; out: [number, number] }[] = [
  { name: '3x3 valid relu', args: { filters: 4, kernelSize: 3, activation: 'relu' }, out: [5, 6] },
  { name: '3x3 strides 2 valid', args: { filters: 4, kernelSize: [3, 3], strides: 2 }, out: [3, 3] },
  { name: '3x3 same', args: { filters: 2, kernelSize: 3, padding: 'same' }, out: [7, 8] },
  { name: '3x3 strides 2 same sigmoid', args: { filters: 3, kernelSize: 3, strides: [2, 2], padding: 'same', activation: 'sigmoid' }, out: [4, 4] },
  { name: '[3, 2] kernel, strides [1, 2]', args: { filters: 2, kernelSize: [3, 2], strides: [1, 2] }, out: [5, 4] },
  { name: 'dilation 2 valid', args: { filters: 2, kernelSize: 3, dilationRate: 2 }, out: [3, 4] },
  { name: 'dilation [2, 1] same tanh', args: { filters: 2, kernelSize: 3, dilationRate: [2, 1], padding: 'same', activation: 'tanh' }, out: [7, 8] },
  { name: 'no bias, linear', args: { filters: 3, kernelSize: 1, useBias: false, activation: 'linear' }, out: [7, 8] },
];

describe('conv2d', () => {
  it.each(CASES)('passes the layer harness: $name', ({ args, out }) => {
    runLayerTest({
      make: () => conv2d(args),
      inputShape: [2, 7, 8, 3],
      expectedOutputShape: [null, ...out, args.filters],
      expectedTrainableWeights: args.useBias === false ? 1 : 2,
    });
  });

  it('keeps unknown spatial sizes unknown', () => {
    runLayerTest({
      make: () => conv2d({ filters: 2, kernelSize: 3 }),
      inputShape: [1, 6, 6, 1],
      expectedOutputShape: [null, 4, 4, 2],
      expectedTrainableWeights: 2,
    });
  });

  it.each(CASES)('matches a direct convolution: $name', ({ args }) => {
    const layer = conv2d({ ...args, biasInitializer: 'random_normal' });
    const x = tf.randomNormal([2, 7, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = layer.apply(x);
    const strides = (typeof args.strides === 'number' ? [args.strides, args.strides] : (args.strides ?? [1, 1])) as [number, number];
    const dilation = (typeof args.dilationRate === 'number' ? [args.dilationRate, args.dilationRate] : (args.dilationRate ?? [1, 1])) as [number, number];
    const linear = referenceConv(x, layer.kernel!.variable as tf.Tensor4D, (layer.bias?.variable as tf.Tensor1D) ?? null, strides, args.padding ?? 'valid', dilation);
    const expected = layer.activation.fn(linear);
    expectTensorsClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, y, linear, expected]);
    layer.dispose();
  });

  it.each([
    { dilation: [2, 2] as [number, number], padding: 'valid' as const },
    { dilation: [3, 2] as [number, number], padding: 'same' as const },
  ])('differentiates a dilated convolution (tfjs has no gradient for it): $dilation $padding', ({ dilation, padding }) => {
    const layer = conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: dilation, padding });
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    tf.dispose(layer.apply(x));
    const kernel = layer.kernel!.variable;
    const outShape = layer.computeOutputShape([2, 9, 8, 3]) as number[];
    const r = tf.randomNormal(outShape, 0, 1, 'float32', 6);
    const grads = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), r)) as tf.Scalar, [kernel]);
    // The loss is linear in the kernel: its gradient at tap t is the loss of the one-hot kernel e_t.
    const expected = new Float32Array(kernel.size);
    const rv = r.dataSync();
    for (let t = 0; t < kernel.size; t++) {
      const oneHot = tf.tidy(() => {
        const k: tf.Tensor = tf.reshape(tf.oneHot(tf.tensor1d([t], 'int32'), kernel.size), kernel.shape);
        return k as tf.Tensor4D;
      });
      const y = referenceConv(x, oneHot, null, [1, 1], padding, dilation);
      const yv = y.dataSync();
      let sum = 0;
      for (let i = 0; i < yv.length; i++) sum += yv[i] * rv[i];
      expected[t] = sum;
      tf.dispose([oneHot, y]);
    }
    expectTensorsClose(grads.grads[kernel.name], expected, { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([x, r, grads.value, ...Object.values(grads.grads)]);
    layer.dispose();
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    for (const activation of ['relu', 'sigmoid']) {
      const layer = conv2d({ filters: 2, kernelSize: 3, activation });
      const x = tf.ones([1, 5, 5, 1]);
      tf.dispose(layer.apply(x));
      const before = tf.memory().numTensors;
      const y = layer.apply(x);
      expect(tf.memory().numTensors).toBe(before + 1);
      tf.dispose([x, y]);
      layer.dispose();
    }
  });

  it('rejects bad arguments with Keras-style messages', () => {
    expectDltsError(() => conv2d({ filters: 0, kernelSize: 3 }), 'conv2d: filters must be a positive integer. Received: filters=0');
    expectDltsError(() => conv2d({ filters: 1.5, kernelSize: 3 }), /filters=1\.5/);
    expectDltsError(() => conv2d({ filters: 2 } as never), /kernelSize=undefined/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 0 }), /kernelSize must be a positive integer or a pair of them. Received: kernelSize=0/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: [3, 3, 3] as never }), /kernelSize=\[3,3,3\]/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3, strides: -1 }), /strides=-1/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3, padding: 'causal' as never }), /padding must be 'valid' or 'same'. Received: padding="causal"/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /strides=\[2,2\], dilationRate=\[2,2\]/);
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' as never }), /dataFormat="channels_first"/, 'DLTS_UNSUPPORTED');
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3, activation: 'nope' }), /activation="nope"/);
  });

  it('rejects inputs of the wrong rank, the wrong channels, or smaller than the kernel', () => {
    const layer = conv2d({ filters: 2, kernelSize: 3 });
    const x = tf.ones([1, 5, 5, 2]);
    tf.dispose(layer.apply(x));
    const wrongChannels = tf.ones([1, 5, 5, 3]);
    expectDltsError(() => layer.apply(wrongChannels), /expected shape \(None, h, w, 2\). Received: input shape \(1, 5, 5, 3\)/, 'DLTS_SHAPE_MISMATCH');
    const small = tf.ones([1, 2, 5, 2]);
    expectDltsError(() => layer.apply(small), /smaller than the kernel/, 'DLTS_SHAPE_MISMATCH');
    expectDltsError(() => conv2d({ filters: 2, kernelSize: 3 }).build([null, 5, 5]), /rank 4/, 'DLTS_SHAPE_MISMATCH');
    tf.dispose([x, wrongChannels, small]);
    layer.dispose();
  });

  it('is named as in Keras: conv2d, conv2d_1', () => {
    clearSession();
    expect(conv2d({ filters: 1, kernelSize: 1 }).name).toBe('conv2d');
    expect(conv2d({ filters: 1, kernelSize: 1 }).name).toBe('conv2d_1');
  });

  it('writes a Keras config', () => {
    clearSession();
    expect(conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }).getConfig()).toMatchObject({
      name: 'conv2d',
      batch_input_shape: [null, 28, 28, 1],
      filters: 32,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: 'relu',
      use_bias: true,
    });
  });
});
