/**
 * `GatherV2` (batch selection by index, embeddings) for 4-byte dtypes, as row copies.
 *
 * @packageDocumentation
 */
import { GatherV2, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeKernel, sizeOf, type NativeKernelArgs } from './kernel_util';

/** `GatherV2` on the native backend (`batchDims` 0; float32 or int32 values, int32 indices). */
export const gatherV2Config: KernelConfig = nativeKernel(GatherV2, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>): TensorInfo | undefined => {
  const { x, indices } = inputs;
  if ((attrs.batchDims as number | undefined) ?? 0) return undefined;
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32') return undefined;
  const values = backend.data.get(x.dataId).values;
  const idx = backend.data.get(indices.dataId).values;
  if (!(values instanceof Float32Array || values instanceof Int32Array) || !(idx instanceof Int32Array)) return undefined;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const size = sizeOf(outShape);
  if (size === 0) return undefined;
  const src = values instanceof Float32Array ? values : new Float32Array(values.buffer, values.byteOffset, values.length);
  const out = backend.outputFloat32(size);
  // A bad index: the cpu kernel throws tfjs's error.
  if (backend.addon.gather(src, idx, out, outer, x.shape[axis], inner) >= 0) return undefined;
  // Keep the storage type of the input (cpu kernels store some int32 tensors, OneHot's, as Float32Array).
  const result = values instanceof Float32Array ? out : new Int32Array(out.buffer, out.byteOffset, out.length);
  return backend.makeTensorInfo(outShape, x.dtype, result);
});
