import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { kernelCounts, resetKernelCounts } from './kernel_util';

// Without oneDNN on the machine the addon is not built; CI installs libdnnl-dev so these run there.
describe.skipIf(!nativeAvailable)('BatchMatMul / _FusedMatMul (native vs cpu)', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[7, 13], [13, 5], false, false],
    [[13, 7], [13, 5], true, false],
    [[7, 13], [5, 13], false, true],
    [[13, 7], [5, 13], true, true],
    [[128, 784], [784, 33], false, false],
    [[3, 6, 9], [3, 9, 4], false, false],
    [[3, 9, 6], [3, 4, 9], true, true],
    [[2, 3, 6, 9], [9, 4], false, false],
    [[6, 9], [5, 9, 4], false, false],
    [[1, 6, 9], [5, 4, 9], false, true],
    [[4, 0], [0, 3], false, false],
    // Inner dimension above 16: oneDNN's primitive (16 and below run dlts's own loop).
    [[33, 40], [40, 17], false, false],
    [[40, 33], [40, 17], true, false],
    [[33, 40], [17, 40], false, true],
    [[40, 33], [17, 40], true, true],
    [[3, 9, 24], [3, 24, 5], false, false],
    [[1, 24, 6], [4, 5, 24], true, true],
    [[128, 10], [512, 10], false, true],
    [[128, 17], [512, 17], false, true],
  ];
  it.each(cases)('matMul %j x %j (transposeA=%s, transposeB=%s) matches cpu', async (sa, sb, ta, tb) => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.matMul(randomTensor(sa, 1), randomTensor(sb, 2), ta, tb), { rtol: 1e-4, atol: 1e-4 });
    expect(kernelCounts().BatchMatMul.native).toBe(1);
  });

  it('falls back to the cpu kernel for int32 and for unpaired batches', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')));
    await expectSameOnBothBackends(() => tf.matMul(randomTensor([2, 1, 3, 4], 3), randomTensor([1, 3, 4, 2], 4)));
    expect(kernelCounts().BatchMatMul.fallback).toBe(2);
  });

  const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;
  it.each(activations)('fused matMul + bias + %s matches cpu, with every transpose', async (activation) => {
    for (const [ta, tb, k] of [
      [false, false, 11],
      [true, false, 11],
      [false, true, 11],
      [true, true, 11],
      [false, false, 29],
      [true, true, 29],
    ] as const) {
      await expectSameOnBothBackends(
        () =>
          tf.fused.matMul({
            a: randomTensor(ta ? [k, 6] : [6, k], 5, -2, 2),
            b: randomTensor(tb ? [9, k] : [k, 9], 6, -2, 2),
            transposeA: ta,
            transposeB: tb,
            bias: randomTensor([9], 7),
            activation,
            preluActivationWeights: activation === 'prelu' ? randomTensor([9], 8) : undefined,
            leakyreluAlpha: 0.3,
          }),
        { rtol: 1e-4, atol: 1e-4 },
      );
    }
  });

  it('a scalar bias and no bias run natively; a bias per row falls back', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.fused.matMul({ a: randomTensor([4, 5], 1), b: randomTensor([5, 3], 2), bias: tf.scalar(0.5), activation: 'relu' }));
    await expectSameOnBothBackends(() => tf.fused.matMul({ a: randomTensor([4, 5], 1), b: randomTensor([5, 3], 2) }));
    await expectSameOnBothBackends(() => tf.fused.matMul({ a: randomTensor([4, 5], 1), b: randomTensor([5, 3], 2), bias: randomTensor([4, 1], 3) }));
    expect(kernelCounts()._FusedMatMul).toEqual({ native: 2, fallback: 1 });
  });

  it('gradients of a dense layer (fused relu and plain matMul) match cpu', async () => {
    await expectSameOnBothBackends(() => {
      const x = randomTensor([8, 12], 11);
      const w = randomTensor([12, 7], 12);
      const b = randomTensor([7], 13);
      const f = (wv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x, b: wv, bias: bv, activation: 'relu' })));
      const g = (wv: tf.Tensor) => tf.sum(tf.matMul(x, wv, false, false));
      return [...tf.grads(f)([w, b]), tf.grad(g)(w)];
    }, { rtol: 1e-4, atol: 1e-4 });
  });
});
