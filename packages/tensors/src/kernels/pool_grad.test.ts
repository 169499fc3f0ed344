import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, runKernel, tiedValues, use, type Spec } from './test_util';

interface Case {
  name: string;
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const cases: Case[] = [
  { name: '2x2 s2 valid, even size', x: [2, 8, 6, 3], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2 s2 valid, odd size (last row/col dropped)', x: [1, 7, 5, 2], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2 s2 same, odd size', x: [2, 7, 5, 2], size: 2, strides: 2, pad: 'same' },
  { name: '3x3 s1 same (overlapping windows)', x: [1, 6, 7, 4], size: 3, strides: 1, pad: 'same' },
  { name: '3x2 s(2,1) valid', x: [2, 9, 7, 1], size: [3, 2], strides: [2, 1], pad: 'valid' },
  { name: '3x3 s3 same, 1 channel', x: [1, 10, 8, 1], size: 3, strides: 3, pad: 'same' },
  { name: '3x3 s2 numeric pad 1', x: [2, 7, 7, 3], size: 3, strides: 2, pad: 1 },
];

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

describe('wasm MaxPoolGrad / AvgPoolGrad vs cpu', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      await use('cpu');
      const yShape = tf.tidy(() => tf.maxPool(tf.zeros(c.x) as tf.Tensor4D, c.size, c.strides, c.pad).shape);
      // Random values, and values with many ties (which element gets the max gradient matters).
      for (const x of [
        { values: await randomValues(c.x, 40 + i), shape: c.x },
        { values: await tiedValues(c.x, 60 + i), shape: c.x },
      ] as Spec[]) {
        const dy: Spec = { values: await randomValues(yShape, 80 + i), shape: yShape };
        await compareBackends(
          [x, dy],
          (xt, dyt) => tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, c.size, c.strides, c.pad))(xt, dyt),
          1e-5,
          'maxPool grad',
        );
        await compareBackends(
          [x, dy],
          (xt, dyt) => tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, c.size, c.strides, c.pad))(xt, dyt),
          1e-5,
          'avgPool grad',
        );
        const attrs = { filterSize: c.size, strides: c.strides, pad: c.pad };
        await expectNoLeak([x, dy], (xt, dyt) =>
          tf.tidy(() => runKernel('MaxPoolGrad', { dy: dyt, input: xt, output: tf.maxPool(xt as tf.Tensor4D, c.size, c.strides, c.pad) }, attrs)),
        );
        await expectNoLeak([x, dy], (xt, dyt) => runKernel('AvgPoolGrad', { dy: dyt, input: xt }, attrs));
      }
    });
  });
});
