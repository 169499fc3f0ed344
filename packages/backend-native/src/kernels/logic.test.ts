import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { kernelCounts, resetKernelCounts } from './kernel_util';

describe.skipIf(!nativeAvailable)('comparisons, logical ops, select and argMax (native vs cpu)', () => {
  const pairs: [number[], number[]][] = [
    [[7], [7]],
    [[128, 10], [10]],
    [[3, 1, 4], [1, 5, 4]],
    [[300, 200], []],
  ];
  it.each(pairs)('comparisons of %j with %j match cpu', async (sa, sb) => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => {
      // Rounded values, so that ties (equal, >=, <=) happen.
      const a = tf.round(tf.mul(randomTensor(sa, 1), 3));
      const b = tf.round(tf.mul(randomTensor(sb, 2), 3));
      return [tf.equal(a, b), tf.notEqual(a, b), tf.greater(a, b), tf.greaterEqual(a, b), tf.less(a, b), tf.lessEqual(a, b)];
    });
    for (const k of ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual']) expect(kernelCounts()[k]).toEqual({ native: 1, fallback: 0 });
  });

  it('logicalAnd, logicalOr and where (select) match cpu', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => {
      const a = tf.greater(randomTensor([40, 30], 1), 0);
      const b = tf.greater(randomTensor([30], 2), 0);
      const both = tf.logicalAnd(a, b);
      return [both, tf.logicalOr(a, b), tf.where(both, randomTensor([40, 30], 3), randomTensor([40, 30], 4))];
    });
    expect(kernelCounts().Select).toEqual({ native: 1, fallback: 0 });
    expect(kernelCounts().LogicalAnd).toEqual({ native: 1, fallback: 0 });
  });

  it('the gradient of clipByValue (greaterEqual, lessEqual, logicalAnd, select) matches cpu', async () => {
    await expectSameOnBothBackends(() => tf.grad((x: tf.Tensor) => tf.sum(tf.clipByValue(x, -0.3, 0.4)))(randomTensor([128, 10], 5)));
  });

  it.each([
    [[128, 10], 1],
    [[128, 10], 0],
    [[4, 5, 6], 1],
    [[9], 0],
  ])('argMax and argMin of %j along axis %i match cpu (ties: the first)', async (shape, axis) => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => {
      const x = tf.round(tf.mul(randomTensor(shape, 6), 2));
      return [tf.argMax(x, axis), tf.argMin(x, axis)];
    });
    expect(kernelCounts().ArgMax).toEqual({ native: 1, fallback: 0 });
  });
});
