/**
 * `Sum`, `Mean`, `Max`, `Min` and `Prod` of float32 tensors over axes that are contiguous once
 * size-1 dimensions are ignored (every reduction a training step makes: the loss, bias
 * gradients, metrics), and row-wise `Softmax`. Other axes and dtypes fall back to the cpu
 * kernels.
 *
 * @packageDocumentation
 */
import { Max, Mean, Min, Prod, Softmax, Sum, backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, nativeKernel, output, sizeOf, type NativeKernelArgs } from './kernel_util';

/**
 * `[outer, n, inner]` such that reducing `axes` of `shape` is reducing the middle one, or
 * undefined when the reduced axes are not contiguous.
 */
export function reductionSplit(shape: readonly number[], axes: readonly number[]): [number, number, number] | undefined {
  const reduced = new Set(axes);
  // Positions of the non-trivial dimensions, and whether each is reduced.
  const dims = shape.map((d, i) => ({ d, r: reduced.has(i) })).filter((x) => x.d !== 1);
  const first = dims.findIndex((x) => x.r);
  if (first < 0) return [sizeOf(shape), 1, 1];
  let last = first;
  while (last + 1 < dims.length && dims[last + 1].r) last++;
  if (dims.slice(last + 1).some((x) => x.r)) return undefined;
  const prod = (xs: { d: number }[]) => xs.reduce((p, x) => p * x.d, 1);
  return [prod(dims.slice(0, first)), prod(dims.slice(first, last + 1)), prod(dims.slice(last + 1))];
}

function reduceConfig(name: string, op: number, axisAttr: string): KernelConfig {
  return nativeKernel(name, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>): TensorInfo | undefined => {
    const x = inputs.x;
    const xv = float32Values(backend, x);
    if (!xv || xv.length === 0) return undefined;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
    const split = reductionSplit(x.shape, axes);
    if (!split) return undefined;
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const out = backend.outputFloat32(sizeOf(outShape));
    backend.addon.reduce(op, xv, out, split[0], split[1], split[2]);
    return output(backend, shape, out);
  });
}

/** The reduction kernels of the native backend. */
export const reduceConfigs: KernelConfig[] = [
  reduceConfig(Sum, 0, 'axis'),
  reduceConfig(Mean, 1, 'axis'),
  reduceConfig(Max, 2, 'reductionIndices'),
  reduceConfig(Min, 3, 'axis'),
  reduceConfig(Prod, 4, 'axis'),
];

/** `Softmax` over the last axis on the native backend. */
export const softmaxConfig: KernelConfig = nativeKernel(Softmax, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>) => {
  const logits = inputs.logits;
  const xv = float32Values(backend, logits);
  const rank = logits.shape.length;
  const dim = attrs.dim as number;
  if (!xv || xv.length === 0 || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
  const n = logits.shape[rank - 1];
  const out = backend.outputFloat32(xv.length);
  backend.addon.softmax(xv, out, xv.length / n, n);
  return output(backend, [...logits.shape], out);
});
