/**
 * `Cast` of int32 and bool tensors to float32 into a real Float32Array. (The cpu kernel relabels
 * the int32/bool array as float32 without a copy; every native float32 kernel would then fall
 * back to the cpu one for that tensor and what it feeds.) Other casts are the cpu kernel's.
 *
 * @packageDocumentation
 */
import { Cast } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { nativeKernel, output, type NativeKernelArgs } from './kernel_util';

/** `Cast` on the native backend. */
export const castConfig: KernelConfig = nativeKernel(Cast, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>) => {
  const { x } = inputs;
  if (attrs.dtype !== 'float32' || (x.dtype !== 'int32' && x.dtype !== 'bool')) return undefined;
  const values = backend.data.get(x.dataId).values;
  if (!(values instanceof Int32Array || values instanceof Uint8Array || values instanceof Float32Array)) return undefined;
  const out = backend.outputFloat32(values.length);
  out.set(values);
  return output(backend, [...x.shape], out);
});
