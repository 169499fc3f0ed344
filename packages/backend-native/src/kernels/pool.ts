/**
 * `MaxPool`, `AvgPool`, `MaxPoolGrad` and `AvgPoolGrad` in native loops (NHWC, vectorised over
 * channels, threaded over batch and channel blocks), with tfjs-backend-cpu's semantics.
 * Dilated pooling falls back to the cpu kernels.
 *
 * @packageDocumentation
 */
import { AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad, backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, nativeKernel, output, sizeOf, type NativeKernelArgs } from './kernel_util';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The 12 numbers native/pool.cc reads: N,H,W,C,KH,KW,SH,SW,PT,PL,OH,OW. */
function poolInfo(xShape: number[], attrs: PoolAttrs): { info: backend_util.Conv2DInfo; geometry: Int32Array } | undefined {
  if (xShape.length !== 4) return undefined;
  const info = backend_util.computePool2DInfo(xShape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || sizeOf(info.outShape) === 0 || sizeOf(xShape) === 0) return undefined;
  const geometry = Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.outHeight,
    info.outWidth,
  ]);
  return { info, geometry };
}

function pool(args: NativeKernelArgs<PoolAttrs>, isMax: boolean): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const xv = float32Values(backend, inputs.x);
  const p = xv && poolInfo(inputs.x.shape, attrs);
  if (!xv || !p) return undefined;
  const out = backend.outputFloat32(sizeOf(p.info.outShape));
  backend.addon.pool(xv, out, p.geometry, isMax ? 1 : 0);
  return output(backend, p.info.outShape, out);
}

/** `MaxPool` on the native backend. */
export const maxPoolConfig: KernelConfig = nativeKernel<PoolAttrs>(MaxPool, (args) => pool(args, true));

/** `AvgPool` on the native backend. */
export const avgPoolConfig: KernelConfig = nativeKernel<PoolAttrs>(AvgPool, (args) => pool(args, false));

/** `MaxPoolGrad` on the native backend: dy goes to the first maximum of each window of the input. */
export const maxPoolGradConfig: KernelConfig = nativeKernel<PoolAttrs>(MaxPoolGrad, ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs;
  const dyv = float32Values(backend, dy);
  const xv = float32Values(backend, input);
  const p = xv && poolInfo(input.shape, attrs);
  if (!dyv || !xv || !p || dyv.length !== sizeOf(p.info.outShape)) return undefined;
  const dx = backend.outputFloat32(xv.length);
  backend.addon.maxPoolGrad(dyv, xv, dx, p.geometry);
  return output(backend, [...input.shape], dx);
});

/** `AvgPoolGrad` on the native backend. */
export const avgPoolGradConfig: KernelConfig = nativeKernel<PoolAttrs>(AvgPoolGrad, ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs;
  const dyv = float32Values(backend, dy);
  const p = input.dtype === 'float32' ? poolInfo(input.shape, attrs) : undefined;
  if (!dyv || !p || dyv.length !== sizeOf(p.info.outShape)) return undefined;
  const dx = backend.outputFloat32(sizeOf(input.shape));
  backend.addon.avgPoolGrad(dyv, dx, p.geometry);
  return output(backend, [...input.shape], dx);
});
