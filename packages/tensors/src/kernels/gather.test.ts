import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, use, type Spec } from './test_util';

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

const idx = (values: number[], shape = [values.length]): Spec => ({ values: Int32Array.from(values), shape, dtype: 'int32' });

describe('wasm GatherV2 vs cpu', () => {
  const cases: Array<{ name: string; shape: number[]; indices: Spec; axis: number }> = [
    { name: 'rows of a matrix (a batch in fit)', shape: [50, 13], indices: idx([49, 0, 7, 7, 3]), axis: 0 },
    { name: 'one row', shape: [6, 784], indices: idx([5]), axis: 0 },
    { name: 'a middle axis', shape: [3, 5, 4], indices: idx([4, 0, 2]), axis: 1 },
    { name: 'the last axis (single elements)', shape: [4, 6], indices: idx([5, 1]), axis: -1 },
    { name: 'rank-2 indices', shape: [8, 3], indices: idx([1, 2, 7, 0], [2, 2]), axis: 0 },
    { name: 'a vector', shape: [9], indices: idx([8, 0, 4]), axis: 0 },
    { name: 'no indices', shape: [4, 3], indices: idx([]), axis: 0 },
  ];
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const x: Spec = { values: await randomValues(c.shape, 300 + i), shape: c.shape };
      const op = (t: tf.Tensor, k: tf.Tensor) => tf.gather(t, k, c.axis);
      await compareBackends([x, c.indices], op, 0);
      await expectNoLeak([x, c.indices], op);
    });
  });

  it('int32 and bool tensors', async () => {
    const x: Spec = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' };
    await compareBackends([x, idx([2, 0])], (t, k) => tf.gather(t, k));
    await compareBackends([x, idx([1])], (t, k) => tf.gather(tf.greater(t, 2), k));
  });

  it('batchDims (the original kernel)', async () => {
    const x: Spec = { values: await randomValues([2, 4, 3], 320), shape: [2, 4, 3] };
    await compareBackends([x, idx([3, 0, 1, 1], [2, 2])], (t, k) => tf.gather(t, k, 1, 1), 0);
  });

  it('rejects an index out of range, as the cpu backend does', async () => {
    await use('wasm');
    const x = tf.zeros([4, 2]);
    const k = tf.tensor1d([1, 4], 'int32');
    expect(() => tf.gather(x, k)).toThrow(/index value 4 is not in \[0, 3\]/);
    tf.dispose([x, k]);
  });
});
