/**
 * What every native kernel shares: the backend name, reading float32 inputs in place, and the
 * fallback to the cpu kernel of the same name when a case is not handled natively.
 *
 * @packageDocumentation
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend';

/**
 * The name the backend is registered under.
 *
 * @example
 * ```ts
 * await tf.setBackend(NATIVE_BACKEND); // 'native'
 * ```
 */
export const NATIVE_BACKEND = 'native';

/** The arguments tfjs passes to a kernel function. */
export interface NativeKernelArgs<A = NamedAttrMap> {
  /** The named inputs (optional ones, like a fused kernel's `bias`, may be absent). */
  inputs: Record<string, TensorInfo>;
  backend: NativeBackend;
  attrs: A;
}

/** Calls per kernel: how many ran natively and how many fell back to the cpu kernel. */
const counts = new Map<string, { native: number; fallback: number }>();

/**
 * Per kernel, how many calls ran natively and how many fell back to the cpu kernel (since the
 * last {@link resetKernelCounts}).
 *
 * @returns `{Conv2D: {native: 3, fallback: 0}, ...}`.
 * @example
 * ```ts
 * resetKernelCounts();
 * tf.conv2d(x, w, 1, 'same');
 * kernelCounts().Conv2D; // {native: 1, fallback: 0}
 * ```
 */
export function kernelCounts(): Record<string, { native: number; fallback: number }> {
  return Object.fromEntries([...counts].map(([k, v]) => [k, { ...v }]));
}

/**
 * Resets the counts of {@link kernelCounts}.
 *
 * @example
 * ```ts
 * resetKernelCounts();
 * ```
 */
export function resetKernelCounts(): void {
  counts.clear();
}

function count(name: string, native: boolean): void {
  let c = counts.get(name);
  if (!c) counts.set(name, (c = { native: 0, fallback: 0 }));
  if (native) c.native++;
  else c.fallback++;
}

const cpuKernels = new Map<string, KernelFunc>();

/** The cpu backend's kernel function `name` (the fallback of a native kernel). */
export function cpuKernel(name: string): KernelFunc {
  let fn = cpuKernels.get(name);
  if (!fn) {
    const config = getKernel(name, 'cpu');
    if (!config) throw new Error(`@dlts/backend-native: the cpu backend has no kernel ${name} to fall back to`);
    fn = config.kernelFunc;
    cpuKernels.set(name, fn);
  }
  return fn;
}

/**
 * A kernel config for the native backend: `impl` returns the output, or `undefined` for a case
 * it does not handle (another dtype, layout, ...), which then runs the cpu kernel.
 */
export function nativeKernel<A = NamedAttrMap>(kernelName: string, impl: (args: NativeKernelArgs<A>) => TensorInfo | TensorInfo[] | undefined): KernelConfig {
  const kernelFunc = (args: unknown): TensorInfo | TensorInfo[] => {
    let out: TensorInfo | TensorInfo[] | undefined;
    (args as NativeKernelArgs<A>).backend.governor?.tick();
    try {
      out = impl(args as NativeKernelArgs<A>);
    } catch (error) {
      // oneDNN may reject a geometry it has no implementation for: the cpu kernel handles it.
      if ((error as { code?: string }).code !== 'DLTS_NATIVE') throw error;
      out = undefined;
    }
    if (out !== undefined) {
      count(kernelName, true);
      return out;
    }
    count(kernelName, false);
    return cpuKernel(kernelName)(args as Parameters<KernelFunc>[0]);
  };
  return { kernelName, backendName: NATIVE_BACKEND, kernelFunc: kernelFunc as KernelFunc };
}

/** The values of a float32 tensor as the Float32Array the backend stores, or undefined. */
export function float32Values(backend: NativeBackend, t: TensorInfo | undefined): Float32Array | undefined {
  if (t === undefined || t.dtype !== 'float32') return undefined;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A float32 output tensor made of `values`. */
export function output(backend: NativeBackend, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** The activation codes of the native fused kernels (native/activation.h), or undefined. */
export function activationCode(activation: string | undefined): number | undefined {
  switch (activation ?? 'linear') {
    case 'linear':
      return 0;
    case 'relu':
      return 1;
    case 'relu6':
      return 2;
    case 'elu':
      return 3;
    case 'leakyrelu':
      return 4;
    case 'sigmoid':
      return 5;
    default:
      return undefined; // prelu: the cpu kernel
  }
}

/**
 * The epilogue of a fused kernel (`_FusedMatMul`, `FusedConv2D`): its activation code and its
 * bias, one value per output channel (the last axis, `channels` long; a single value too when
 * `scalarBias`), or undefined when the native code cannot apply them (PReLU, another bias shape):
 * the cpu kernel then runs.
 */
export function fusedEpilogue(
  backend: NativeBackend,
  inputs: Record<string, TensorInfo>,
  attrs: { activation?: string },
  channels: number,
  outRank: number,
  scalarBias: boolean,
): { act: number; bias: Float32Array | null } | undefined {
  const act = activationCode(attrs.activation);
  if (act === undefined) return undefined;
  if (!inputs.bias) return { act, bias: null };
  const bias = float32Values(backend, inputs.bias);
  const shape = inputs.bias.shape;
  const perChannel = bias !== undefined && bias.length === channels && shape.length > 0 && shape[shape.length - 1] === channels;
  const scalar = scalarBias && bias !== undefined && bias.length === 1;
  if (!bias || shape.length > outRank || !(perChannel || scalar)) return undefined;
  return { act, bias };
}
