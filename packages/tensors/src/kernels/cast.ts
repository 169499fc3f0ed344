/**
 * `Cast` for the wasm backend.
 *
 * The original wasm kernel copies the tensor even when the dtype does not
 * change, which the gradient of `relu` does on every activation
 * (`cast(step(x), 'float32')`). A same-dtype cast here returns the input's
 * buffer with its reference count raised (as the cpu backend does). Casts
 * to `bool` are computed here too: the original stores the number itself
 * into the byte (so 2.5 -> 2, -1 -> 255, 256 -> 0) instead of `x != 0`.
 * Other conversions go to the original kernel.
 *
 * @packageDocumentation
 */
import { Cast } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  asKernelFunc,
  defineWasmKernel,
  originalKernel,
  runConfig,
  setupOriginal,
  type KernelArgs,
  type WasmBackend,
} from './wasm_util';

/** `x != 0` into a new bool tensor. */
function toBool(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput([...x.shape], 'bool');
  const heap = backend.wasm.HEAPU8.buffer;
  const size = x.shape.reduce((p, q) => p * q, 1);
  const src =
    x.dtype === 'float32'
      ? new Float32Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, size)
      : x.dtype === 'int32'
        ? new Int32Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, size)
        : new Uint8Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, size);
  const dst = new Uint8Array(heap, backend.dataIdMap.get(out.dataId).memoryOffset, size);
  for (let i = 0; i < size; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  return out;
}

/** `x` as `dtype`: zero-copy when the dtype is already right. */
export function cast(args: KernelArgs<{ dtype: DataType }>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  if (attrs.dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) return toBool(backend, x);
  if (x.dtype !== attrs.dtype || x.dtype === 'string') return runConfig(originalKernel(Cast), inputs, backend, attrs);
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Wasm `Cast` without the copy for same-dtype casts, and with correct casts to bool. */
export const castConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: Cast,
  backendName: 'wasm',
  setupFunc: setupOriginal(Cast),
  kernelFunc: asKernelFunc(cast),
});
