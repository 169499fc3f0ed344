/**
 * `BatchMatMul` and `_FusedMatMul` (bias + linear/relu/relu6/elu/leakyrelu/sigmoid) on oneDNN's
 * sgemm, every transpose combination, batches broadcast as tfjs-backend-cpu does. PReLU and
 * biases that are not per-column fall back to the cpu kernel.
 *
 * @packageDocumentation
 */
import { BatchMatMul, _FusedMatMul, broadcast_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, fusedEpilogue, nativeKernel, output, sizeOf, type NativeKernelArgs } from './kernel_util';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

function matMul(args: NativeKernelArgs<MatMulAttrs>, fused: boolean): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  const av = float32Values(backend, a);
  const bv = float32Values(backend, b);
  if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const { transposeA, transposeB } = attrs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  if (k !== kb) return undefined; // the cpu kernel throws tfjs's message
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  // tfjs pairs batch i with a[i % batchA], b[i % batchB]; only unambiguous cases run natively.
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const outShape = [...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  const epilogue = fused ? fusedEpilogue(backend, inputs, attrs, n, outShape.length, true) : { act: 0, bias: null };
  if (!epilogue) return undefined;
  const { act, bias } = epilogue;
  const out = backend.outputFloat32(sizeOf(outShape));
  backend.addon.matmul(av, bv, out, batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, bias, act, attrs.leakyreluAlpha ?? 0.2);
  return output(backend, outShape, out);
}

/** `BatchMatMul` on the native backend. */
export const batchMatMulConfig: KernelConfig = nativeKernel<MatMulAttrs>(BatchMatMul, (args) => matMul(args, false));

/** `_FusedMatMul` on the native backend. */
export const fusedMatMulConfig: KernelConfig = nativeKernel<MatMulAttrs>(_FusedMatMul, (args) => matMul(args, true));
