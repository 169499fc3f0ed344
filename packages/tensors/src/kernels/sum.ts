/**
 * `Sum` for the wasm backend.
 *
 * The original wasm kernel only reduces innermost axes; for anything else it
 * first runs a general N-d transpose, which is slow (10 ms to sum a
 * `[64, 26, 26, 32]` gradient over `[0, 1, 2]`, most of it in the
 * transpose). Reducing leading axes is exactly what every bias gradient does
 * (conv: `[0, 1, 2]`, dense: `[0]`). When the reduced axes form one
 * contiguous block followed by kept axes, this kernel sums in a single JS
 * pass over the wasm heap (float64 accumulators); other cases go to the
 * original kernel.
 *
 * @packageDocumentation
 */
import { backend_util, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  asKernelFunc,
  defineWasmKernel,
  f32,
  originalKernel,
  runConfig,
  setupOriginal,
  type KernelArgs,
} from './wasm_util';

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** Sum of `x` over `axis`. */
export function sum(args: KernelArgs<SumAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const original = () => runConfig(originalKernel(Sum), inputs, backend, attrs);
  if (x.dtype !== 'float32') return original();
  const shape = x.shape;
  const axes = util.parseAxisParam(attrs.axis, shape).sort((p, q) => p - q);
  if (axes.length === 0) return original();
  const first = axes[0];
  const last = axes[axes.length - 1];
  // Only one contiguous block of reduced axes, with kept axes after it.
  if (last - first + 1 !== axes.length || last === shape.length - 1) return original();

  const outer = util.sizeFromShape(shape.slice(0, first));
  const reduce = util.sizeFromShape(shape.slice(first, last + 1));
  const inner = util.sizeFromShape(shape.slice(last + 1));
  const [reducedShape] = backend_util.computeOutAndReduceShapes(shape, axes);
  const outShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(reducedShape, axes) : reducedShape;

  const out = backend.makeOutput(outShape, 'float32');
  if (outer * inner === 0) return out;
  const src = f32(backend, x);
  const dst = f32(backend, out);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let base = o * reduce * inner;
    let r = 0;
    // Eight rows per pass: a quarter of the accumulator traffic and loop overhead.
    for (; r + 8 <= reduce; r += 8, base += 8 * inner) {
      for (let i = 0; i < inner; i++) {
        const b = base + i;
        acc[i] +=
          src[b] + src[b + inner] + (src[b + 2 * inner] + src[b + 3 * inner]) +
          (src[b + 4 * inner] + src[b + 5 * inner] + (src[b + 6 * inner] + src[b + 7 * inner]));
      }
    }
    for (; r < reduce; r++, base += inner) {
      for (let i = 0; i < inner; i++) acc[i] += src[base + i];
    }
    dst.set(acc, o * inner);
  }
  return out;
}

/** Wasm `Sum` over leading / middle axes without the general transpose (bias gradients). */
export const sumConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: Sum,
  backendName: 'wasm',
  setupFunc: setupOriginal(Sum),
  kernelFunc: asKernelFunc(sum),
});
