/**
 * `GatherV2` for the wasm backend.
 *
 * The original wasm kernel of TF.js 4.22 copies element by element through a generic strided
 * loop: taking a batch of 128 images (rows of 784 floats) out of Fashion-MNIST's training set, as
 * `fit` does for every batch, costs 5-10 ms, a fifth of a chapter-2 training step. This one
 * copies each gathered slice as one block on the wasm heap (`copyWithin`): about 0.03 ms.
 * `batchDims` other than 0 runs the original.
 *
 * @packageDocumentation
 */
import { GatherV2, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { asKernelFunc, defineWasmKernel, i32, memoryOffset, originalKernel, runConfig, setupOriginal, type KernelArgs } from './wasm_util';

interface GatherAttrs {
  axis: number;
  batchDims: number;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Slices of `x` along `axis` at `indices`, as one heap copy per slice. */
export function gatherV2(args: KernelArgs<GatherAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const indices = inputs.indices!;
  const bytes = BYTES[x.dtype];
  if ((attrs.batchDims ?? 0) !== 0 || bytes === undefined || indices.dtype !== 'int32') {
    return runConfig(originalKernel(GatherV2), inputs, backend, attrs);
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const axisSize = x.shape[axis];
  const sliceBytes = util.sizeFromShape(x.shape.slice(axis + 1)) * bytes;
  const n = util.sizeFromShape(indices.shape);
  const idx = i32(backend, indices).slice(); // a copy: makeOutput below may grow the heap
  for (let j = 0; j < n; j++) {
    const k = idx[j];
    if (!(k >= 0 && k < axisSize)) {
      // The cpu backend's message.
      throw new Error(`GatherV2: the index value ${k} is not in [0, ${axisSize - 1}]`);
    }
  }
  const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
  if (n === 0 || outer === 0 || sliceBytes === 0) return out;
  const heap = backend.wasm.HEAPU8;
  const src = memoryOffset(backend, x);
  let dst = memoryOffset(backend, out);
  for (let o = 0; o < outer; o++) {
    const base = src + o * axisSize * sliceBytes;
    for (let j = 0; j < n; j++, dst += sliceBytes) {
      const from = base + idx[j] * sliceBytes;
      heap.copyWithin(dst, from, from + sliceBytes);
    }
  }
  return out;
}

/** Wasm `GatherV2` copying whole slices. */
export const gatherV2Config: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: GatherV2,
  backendName: 'wasm',
  setupFunc: setupOriginal(GatherV2),
  kernelFunc: asKernelFunc(gatherV2),
});
