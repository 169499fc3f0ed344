/**
 * `Conv2D`, `FusedConv2D` (bias + activation fused in oneDNN), `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter` on oneDNN convolution primitives, NHWC with HWIO filters as tfjs stores
 * them. NCHW, PReLU and biases that are not per-channel fall back to the cpu kernels.
 *
 * @packageDocumentation
 */
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, fusedEpilogue, nativeKernel, output, sizeOf, type NativeKernelArgs } from './kernel_util';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

/** The 17 numbers native/conv.cc reads: N,H,W,Ci,Co,KH,KW,SH,SW,DH,DW,PT,PL,PB,PR,OH,OW. */
export function convGeometry(info: backend_util.Conv2DInfo): Int32Array | undefined {
  if (info.dataFormat !== 'channelsLast') return undefined;
  const p = info.padInfo;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0) return undefined;
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    p.left,
    p.bottom,
    p.right,
    info.outHeight,
    info.outWidth,
  ]);
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dilations: number | [number, number]): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

function conv2d(args: NativeKernelArgs<ConvAttrs>, fused: boolean): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  const xv = float32Values(backend, x);
  const wv = float32Values(backend, filter);
  if (!xv || !wv || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
  const geometry = convGeometry(info);
  if (!geometry || filter.shape[2] !== info.inChannels || sizeOf(info.outShape) === 0 || xv.length === 0) return undefined;
  const epilogue = fused ? fusedEpilogue(backend, inputs, attrs, info.outChannels, 4, false) : { act: 0, bias: null };
  if (!epilogue) return undefined;
  const { act, bias } = epilogue;
  const out = backend.outputFloat32(sizeOf(info.outShape));
  backend.addon.conv2d(xv, wv, out, geometry, bias, act, attrs.leakyreluAlpha ?? 0.2);
  return output(backend, info.outShape, out);
}

/** `Conv2D` on the native backend. */
export const conv2DConfig: KernelConfig = nativeKernel<ConvAttrs>(Conv2D, (args) => conv2d(args, false));

/** `FusedConv2D` on the native backend. */
export const fusedConv2DConfig: KernelConfig = nativeKernel<ConvAttrs>(FusedConv2D, (args) => conv2d(args, true));

/** `Conv2DBackpropInput` (the gradient of a convolution wrt its input) on the native backend. */
export const conv2DBackpropInputConfig: KernelConfig = nativeKernel<ConvAttrs>(Conv2DBackpropInput, ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs;
  const dyv = float32Values(backend, dy);
  const wv = float32Values(backend, filter);
  if (!dyv || !wv || !attrs.inputShape || filter.shape.length !== 4 || dy.shape.length !== 4) return undefined;
  const info = convInfo(attrs.inputShape, filter.shape, attrs, 1);
  const geometry = convGeometry(info);
  if (!geometry || !sameShape(dy.shape, info.outShape) || dyv.length === 0 || sizeOf(info.inShape) === 0) return undefined;
  const dx = backend.outputFloat32(sizeOf(info.inShape));
  backend.addon.conv2dBackpropInput(dyv, wv, dx, geometry);
  return output(backend, [...info.inShape], dx);
});

/** `Conv2DBackpropFilter` (the gradient of a convolution wrt its filter) on the native backend. */
export const conv2DBackpropFilterConfig: KernelConfig = nativeKernel<ConvAttrs>(Conv2DBackpropFilter, ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs;
  const xv = float32Values(backend, x);
  const dyv = float32Values(backend, dy);
  if (!xv || !dyv || !attrs.filterShape || x.shape.length !== 4 || dy.shape.length !== 4) return undefined;
  const info = convInfo(x.shape, attrs.filterShape, attrs, 1);
  const geometry = convGeometry(info);
  if (!geometry || !sameShape(dy.shape, info.outShape) || dyv.length === 0 || xv.length === 0) return undefined;
  const dw = backend.outputFloat32(sizeOf(attrs.filterShape));
  backend.addon.conv2dBackpropFilter(xv, dyv, dw, geometry);
  return output(backend, [...attrs.filterShape], dw);
});

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
