import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWasmKernelRegistered, registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, runKernel, use, type Spec } from './test_util';

/** Operand shape for logical `[..., rows, cols]` stored transposed or not. */
const stored = (batch: number[], rows: number, cols: number, transposed: boolean) =>
  transposed ? [...batch, cols, rows] : [...batch, rows, cols];

interface Case {
  name: string;
  aBatch: number[];
  bBatch: number[];
  m: number;
  k: number;
  n: number;
}

const cases: Case[] = [
  { name: '2-d, odd sizes', aBatch: [], bBatch: [], m: 7, k: 5, n: 3 },
  { name: '2-d, dense-layer-like', aBatch: [], bBatch: [], m: 33, k: 70, n: 45 },
  { name: 'rank 3, small per-batch GEMMs', aBatch: [4], bBatch: [4], m: 6, k: 3, n: 5 },
  { name: 'rank 3, larger per-batch GEMMs', aBatch: [3], bBatch: [3], m: 37, k: 29, n: 41 },
  { name: 'broadcast b (rank 3 x rank 2)', aBatch: [3], bBatch: [], m: 20, k: 25, n: 30 },
  { name: 'broadcast a (rank 2 x rank 3)', aBatch: [], bBatch: [3], m: 20, k: 25, n: 30 },
  { name: 'broadcast both ([2,1] x [1,3])', aBatch: [2, 1], bBatch: [1, 3], m: 17, k: 19, n: 23 },
  { name: 'broadcast small ([2,1] x [3])', aBatch: [2, 1], bBatch: [3], m: 4, k: 3, n: 2 },
  { name: 'broadcast small, equal batch sizes ([2,1] x [1,2])', aBatch: [2, 1], bBatch: [1, 2], m: 4, k: 3, n: 2 },
  { name: 'batch of 1', aBatch: [1], bBatch: [1], m: 9, k: 11, n: 13 },
  // Shapes for which gemm2D packs B (tall) or Aᵀ (wide), whatever the transposes.
  { name: '2-d tall (m >> n)', aBatch: [], bBatch: [], m: 90, k: 40, n: 8 },
  { name: '2-d wide (n >> m)', aBatch: [], bBatch: [], m: 8, k: 40, n: 90 },
  { name: 'broadcast b, wide', aBatch: [2], bBatch: [], m: 3, k: 20, n: 70 },
];

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
  expect(isWasmKernelRegistered('BatchMatMul')).toBe(true);
  expect(isWasmKernelRegistered('_FusedMatMul')).toBe(true);
});

describe('wasm BatchMatMul vs cpu', () => {
  cases.forEach((c, i) => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${c.name}, transposeA=${ta} transposeB=${tb}`, async () => {
        const aShape = stored(c.aBatch, c.m, c.k, ta);
        const bShape = stored(c.bBatch, c.k, c.n, tb);
        const a: Spec = { values: await randomValues(aShape, 10 * i + 1), shape: aShape };
        const b: Spec = { values: await randomValues(bShape, 10 * i + 2), shape: bShape };
        const mm = (x: tf.Tensor, y: tf.Tensor) => runKernel('BatchMatMul', { a: x, b: y }, { transposeA: ta, transposeB: tb });
        // The cpu kernel mishandles batch dims that broadcast both ways (it
        // returns only max(batchA, batchB) matrices), so the reference gets
        // operands already broadcast to the full batch shape.
        const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(c.aBatch, c.bBatch);
        const reference = (x: tf.Tensor, y: tf.Tensor) =>
          tf.getBackend() === 'cpu'
            ? tf.tidy(() => mm(tf.broadcastTo(x, [...outBatch, ...x.shape.slice(-2)]), tf.broadcastTo(y, [...outBatch, ...y.shape.slice(-2)])))
            : mm(x, y);
        await compareBackends([a, b], reference, 1e-4, 'BatchMatMul');
        await expectNoLeak([a, b], mm);
      });
    }
  });

  it('dense-layer gradients via tf.grads (transposed matmuls)', async () => {
    const x: Spec = { values: await randomValues([16, 24], 1), shape: [16, 24] };
    const w: Spec = { values: await randomValues([24, 12], 2), shape: [24, 12] };
    const dy: Spec = { values: await randomValues([16, 12], 3), shape: [16, 12] };
    await compareBackends([x, w, dy], (xt, wt, dyt) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q))([xt, wt], dyt));
  });

  it('rejects mismatched inner dimensions', async () => {
    await use('wasm');
    const a = tf.zeros([3, 4]);
    const b = tf.zeros([5, 2]);
    expect(() => runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false })).toThrow(/inner shapes/);
    tf.dispose([a, b]);
  });
});

describe('wasm _FusedMatMul vs cpu', () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    for (const [activation, [m, k, n]] of [
      ['linear', [9, 14, 6]],
      ['relu', [9, 14, 6]],
      ['relu', [8, 30, 70]], // wide: computed as (Bᵀ·Aᵀ)ᵀ + bias, then relu
      ['linear', [8, 30, 70]],
      ['elu', [8, 30, 70]],
    ] as const) {
      it(`transposeA=${ta} transposeB=${tb}, bias, ${activation}, ${m}x${k}x${n}`, async () => {
        const aShape = stored([], m, k, ta);
        const bShape = stored([], k, n, tb);
        const a: Spec = { values: await randomValues(aShape, 5), shape: aShape };
        const b: Spec = { values: await randomValues(bShape, 6), shape: bShape };
        const bias: Spec = { values: await randomValues([n], 7), shape: [n] };
        const fused = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: z, activation });
        await compareBackends([a, b, bias], fused, 1e-4, '_FusedMatMul');
        await expectNoLeak([a, b, bias], fused);
      });
    }
  }
});
