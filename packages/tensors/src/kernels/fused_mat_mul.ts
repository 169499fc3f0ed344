/**
 * `_FusedMatMul` for the wasm backend.
 *
 * Same problem as `BatchMatMul`: the original only uses XNNPACK's GEMM when
 * neither operand is transposed (about 10x faster than its fallback loop).
 * This kernel transposes the operands explicitly with the wasm `Transpose`
 * kernel and calls the original with `transposeA = transposeB = false`, so
 * bias, activation and PReLU handling stay the original's. For a single
 * product with a linear or ReLU activation where packing `Aᵀ` instead of `B`
 * is cheaper (a dense layer's forward pass: the batch is smaller than the
 * units), it runs {@link gemm2D} and adds the bias and ReLU with the wasm
 * `Add` / `Relu` kernels instead.
 *
 * @packageDocumentation
 */
import { _FusedMatMul, broadcast_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { gemm2D, preferSwapped } from './batch_mat_mul';
import {
  asKernelFunc,
  defineWasmKernel,
  disposeAll,
  originalKernel,
  reshaped,
  runConfig,
  runWasmKernel,
  setupOriginal,
  type KernelArgs,
  type WasmBackend,
} from './wasm_util';

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  leakyreluAlpha?: number;
}

/** Swaps the last two dimensions of a rank >= 2 tensor with the wasm Transpose kernel. */
function swapLast2(backend: WasmBackend, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const batch = t.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const [r, c] = t.shape.slice(-2);
  const out = runWasmKernel('Transpose', { x: reshaped(t, [batch, r, c]) }, backend, { perm: [0, 2, 1] });
  return { dataId: out.dataId, shape: [...t.shape.slice(0, rank - 2), c, r], dtype: out.dtype };
}

/** `activation(op(a) · op(b) + bias)`, transposes done up front. */
export function fusedMatMul(args: KernelArgs<FusedMatMulAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const original = originalKernel(_FusedMatMul);
  const { transposeA, transposeB } = attrs;
  const a = inputs.a!;
  const b = inputs.b!;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runConfig(original, inputs, backend, attrs);
  }
  const bias = inputs.bias;
  const single = a.shape.slice(0, -2).every((d) => d === 1) && b.shape.slice(0, -2).every((d) => d === 1);
  const [a0, a1] = a.shape.slice(-2);
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (
    single &&
    (attrs.activation === 'linear' || attrs.activation === 'relu') &&
    (bias == null || (bias.dtype === 'float32' && bias.shape.length === 1)) &&
    preferSwapped(m, k, n, transposeA, transposeB)
  ) {
    const outShape = [...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    const product = gemm2D(backend, a, b, transposeA, transposeB);
    let y = product;
    if (bias != null) {
      y = runWasmKernel('Add', { a: product, b: bias }, backend);
      disposeAll(backend, [product]);
    }
    if (attrs.activation === 'relu') {
      const r = runWasmKernel('Relu', { x: y }, backend);
      disposeAll(backend, [y]);
      y = r;
    }
    return reshaped(y, outShape);
  }
  if (!transposeA && !transposeB) return runConfig(original, inputs, backend, attrs);
  const aP = transposeA ? swapLast2(backend, a) : a;
  const bP = transposeB ? swapLast2(backend, b) : b;
  try {
    return runConfig(original, { ...inputs, a: aP, b: bP }, backend, { ...attrs, transposeA: false, transposeB: false });
  } finally {
    disposeAll(backend, [aP !== a ? aP : null, bP !== b ? bP : null]);
  }
}

/** Wasm `_FusedMatMul`: transposed operands through XNNPACK instead of the naive loop. */
export const fusedMatMulConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  setupFunc: setupOriginal(_FusedMatMul),
  kernelFunc: asKernelFunc(fusedMatMul),
});
