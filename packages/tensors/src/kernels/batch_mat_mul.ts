/**
 * `BatchMatMul` for the wasm backend.
 *
 * The wasm backend (4.22) only sends a matmul to XNNPACK's GEMM when neither
 * operand is transposed and both have a batch size of 1; everything else runs
 * a naive triple loop that is about 10x slower. Training hits that slow path
 * constantly: a dense layer's weight gradient is `xᵀ · dy` and its input
 * gradient is `dy · Wᵀ`. This kernel transposes the operands explicitly
 * (the wasm `Transpose` kernel is cheap), folds the batch of `a` into its rows
 * when `b` is shared, runs one XNNPACK GEMM per remaining batch through views
 * of the operands, and broadcasts batch dimensions in both directions.
 *
 * XNNPACK repacks the right-hand operand (the "weights") whenever it is a
 * tensor it has not seen, at about 7 ns per element; in training every
 * operand is new, and for a `[128, 784] x [784, 512]` product the packing
 * costs a third of the multiply. For a single 2-D product, {@link gemm2D}
 * therefore computes `A·B` or `(Bᵀ·Aᵀ)ᵀ`, whichever packs fewer elements once
 * the extra transposes are counted.
 *
 * @packageDocumentation
 */
import { BatchMatMul, broadcast_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  asKernelFunc,
  defineWasmKernel,
  disposeAll,
  f32,
  makeView,
  originalKernel,
  releaseView,
  reshaped,
  runConfig,
  runWasmKernel,
  setupOriginal,
  type KernelArgs,
  type WasmBackend,
} from './wasm_util';

interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Per-batch GEMMs below this many multiply-adds go to the original kernel's loop instead. */
const SMALL_GEMM_MACS = 4096;

/** `[batch, rows, cols]` -> `[batch, cols, rows]` with the wasm Transpose kernel. */
function transposeLast2(backend: WasmBackend, t: TensorInfo): TensorInfo {
  return runWasmKernel('Transpose', { x: t }, backend, { perm: [0, 2, 1] });
}

/** `[rows, cols]` -> `[cols, rows]` with the wasm Transpose kernel. */
function transpose2D(backend: WasmBackend, t: TensorInfo, rows: number, cols: number): TensorInfo {
  return runWasmKernel('Transpose', { x: reshaped(t, [rows, cols]) }, backend, { perm: [1, 0] });
}

/** Measured cost, ns per element, of XNNPACK packing a fresh right-hand operand. */
const PACK_NS = 7.4;
/** Measured cost, ns per element, of the wasm 2-D Transpose kernel. */
const TRANSPOSE_NS = 1.5;

/**
 * Whether `op(A)·op(B)` (m x k times k x n) is cheaper computed as
 * `(Bᵀ·Aᵀ)ᵀ`: XNNPACK then packs `Aᵀ` (k x m) instead of `B` (k x n), at the
 * price of different transposes.
 */
export function preferSwapped(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = PACK_NS * k * n + TRANSPOSE_NS * ((transposeA ? m * k : 0) + (transposeB ? k * n : 0));
  const swapped = PACK_NS * k * m + TRANSPOSE_NS * ((transposeA ? 0 : m * k) + (transposeB ? 0 : k * n) + m * n);
  return swapped < direct;
}

/**
 * `op(A) · op(B)` for 2-D float32 operands (any leading dims of size 1 are
 * ignored) as one XNNPACK GEMM through the original wasm kernel. Computes
 * `A·B` directly or as `(Bᵀ·Aᵀ)ᵀ`, whichever is estimated cheaper: the
 * operand XNNPACK packs is `B` (k x n) in the first case and `Aᵀ` (k x m) in
 * the second, plus whatever transposes each needs. Returns a new `[m, n]`
 * tensor; the inputs are untouched.
 */
export function gemm2D(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  const original = originalKernel(BatchMatMul);
  const plain = { transposeA: false, transposeB: false };
  const temps: TensorInfo[] = [];
  try {
    if (!preferSwapped(m, k, n, transposeA, transposeB)) {
      const aP = transposeA ? transpose2D(backend, a, k, m) : a;
      if (aP !== a) temps.push(aP);
      const bP = transposeB ? transpose2D(backend, b, n, k) : b;
      if (bP !== b) temps.push(bP);
      const out = runConfig(original, { a: reshaped(aP, [1, m, k]), b: reshaped(bP, [1, k, n]) }, backend, plain);
      return reshaped(out, [m, n]);
    }
    // (Bᵀ·Aᵀ)ᵀ: Bᵀ is [n, k], Aᵀ is [k, m]; a transposed operand is already stored that way.
    const bT = transposeB ? b : transpose2D(backend, b, k, n);
    if (bT !== b) temps.push(bT);
    const aT = transposeA ? a : transpose2D(backend, a, m, k);
    if (aT !== a) temps.push(aT);
    const cT = runConfig(original, { a: reshaped(bT, [1, n, k]), b: reshaped(aT, [1, k, m]) }, backend, plain);
    temps.push(cT);
    return transpose2D(backend, cT, n, m);
  } finally {
    disposeAll(backend, temps);
  }
}

