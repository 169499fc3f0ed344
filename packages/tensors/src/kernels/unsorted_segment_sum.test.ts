import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, runKernel, runOn, use, type Spec } from './test_util';

const ids = (values: number[], shape = [values.length]): Spec => ({ values: Int32Array.from(values), shape, dtype: 'int32' });

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

describe('wasm UnsortedSegmentSum vs cpu', () => {
  it('rank-1 ids over rows, repeats, an empty segment and out-of-range ids', async () => {
    const x: Spec = { values: await randomValues([7, 5], 1), shape: [7, 5] };
    const s = ids([2, 0, 2, -1, 3, 0, 9]);
    const op = (xt: tf.Tensor, st: tf.Tensor) => tf.unsortedSegmentSum(xt, st as tf.Tensor1D, 5);
    await compareBackends([x, s], op);
    await expectNoLeak([x, s], op);
  });

  it('rank-2 ids over a rank-3 x', async () => {
    const x: Spec = { values: await randomValues([2, 3, 4], 2), shape: [2, 3, 4] };
    const s = ids([1, 0, 1, 2, 2, 0], [2, 3]);
    const op = (xt: tf.Tensor, st: tf.Tensor) => runKernel('UnsortedSegmentSum', { x: xt, segmentIds: st }, { numSegments: 3 });
    // The cpu kernel only handles rank-1 ids; the reference flattens the id dims.
    const reference = (xt: tf.Tensor, st: tf.Tensor) =>
      tf.getBackend() === 'cpu' ? tf.tidy(() => op(tf.reshape(xt, [6, 4]), tf.reshape(st, [6]))) : op(xt, st);
    await compareBackends([x, s], reference);
    await expectNoLeak([x, s], op);
  });

  it('ids as long as x (scalar slices)', async () => {
    const x: Spec = { values: await randomValues([9], 3), shape: [9] };
    const s = ids([0, 1, 0, 1, 3, 3, 3, 0, 2]);
    await compareBackends([x, s], (xt, st) => tf.unsortedSegmentSum(xt, st as tf.Tensor1D, 4));
  });

  it('int32 x keeps its dtype and sums exactly', async () => {
    const x: Spec = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2], dtype: 'int32' };
    const s = ids([1, 1, 0]);
    const [got] = await runOn('wasm', [x, s], (xt, st) => tf.unsortedSegmentSum(xt, st as tf.Tensor1D, 2));
    expect(Array.from(got.values)).toEqual([5, 6, 4, 6]);
    expect(got.shape).toEqual([2, 2]);
  });

  it('gradient of tf.gather (Embedding lookup) on axis 0 and 1', async () => {
    const params: Spec = { values: await randomValues([10, 4], 4), shape: [10, 4] };
    const idx = ids([3, 1, 3, 9, 0, 3, 1], [7]);
    const dy0: Spec = { values: await randomValues([7, 4], 5), shape: [7, 4] };
    await compareBackends([params, idx, dy0], (p, i, dy) => tf.grad((q: tf.Tensor) => tf.gather(q, i, 0))(p, dy));
    const dy1: Spec = { values: await randomValues([10, 7], 6), shape: [10, 7] };
    const idx1 = ids([3, 1, 3, 2, 0, 3, 1], [7]);
    const params1: Spec = { values: await randomValues([10, 4], 7), shape: [10, 4] };
    await compareBackends([params1, idx1, dy1], (p, i, dy) => tf.grad((q: tf.Tensor) => tf.gather(q, i, 1))(p, dy));
    // 2-d indices, as an Embedding layer on [batch, sequence] token ids does.
    const tokens = ids([1, 4, 4, 0, 2, 1], [2, 3]);
    const dy2: Spec = { values: await randomValues([2, 3, 4], 8), shape: [2, 3, 4] };
    await compareBackends([params, tokens, dy2], (p, i, dy) => tf.grad((q: tf.Tensor) => tf.gather(q, i))(p, dy));
  });
});
