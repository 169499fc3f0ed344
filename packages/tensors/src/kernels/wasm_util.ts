/**
 * Internal helpers shared by the wasm kernels in this folder: a minimal typed
 * view of the TF.js wasm backend, heap access, non-owning tensor views, calls
 * to other registered kernels and the store of the original wasm kernels that
 * our configs replace.
 *
 * Nothing here runs at import time.
 *
 * @internal
 * @packageDocumentation
 */
import { getKernel, util, type backend_util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** One entry of the wasm backend's `dataIdMap`. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/**
 * The parts of `BackendWasm` (from `@tensorflow/tfjs-backend-wasm`) that the
 * kernels use. Declared structurally so that we only rely on public members.
 */
export interface WasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    tfjs: {
      registerTensor(id: number, size: number, memoryOffset: number): void;
      disposeData(id: number): void;
    };
  };
  dataIdMap: {
    get(dataId: object): WasmTensorData;
    has(dataId: object): boolean;
    delete(dataId: object): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Arguments every kernel function receives. */
export interface KernelArgs<A = NamedAttrMap> {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WasmBackend;
  attrs: A;
}

/** Casts a typed kernel function to the engine's `KernelFunc` signature. */
export function asKernelFunc<A>(fn: (args: KernelArgs<A>) => TensorInfo): KernelFunc {
  return fn as unknown as KernelFunc;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function memoryOffset(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * A fresh `Float32Array` over a float32 tensor's data on the wasm heap.
 * Re-create it after anything that may allocate: a heap growth detaches the
 * old buffer.
 */
export function f32(backend: WasmBackend, t: TensorInfo): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset(backend, t), util.sizeFromShape(t.shape));
}

/** A fresh `Int32Array` over an int32 tensor's data (same caveat as {@link f32}). */
export function i32(backend: WasmBackend, t: TensorInfo): Int32Array {
  return new Int32Array(backend.wasm.HEAPU8.buffer, memoryOffset(backend, t), util.sizeFromShape(t.shape));
}

/** Same data, other shape: a reshape without a copy or a new data id. */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * Registers a non-owning float32 tensor over `shape`-many elements of `base`
 * starting at element `elementOffset`, so that wasm kernels can read from or
 * write to a slice without a copy. Release it with {@link releaseView}, never
 * with `backend.disposeData` (that would free memory the view does not own).
 */
export function makeView(backend: WasmBackend, base: TensorInfo, elementOffset: number, shape: number[]): TensorInfo {
  const offset = memoryOffset(backend, base) + elementOffset * 4;
  return backend.makeOutput(shape, 'float32', offset);
}

/** Unregisters a view made by {@link makeView}; the memory stays with its owner. */
export function releaseView(backend: WasmBackend, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  // Lets the C++ side drop per-tensor caches (e.g. XNNPACK operators).
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/** Frees intermediate tensors created inside a kernel. */
export function disposeAll(backend: WasmBackend, ts: Array<TensorInfo | null | undefined>): void {
  for (const t of ts) if (t != null) backend.disposeData(t.dataId);
}

/** Runs the currently registered wasm kernel `name` (ours or the original). */
export function runWasmKernel(
  name: string,
  inputs: Record<string, TensorInfo | undefined>,
  backend: WasmBackend,
  attrs: object = {},
): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (config == null) throw new Error(`@dlts/tensors: no '${name}' kernel is registered for the wasm backend.`);
  return runConfig(config, inputs, backend, attrs);
}

/** Runs a given kernel config with a single output. */
export function runConfig(
  config: KernelConfig,
  inputs: Record<string, TensorInfo | undefined>,
  backend: WasmBackend,
  attrs: object = {},
): TensorInfo {
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap });
  return Array.isArray(out) ? out[0] : out;
}

// ---------------------------------------------------------------------------
// Original kernels. Stored on globalThis (created on first use) so that two
// copies of this module in one process still agree on what the originals are.

const ORIGINALS = Symbol.for('@dlts/tensors/wasm-original-kernels');
const OURS = Symbol.for('@dlts/tensors/wasm-kernel');

function originals(): Map<string, KernelConfig> {
  const g = globalThis as unknown as Record<symbol, Map<string, KernelConfig> | undefined>;
  let map = g[ORIGINALS];
  if (map == null) {
    map = new Map();
    g[ORIGINALS] = map;
  }
  return map;
}

/** Marks a config as one of ours (so it is never mistaken for an original). */
export function defineWasmKernel(config: KernelConfig): KernelConfig {
  Object.defineProperty(config, OURS, { value: true, enumerable: false });
  return config;
}

/** Whether a registered config is one of ours (from any copy of this module). */
export function isOurKernel(config: KernelConfig | undefined): boolean {
  return config != null && (config as unknown as Record<symbol, unknown>)[OURS] === true;
}

/** Remembers the original wasm kernel `name` the first time it is seen. */
export function captureOriginal(name: string): KernelConfig | undefined {
  const map = originals();
  const known = map.get(name);
  if (known != null) return known;
  const current = getKernel(name, 'wasm');
  if (current == null || isOurKernel(current)) return undefined;
  map.set(name, current);
  return current;
}

/** The original wasm kernel `name`, if it was captured. */
export function findOriginal(name: string): KernelConfig | undefined {
  return originals().get(name);
}

/** The original wasm kernel `name`; throws if it was never captured. */
export function originalKernel(name: string): KernelConfig {
  const config = findOriginal(name);
  if (config == null) {
    throw new Error(
      `@dlts/tensors: the original wasm '${name}' kernel is unknown. Import ` +
        `'@tensorflow/tfjs-backend-wasm' and call registerWasmKernels() instead of registering this config by hand.`,
    );
  }
  return config;
}

/**
 * A `setupFunc` for configs that replace an original kernel: the original
 * kernel's setup (which binds its wasm function) still has to run when the
 * backend initialises, since the engine only calls the registered config's.
 */
export function setupOriginal(name: string): (backend: object) => void {
  return (backend) => {
    findOriginal(name)?.setupFunc?.(backend);
  };
}

/** Parses a number-or-pair attribute (strides, dilations, filter sizes). */
export function pair(v: number | number[] | undefined, fallback = 1): [number, number] {
  if (v == null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [v[0], v.length > 1 ? v[1] : v[0]];
}

/** The attributes of the `MaxPoolGrad` and `AvgPoolGrad` kernels. */
export interface PoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