/** Index of the operand batch that broadcasts to flat output batch `i`. */
function broadcastIndex(i: number, outBatch: number[], operandBatch: number[]): number {
  const rank = outBatch.length;
  const offset = rank - operandBatch.length;
  let idx = 0;
  let stride = 1;
  let rest = i;
  const coords = new Array<number>(rank);
  for (let d = rank - 1; d >= 0; d--) {
    coords[d] = rest % outBatch[d];
    rest = Math.floor(rest / outBatch[d]);
  }
  for (let d = operandBatch.length - 1; d >= 0; d--) {
    const size = operandBatch[d];
    idx += (size === 1 ? 0 : coords[d + offset]) * stride;
    stride *= size;
  }
  return idx;
}

/**
 * Computes `op(a) · op(b)` for rank >= 2 float32 tensors, with numpy-style
 * broadcasting of the leading (batch) dimensions.
 */
export function batchMatMul(args: KernelArgs<BatchMatMulAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const transposeA = !!attrs.transposeA;
  const transposeB = !!attrs.transposeB;
  const original = originalKernel(BatchMatMul);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runConfig(original, inputs, backend, attrs);

  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  util.assert(
    k === kB,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
      `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const outBatchShape = broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  const outShape = [...outBatchShape, m, n];
  const batchA = util.sizeFromShape(aBatchShape);
  const batchB = util.sizeFromShape(bBatchShape);
  const batch = util.sizeFromShape(outBatchShape);

  if (batch * m * n === 0 || k === 0) {
    const out = backend.makeOutput(outShape, 'float32');
    if (batch * m * n > 0) f32(backend, out).fill(0);
    return out;
  }

  // A single product: one GEMM in the cheaper orientation.
  if (batchA === 1 && batchB === 1) return reshaped(gemm2D(backend, a, b, transposeA, transposeB), outShape);

  // Small matrices in a big batch: the per-GEMM overhead would dominate, and
  // the original loop is fine when it reads both operands contiguously
  // (a not transposed, b transposed) and no batch dimension broadcasts.
  if (m * n * k < SMALL_GEMM_MACS && batchA === batch && batchB === batch) {
    const a3 = reshaped(a, transposeA ? [batchA, k, m] : [batchA, m, k]);
    const b3 = reshaped(b, transposeB ? [batchB, n, k] : [batchB, k, n]);
    const aP = transposeA ? transposeLast2(backend, a3) : a3;
    const bT = transposeB ? b3 : transposeLast2(backend, b3);
    const out = runConfig(original, { a: aP, b: bT }, backend, { transposeA: false, transposeB: true });
    disposeAll(backend, [aP !== a3 ? aP : null, bT !== b3 ? bT : null]);
    return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
  }

  const a3 = reshaped(a, transposeA ? [batchA, k, m] : [batchA, m, k]);
  const b3 = reshaped(b, transposeB ? [batchB, n, k] : [batchB, k, n]);

  // b is shared by every batch: one GEMM with a's batches stacked as rows.
  if (batchB === 1) {
    const aP = transposeA ? transposeLast2(backend, a3) : a3;
    try {
      return reshaped(gemm2D(backend, reshaped(aP, [batchA * m, k]), b3, false, transposeB), outShape);
    } finally {
      if (aP !== a3) disposeAll(backend, [aP]);
    }
  }

  // Bring both operands to the plain layout a: [batchA, m, k], b: [batchB, k, n].
  const aP = transposeA ? transposeLast2(backend, a3) : a3;
  const bP = transposeB ? transposeLast2(backend, b3) : b3;
  const temps = [aP !== a3 ? aP : null, bP !== b3 ? bP : null];
  const plain = { transposeA: false, transposeB: false };

  try {
    // One GEMM per output batch, on views of the operands.
    const out = backend.makeOutput(outShape, 'float32');
    const outOffset = backend.dataIdMap.get(out.dataId).memoryOffset;
    const sliceBytes = m * n * 4;
    for (let i = 0; i < batch; i++) {
      const ai = batchA === batch ? i : broadcastIndex(i, outBatchShape, aBatchShape);
      const bi = batchB === batch ? i : broadcastIndex(i, outBatchShape, bBatchShape);
      const aView = makeView(backend, aP, ai * m * k, [1, m, k]);
      const bView = makeView(backend, bP, bi * k * n, [1, k, n]);
      try {
        const r = runConfig(original, { a: aView, b: bView }, backend, plain);
        const src = backend.dataIdMap.get(r.dataId).memoryOffset;
        backend.wasm.HEAPU8.copyWithin(outOffset + i * sliceBytes, src, src + sliceBytes);
        backend.disposeData(r.dataId);
      } finally {
        releaseView(backend, aView);
        releaseView(backend, bView);
      }
    }
    return out;
  } finally {
    disposeAll(backend, temps);
  }
}

/** Wasm `BatchMatMul`: transposed and batched matmuls through XNNPACK instead of the naive loop. */
export const batchMatMulConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: BatchMatMul,
  backendName: 'wasm',
  setupFunc: setupOriginal(BatchMatMul),
  kernelFunc: asKernelFunc(batchMatMul),
});
