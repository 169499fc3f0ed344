import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, use, type Spec } from './test_util';

const cases: Array<{ shape: number[]; axis: number | number[]; keepDims?: boolean }> = [
  { shape: [6, 5, 7, 3], axis: [0, 1, 2] },
  { shape: [6, 5, 7, 3], axis: [0, 1, 2], keepDims: true },
  { shape: [33, 17], axis: 0 },
  { shape: [4, 6, 5], axis: 1 },
  { shape: [4, 6, 5, 2], axis: [2, 1], keepDims: true },
  { shape: [4, 6, 5], axis: [-3] },
  { shape: [4, 6, 5], axis: 2 },
  { shape: [4, 6, 5], axis: [0, 2] },
  { shape: [4, 6, 5], axis: [0, 1, 2] },
  { shape: [1, 1, 9], axis: [0, 1] },
];

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

describe('wasm Sum vs cpu', () => {
  cases.forEach((c, i) => {
    it(`shape ${c.shape} axis ${c.axis} keepDims ${!!c.keepDims}`, async () => {
      const x: Spec = { values: await randomValues(c.shape, 200 + i), shape: c.shape };
      const op = (t: tf.Tensor) => tf.sum(t, c.axis, c.keepDims);
      await compareBackends([x], op, 1e-5);
      await expectNoLeak([x], op);
    });
  });

  it('int32 and bool inputs (original kernel)', async () => {
    const x: Spec = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' };
    await compareBackends([x], (t) => tf.sum(t, 0));
    await compareBackends([x], (t) => tf.sum(tf.greater(t, 2), 0));
  });

  it('bias gradient of a conv layer (sum over batch and space)', async () => {
    const x: Spec = { values: await randomValues([3, 6, 5, 4], 1), shape: [3, 6, 5, 4] };
    const b: Spec = { values: await randomValues([4], 2), shape: [4] };
    const dy: Spec = { values: await randomValues([3, 6, 5, 4], 3), shape: [3, 6, 5, 4] };
    await compareBackends([x, b, dy], (xt, bt, dyt) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.add(p, q))([xt, bt], dyt), 1e-5);
  });
});
