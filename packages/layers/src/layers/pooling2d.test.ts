import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { expectDltsError, runLayerTest } from '../testing/layer_harness';
import { averagePooling2d, maxPooling2d, type Pooling2DArgs } from './pooling2d';

/**
 * Direct NHWC pooling as TF defines it: 'same' pads with the smaller half on top/left, and the
 * padded cells take no part (max ignores them, the average divides by the real cells only).
 */
function referencePool(x: tf.Tensor4D, kind: 'max' | 'avg', pool: [number, number], strides: [number, number], padding: 'valid' | 'same'): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const oh = padding === 'same' ? Math.ceil(h / strides[0]) : Math.ceil((h - pool[0] + 1) / strides[0]);
  const ow = padding === 'same' ? Math.ceil(w / strides[1]) : Math.ceil((w - pool[1] + 1) / strides[1]);
  const padTop = padding === 'same' ? Math.floor(Math.max((oh - 1) * strides[0] + pool[0] - h, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((ow - 1) * strides[1] + pool[1] - w, 0) / 2) : 0;
  const xv = x.dataSync();
  const out = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let di = 0; di < pool[0]; di++)
            for (let dj = 0; dj < pool[1]; dj++) {
              const r = i * strides[0] + di - padTop;
              const s = j * strides[1] + dj - padLeft;
              if (r < 0 || r >= h || s < 0 || s >= w) continue;
              const v = xv[((b * h + r) * w + s) * c + ch];
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          out[((b * oh + i) * ow + j) * c + ch] = kind === 'max' ? acc : acc / count;
        }
  return tf.tensor4d(out, [n, oh, ow, c]);
}

const CASES: { name: string; args: Pooling2DArgs; out: [number, number]; pool: [number, number]; strides: [number, number] }[] = [
  { name: 'default (2x2, strides = poolSize)', args: {}, out: [3, 4], pool: [2, 2], strides: [2, 2] },
  { name: 'poolSize 3', args: { poolSize: 3 }, out: [2, 2], pool: [3, 3], strides: [3, 3] },
  { name: 'poolSize 2, strides 1', args: { poolSize: 2, strides: 1 }, out: [6, 7], pool: [2, 2], strides: [1, 1] },
  { name: 'poolSize [3, 2], strides [2, 1]', args: { poolSize: [3, 2], strides: [2, 1] }, out: [3, 7], pool: [3, 2], strides: [2, 1] },
  { name: 'poolSize 2, same', args: { poolSize: 2, padding: 'same' }, out: [4, 4], pool: [2, 2], strides: [2, 2] },
  { name: 'poolSize 3, strides 2, same', args: { poolSize: 3, strides: 2, padding: 'same' }, out: [4, 4], pool: [3, 3], strides: [2, 2] },
  { name: 'poolSize 3, strides null, same', args: { poolSize: [3, 3], strides: null, padding: 'same' }, out: [3, 3], pool: [3, 3], strides: [3, 3] },
];

const KINDS = [
  { kind: 'max' as const, make: maxPooling2d },
  { kind: 'avg' as const, make: averagePooling2d },
];

describe.each(KINDS)('$kind pooling', ({ kind, make }) => {
  it.each(CASES)('passes the layer harness: $name', ({ args, out }) => {
    runLayerTest({
      make: () => make(args),
      inputShape: [2, 7, 8, 3],
      expectedOutputShape: [null, ...out, 3],
      expectedTrainableWeights: 0,
    });
  });

  it.each(CASES)('matches a direct pooling: $name', ({ args, pool, strides }) => {
    const layer = make(args);
    const x = tf.randomNormal([2, 7, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = layer.apply(x);
    const expected = referencePool(x, kind, pool, strides, args.padding ?? 'valid');
    expectTensorsClose(y, expected, { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([x, y, expected]);
  });

  it('passes gradients to its input', () => {
    const layer = make({ poolSize: 2 });
    const x = tf.randomNormal([1, 4, 4, 1], 0, 1, 'float32', 5);
    const g = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t)))(x);
    // Each 2x2 window passes 1 to its max (max) or 1/4 to each cell (average): the total is 4.
    expect(tf.sum(g).dataSync()[0]).toBeCloseTo(4, 5);
    tf.dispose([x, g]);
  });

  it('rejects bad arguments with Keras-style messages', () => {
    const fn = kind === 'max' ? 'maxPooling2d' : 'averagePooling2d';
    expectDltsError(() => make({ poolSize: 0 }), `${fn}: poolSize must be a positive integer or a pair of them. Received: poolSize=0`);
    expectDltsError(() => make({ poolSize: [2, 2, 2] as never }), /poolSize=\[2,2,2\]/);
    expectDltsError(() => make({ strides: 1.5 }), `${fn}: strides must be a positive integer or a pair of them. Received: strides=1.5`);
    expectDltsError(() => make({ padding: 'full' as never }), `${fn}: padding must be 'valid' or 'same'. Received: padding="full"`);
    expectDltsError(() => make({ dataFormat: 'channels_first' as never }), /dataFormat="channels_first"/, 'DLTS_UNSUPPORTED');
  });

  it('rejects an input that is not rank 4, or smaller than the window', () => {
    const x = tf.ones([2, 4, 4]);
    expectDltsError(() => make().apply(x), /expected input of rank 4 .* Received: input shape \(2, 4, 4\)/, 'DLTS_SHAPE_MISMATCH');
    const small = tf.ones([2, 1, 4, 3]);
    expectDltsError(() => make().apply(small), /smaller than the pooling window \(2, 2\): output would be \(2, 0, 2, 3\). Received: input shape \(2, 1, 4, 3\)/, 'DLTS_SHAPE_MISMATCH');
    // 'same' padding pools any size.
    const y = make({ padding: 'same' }).apply(small);
    expect(y.shape).toEqual([2, 1, 2, 3]);
    tf.dispose([x, small, y]);
  });
});

describe('pooling names and configs', () => {
  it('is named as in Keras', () => {
    clearSession();
    expect(maxPooling2d().name).toBe('max_pooling2d');
    expect(maxPooling2d().name).toBe('max_pooling2d_1');
    expect(averagePooling2d().name).toBe('average_pooling2d');
  });

  it('writes a Keras config (strides default to poolSize)', () => {
    clearSession();
    expect(maxPooling2d({ poolSize: 3 }).getConfig()).toMatchObject({
      name: 'max_pooling2d',
      pool_size: [3, 3],
      strides: [3, 3],
      padding: 'valid',
      data_format: 'channels_last',
    });
  });
});
