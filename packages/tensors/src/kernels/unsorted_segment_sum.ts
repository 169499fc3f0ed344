/**
 * `UnsortedSegmentSum` for the wasm backend.
 *
 * TF.js 4.22's wasm backend has no such kernel (the same gap as TF.js issue
 * #8474), and tfjs-core's gradient of `gather` uses it: without it an
 * Embedding layer cannot be trained on wasm. This kernel sums the slices of
 * `x` into `numSegments` rows in one JS pass on the wasm heap; ids outside
 * `[0, numSegments)` are dropped, as on the cpu backend.
 *
 * @packageDocumentation
 */
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { asKernelFunc, defineWasmKernel, f32, i32, type KernelArgs } from './wasm_util';

interface UnsortedSegmentSumAttrs {
  numSegments: number;
}

/**
 * `out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] == s`, where
 * `i` runs over the leading `segmentIds.rank` dimensions of `x`.
 */
export function unsortedSegmentSum(args: KernelArgs<UnsortedSegmentSumAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const segmentIds = inputs.segmentIds!;
  const { numSegments } = attrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`@dlts/tensors wasm UnsortedSegmentSum: unsupported dtype ${x.dtype}.`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`@dlts/tensors wasm UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}.`);
  }
  const idRank = segmentIds.shape.length;
  util.assert(
    util.arraysEqual(x.shape.slice(0, idRank), segmentIds.shape),
    () => `UnsortedSegmentSum: segmentIds shape ${segmentIds.shape} must be a prefix of x shape ${x.shape}.`,
  );
  const inner = x.shape.slice(idRank);
  const width = util.sizeFromShape(inner);
  const count = util.sizeFromShape(segmentIds.shape);

  const out = backend.makeOutput([numSegments, ...inner], x.dtype);
  if (numSegments * width === 0) return out;
  const ids = i32(backend, segmentIds);
  if (x.dtype === 'float32') {
    const src = f32(backend, x);
    const dst = f32(backend, out);
    dst.fill(0);
    for (let i = 0; i < count; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const from = i * width;
      const to = s * width;
      for (let j = 0; j < width; j++) dst[to + j] += src[from + j];
    }
  } else {
    const src = i32(backend, x);
    const dst = i32(backend, out);
    dst.fill(0);
    for (let i = 0; i < count; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const from = i * width;
      const to = s * width;
      for (let j = 0; j < width; j++) dst[to + j] = (dst[to + j] + src[from + j]) | 0;
    }
  }
  return out;
}

/** Wasm `UnsortedSegmentSum` (missing in TF.js 4.22; needed by the gradient of `gather`). */
export const unsortedSegmentSumConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: asKernelFunc(unsortedSegmentSum),
});
