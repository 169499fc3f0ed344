/**
 * `Identity` for the wasm backend.
 *
 * The original wasm kernel copies the whole tensor; the cpu backend (and
 * the wasm backend's own `Reshape`) instead return the same buffer with its
 * reference count raised, which is all `tf.clone` / `tf.identity` need since
 * TF.js never writes into a kernel's inputs. Training calls it on whole
 * activations (e.g. 2.4 ms per call on `[64, 26, 26, 32]`); this kernel does
 * the zero-copy version.
 *
 * @packageDocumentation
 */
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { asKernelFunc, defineWasmKernel, originalKernel, runConfig, setupOriginal, type KernelArgs } from './wasm_util';

/** Returns `x` itself as a new tensor info (shared, reference-counted buffer); strings go to the original. */
export function identity(args: KernelArgs<Record<string, never>>): TensorInfo {
  const { inputs, backend } = args;
  const x = inputs.x!;
  if (x.dtype === 'string') return runConfig(originalKernel(Identity), inputs, backend);
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Wasm `Identity` without the copy. */
export const identityConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: Identity,
  backendName: 'wasm',
  setupFunc: setupOriginal(Identity),
  kernelFunc: asKernelFunc(identity),
});
