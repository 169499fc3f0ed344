import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameOnBothBackends, nativeAvailable, randomTensor } from '../test_util';
import { collapseBroadcast } from './binary';
import { kernelCounts, resetKernelCounts } from './kernel_util';

const unary: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
  ['relu', (x) => tf.relu(x), -3, 3],
  ['relu6', (x) => tf.relu6(x), -3, 9],
  ['elu', (x) => tf.elu(x), -3, 3],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.3), -3, 3],
  ['sigmoid', (x) => tf.sigmoid(x), -8, 8],
  ['tanh', (x) => tf.tanh(x), -4, 4],
  ['exp', (x) => tf.exp(x), -5, 5],
  ['log', (x) => tf.log(x), 0.01, 10],
  ['sqrt', (x) => tf.sqrt(x), 0, 10],
  ['rsqrt', (x) => tf.rsqrt(x), 0.1, 10],
  ['square', (x) => tf.square(x), -3, 3],
  ['neg', (x) => tf.neg(x), -3, 3],
  ['abs', (x) => tf.abs(x), -3, 3],
  ['step', (x) => tf.step(x, 0.1), -3, 3],
  ['softplus', (x) => tf.softplus(x), -20, 20],
  ['reciprocal', (x) => tf.reciprocal(x), 0.1, 3],
  ['selu', (x) => tf.selu(x), -3, 3],
  ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.7), -3, 3],
  ['log1p', (x) => tf.log1p(x), -0.5, 3],
  ['expm1', (x) => tf.expm1(x), -3, 3],
  ['erf', (x) => tf.erf(x), -3, 3],
  ['floor', (x) => tf.floor(x), -3, 3],
  ['ceil', (x) => tf.ceil(x), -3, 3],
  ['round', (x) => tf.round(x), -3, 3],
  ['sign', (x) => tf.sign(x), -3, 3],
];

describe('collapseBroadcast', () => {
  it('merges the dimensions both operands step through alike', () => {
    expect(collapseBroadcast([4, 5, 6], [4, 5, 6])).toMatchObject({ outShape: [4, 5, 6], shape: [120], sa: [1], sb: [1] });
    expect(collapseBroadcast([128, 512], [512])).toMatchObject({ shape: [128, 512], sa: [512, 1], sb: [0, 1] });
    expect(collapseBroadcast([], [3, 4])).toMatchObject({ shape: [12], sa: [0], sb: [1] });
    expect(collapseBroadcast([2, 1, 4], [1, 3, 4])).toMatchObject({ outShape: [2, 3, 4], shape: [2, 3, 4], sa: [4, 0, 1], sb: [0, 4, 1] });
    expect(collapseBroadcast([6, 1], [1, 1])).toMatchObject({ shape: [6], sa: [1], sb: [0] });
  });
});

describe.skipIf(!nativeAvailable)('elementwise kernels (native vs cpu)', () => {
  it.each(unary)('%s matches cpu on small and large tensors, with its gradient', async (_name, f, lo, hi) => {
    resetKernelCounts();
    for (const shape of [[7], [3, 130, 257]]) {
      await expectSameOnBothBackends(() => f(randomTensor(shape, 1, lo, hi)), { rtol: 2e-6, atol: 2e-6 });
    }
    await expectSameOnBothBackends(() => tf.grad(f)(randomTensor([5, 9], 2, lo, hi)), { rtol: 1e-5, atol: 1e-6 });
    const native = Object.values(kernelCounts()).reduce((s, c) => s + c.native, 0);
    expect(native).toBeGreaterThan(0);
  });

  const shapes: [number[], number[]][] = [
    [[6], [6]],
    [[], [3, 4]],
    [[3, 4], []],
    [[128, 512], [512]],
    [[2, 1, 4], [1, 3, 4]],
    [[5, 1], [1, 7]],
    [[2, 3, 4, 5], [3, 1, 5]],
    [[300, 700], [300, 1]],
    [[1, 1], [1]],
    [[0, 3], [3]],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
    ['pow', (a, b) => tf.pow(tf.abs(a), b)],
  ];
  it.each(ops)('%s broadcasts like cpu, with its gradients', async (_name, op) => {
    for (const [sa, sb] of shapes) {
      await expectSameOnBothBackends(() => op(randomTensor(sa, 1), randomTensor(sb, 2, 0.5, 2)), { rtol: 2e-6, atol: 2e-6 });
    }
    // tfjs-core's gradients of maximum, minimum and squaredDifference do not reduce broadcasts.
    const bShape = ['maximum', 'minimum', 'squaredDifference'].includes(_name) ? [4, 6] : [6];
    await expectSameOnBothBackends(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(op(a, b)))([randomTensor([4, 6], 3), randomTensor(bShape, 4, 0.5, 2)]), {
      rtol: 1e-5,
      atol: 1e-5,
    });
  });

  it('int32 operands fall back to the cpu kernels', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.add(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(2, 'int32')));
    expect(kernelCounts().Add).toEqual({ native: 0, fallback: 1 });
  });

  it('cast of int32 and bool to float32 gives a Float32Array the native kernels can read', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => [
      tf.mul(tf.cast(tf.tensor1d([1, -2, 3], 'int32'), 'float32'), 2),
      tf.mul(tf.cast(tf.tensor1d([true, false, true], 'bool'), 'float32'), 2),
      tf.cast(tf.tensor1d([1.5, -2.5], 'float32'), 'int32'),
    ]);
    expect(kernelCounts().Cast).toEqual({ native: 2, fallback: 1 });
    expect(kernelCounts().Multiply).toEqual({ native: 2, fallback: 0 });
  });

  it('addN sums same-shape tensors', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => tf.addN([randomTensor([50, 70], 1), randomTensor([50, 70], 2), randomTensor([50, 70], 3)]));
    expect(kernelCounts().AddN.native).toBe(1);
  });

  it('gather selects rows of float32 and int32 tensors along any axis', async () => {
    resetKernelCounts();
    await expectSameOnBothBackends(() => [
      tf.gather(randomTensor([10, 3, 4], 1), tf.tensor1d([9, 0, 3, 3], 'int32')),
      tf.gather(randomTensor([10, 3, 4], 2), tf.tensor1d([2, 1], 'int32'), 1),
      tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor2d([2, 0, 1, 1], [2, 2], 'int32')),
      // oneHot's int32 output is stored in a Float32Array by the cpu kernel: the copy must keep that.
      tf.gather(tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3), tf.tensor1d([3, 0], 'int32')),
    ]);
    expect(kernelCounts().GatherV2).toEqual({ native: 4, fallback: 0 });
  });

  it('gather with an index out of range throws the cpu kernel error', async () => {
    await tf.setBackend('native');
    expect(() => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([5], 'int32'))).toThrow(/index/);
  });
});
