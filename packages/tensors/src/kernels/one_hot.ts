/**
 * `OneHot` for the wasm backend.
 *
 * The original wasm kernel of TF.js 4.22 ignores the `dtype` attribute: it writes int32 bits into
 * the output whatever its dtype, so `tf.oneHot(i, n, 1, 0, 'float32')` yields 1.4e-45 instead of 1
 * (and `sparse_categorical_crossentropy` comes out near zero). This one fills the output in JS
 * with the requested dtype; indices outside `[0, depth)` give an all-`offValue` row, as on cpu.
 *
 * @packageDocumentation
 */
import { OneHot } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { asKernelFunc, defineWasmKernel, i32, setupOriginal, type KernelArgs } from './wasm_util';

interface OneHotAttrs {
  depth: number;
  onValue: number;
  offValue: number;
  dtype: DataType;
}

/** One-hot rows of `indices` (int32), in the requested dtype. */
export function oneHot(args: KernelArgs<OneHotAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const indices = inputs.indices!;
  const { depth, onValue, offValue } = attrs;
  const dtype = attrs.dtype ?? 'int32';
  const out = backend.makeOutput([...indices.shape, depth], dtype);
  const n = indices.shape.reduce((a, b) => a * b, 1);
  const heap = backend.wasm.HEAPU8.buffer;
  const offset = backend.dataIdMap.get(out.dataId).memoryOffset;
  const size = n * depth;
  const dst = dtype === 'float32' ? new Float32Array(heap, offset, size) : dtype === 'bool' ? new Uint8Array(heap, offset, size) : new Int32Array(heap, offset, size);
  dst.fill(offValue);
  const idx = i32(backend, indices);
  for (let i = 0; i < n; i++) {
    const k = idx[i];
    if (k >= 0 && k < depth) dst[i * depth + k] = onValue;
  }
  return out;
}

/** Wasm `OneHot` that honours `dtype`. */
export const oneHotConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: OneHot,
  backendName: 'wasm',
  setupFunc: setupOriginal(OneHot),
  kernelFunc: asKernelFunc(oneHot),
});
