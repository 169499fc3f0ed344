/**
 * Extra and faster training kernels for the TF.js wasm backend (4.22).
 *
 * The wasm backend cannot train convnets (no `Conv2DBackpropFilter`, see
 * TF.js issue #8474) or embeddings (no `UnsortedSegmentSum`), and several of
 * its gradient kernels are far slower than an equivalent formulation. Call
 * {@link registerWasmKernels} once, after importing
 * `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend('wasm')`.
 * Importing this module registers nothing.
 *
 * @packageDocumentation
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { avgPoolGradConfig } from './avg_pool_grad';
import { batchMatMulConfig } from './batch_mat_mul';
import { castConfig } from './cast';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter';
import { conv2DBackpropInputConfig } from './conv2d_backprop_input';
import { fusedMatMulConfig } from './fused_mat_mul';
import { gatherV2Config } from './gather';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max_pool_grad';
import { oneHotConfig } from './one_hot';
import { sumConfig } from './sum';
import { unsortedSegmentSumConfig } from './unsorted_segment_sum';
import { captureOriginal, findOriginal, isOurKernel } from './wasm_util';

export { avgPoolGradConfig } from './avg_pool_grad';
export { batchMatMulConfig } from './batch_mat_mul';
export { castConfig } from './cast';
export { conv2DBackpropFilterConfig } from './conv2d_backprop_filter';
export { conv2DBackpropInputConfig } from './conv2d_backprop_input';
export { fusedMatMulConfig } from './fused_mat_mul';
export { gatherV2Config } from './gather';
export { identityConfig } from './identity';
export { maxPoolGradConfig } from './max_pool_grad';
export { oneHotConfig } from './one_hot';
export { sumConfig } from './sum';
export { unsortedSegmentSumConfig } from './unsorted_segment_sum';

/** Kernels that exist on wasm and that we replace (we keep the original as a fallback). */
const REPLACEMENTS: readonly KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  sumConfig,
  identityConfig,
  castConfig,
  oneHotConfig,
  gatherV2Config,
];

/** Kernels that the wasm backend does not have at all. */
const ADDITIONS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig];

/** Every kernel {@link registerWasmKernels} registers, in registration order. */
export const wasmKernelConfigs: readonly KernelConfig[] = [...ADDITIONS, ...REPLACEMENTS];

/**
 * Registers {@link wasmKernelConfigs} for the `wasm` backend and returns the
 * names of the kernels that are now ours.
 *
 * Idempotent: the original wasm kernels are captured the first time only,
 * and a second call re-registers the same configs without warnings. A
 * replacement whose original is not registered (the wasm backend was not
 * imported yet) is skipped, since it needs the original as a fallback.
 *
 * `initBackend('wasm')` (and `'auto'` when it falls back to wasm) already calls it.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels, tf } from '@dlts/tensors';
 * registerWasmKernels(); // ['Conv2DBackpropFilter', 'UnsortedSegmentSum', ...]
 * await tf.setBackend('wasm');
 * ```
 */
export function registerWasmKernels(): string[] {
  const registered: string[] = [];
  for (const config of wasmKernelConfigs) {
    const { kernelName } = config;
    const current = getKernel(kernelName, 'wasm');
    // Remember whatever wasm kernel was there first (also for an addition, in
    // case a later TF.js ships one), so that unregisterWasmKernels can restore it.
    const original = captureOriginal(kernelName);
    if (REPLACEMENTS.includes(config) && original == null) continue;
    if (current !== config) {
      if (current != null) unregisterKernel(kernelName, 'wasm');
      registerKernel(config);
    }
    registered.push(kernelName);
  }
  return registered;
}

/**
 * Undoes {@link registerWasmKernels}: puts the original wasm kernels back and
 * removes the ones the wasm backend does not have. Returns the kernel names
 * it changed. Meant for benchmarks and for checking a numerical difference
 * against the stock backend.
 */
export function unregisterWasmKernels(): string[] {
  const changed: string[] = [];
  for (const config of wasmKernelConfigs) {
    const { kernelName } = config;
    if (getKernel(kernelName, 'wasm') !== config) continue;
    unregisterKernel(kernelName, 'wasm');
    const original = findOriginal(kernelName);
    if (original != null) registerKernel(original);
    changed.push(kernelName);
  }
  return changed;
}

/** Whether the wasm kernel `kernelName` currently registered is one of ours. */
export function isWasmKernelRegistered(kernelName: string): boolean {
  return isOurKernel(getKernel(kernelName, 'wasm'));
}
