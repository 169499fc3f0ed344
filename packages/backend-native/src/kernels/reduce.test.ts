import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { kernelCounts, resetKernelCounts } from './kernel_util';
import { reductionSplit } from './reduce';

describe('reductionSplit', () => {
  it('finds [outer, reduced, inner] when the reduced axes are contiguous, ignoring size-1 axes', () => {
    expect(reductionSplit([4, 5, 6], [1])).toEqual([4, 5, 6]);
    expect(reductionSplit([4, 5, 6], [0, 1])).toEqual([1, 20, 6]);
    expect(reductionSplit([4, 1, 6], [0, 2])).toEqual([1, 24, 1]);
    expect(reductionSplit([4, 5, 6], [0, 2])).toBeUndefined();
    expect(reductionSplit([4, 5, 1], [2])).toEqual([20, 1, 1]);
  });
});

describe.skipIf(!nativeAvailable)('reductions and softmax (native vs cpu)', () => {
  const cases: [number[], number | number[] | undefined, boolean][] = [
    [[7], undefined, false],
    [[200000], 0, false],
    [[6, 9], 1, false],
    [[6, 9], 0, true],
    [[40000, 32], 0, false],
    [[3, 4, 5], [0, 1], false],
    [[3, 4, 5], [1, 2], true],
    [[3, 4, 5], [0, 2], false],
    [[2, 1, 5], [0, 1], false],
  ];
  it.each(cases)('sum, mean, max, min and prod of %j over axis %j (keepDims %s) match cpu', async (shape, axis, keepDims) => {
    await expectSameOnBothBackends(() => {
      const x = randomTensor(shape, 1, 0.9, 1.1);
      return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims), tf.max(x, axis, keepDims), tf.min(x, axis, keepDims), tf.prod(x, axis, keepDims)];
    }, { rtol: 1e-5, atol: 1e-5 });
  });

  it('gradients of sum and mean match cpu; non-contiguous axes fall back', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.grad((x: tf.Tensor) => tf.mean(tf.sum(tf.square(x), 1)))(randomTensor([5, 6, 7], 2)));
    await expectSameOnBothBackends(() => tf.sum(randomTensor([3, 4, 5], 3), [0, 2]));
    expect(kernelCounts().Sum.fallback).toBe(1);
  });

  it('softmax over the last axis, and its gradient, match cpu', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => [tf.softmax(randomTensor([3, 4, 10], 1, -5, 5)), tf.softmax(randomTensor([1, 1], 2))], { rtol: 1e-5, atol: 1e-6 });
    await expectSameOnBothBackends(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), randomTensor([6, 10], 3))))(randomTensor([6, 10], 4)), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    expect(kernelCounts().Softmax.fallback).toBe(0);
  });
});
