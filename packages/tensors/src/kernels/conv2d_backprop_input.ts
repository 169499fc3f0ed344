/**
 * `Conv2DBackpropInput` for the wasm backend.
 *
 * The original wasm kernel is a direct loop that runs 6-15x slower than the
 * forward convolution of the same size. The input gradient of a convolution
 * is itself a convolution: spread `dy` out by the strides (zeros in between),
 * pad it, and correlate it (stride 1) with the filter rotated by 180 degrees
 * and with in/out channels swapped. This kernel builds that dilated gradient
 * and that filter on the wasm heap and runs the registered wasm `Conv2D`
 * (XNNPACK). A `dilations` attribute (tfjs-core never passes one) is honoured
 * by dilating the rotated filter the same way. Cases it cannot map (NCHW, or
 * explicit paddings larger than the filter) go to the original kernel.
 *
 * @packageDocumentation
 */
import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  asKernelFunc,
  defineWasmKernel,
  disposeAll,
  f32,
  memoryOffset,
  originalKernel,
  pair,
  runConfig,
  runWasmKernel,
  setupOriginal,
  type KernelArgs,
  type WasmBackend,
} from './wasm_util';

interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
  /** Not passed by tfjs-core's conv2d gradient (it only supports 1), honoured if present. */
  dilations?: number | [number, number];
}

/** `[kh, kw, cin, cout]` -> `[kh, kw, cout, cin]`, rotated by 180 degrees in (kh, kw). */
export function flipAndSwapFilter(backend: WasmBackend, filter: TensorInfo): TensorInfo {
  const [kh, kw, cin, cout] = filter.shape;
  const out = backend.makeOutput([kh, kw, cout, cin], 'float32');
  const src = f32(backend, filter);
  const dst = f32(backend, out);
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    const s0 = t * cin * cout;
    const d0 = (taps - 1 - t) * cout * cin;
    for (let ci = 0; ci < cin; ci++) {
      const sRow = s0 + ci * cout;
      for (let co = 0; co < cout; co++) dst[d0 + co * cin + ci] = src[sRow + co];
    }
  }
  return out;
}

/** `[n, h, w, c]` -> `[n, (h-1)*sh+1, (w-1)*sw+1, c]` with zeros between the original pixels. */
function dilate(backend: WasmBackend, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, h, w, c] = dy.shape;
  const hd = (h - 1) * sh + 1;
  const wd = (w - 1) * sw + 1;
  const out = backend.makeOutput([n, hd, wd, c], 'float32');
  f32(backend, out).fill(0);
  const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
  const src = memoryOffset(backend, dy) >> 2;
  const dst = memoryOffset(backend, out) >> 2;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      let s = src + (b * h + y) * w * c;
      let d = dst + (b * hd + y * sh) * wd * c;
      for (let x = 0; x < w; x++, s += c, d += sw * c) {
        if (c >= 16) heap.copyWithin(d, s, s + c);
        else for (let j = 0; j < c; j++) heap[d + j] = heap[s + j];
      }
    }
  }
  return out;
}

/** Gradient of `conv2d(x, filter)` with respect to `x`. */
export function conv2DBackpropInput(args: KernelArgs<Conv2DBackpropInputAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const [dh, dw] = pair(attrs.dilations);
  const fallback = () => {
    // The original kernel has no notion of dilations.
    if (dh !== 1 || dw !== 1) {
      throw new Error(
        `@dlts/tensors wasm Conv2DBackpropInput: dilations ${dh}x${dw} are not supported with ` +
          `dataFormat '${dataFormat}', pad ${JSON.stringify(pad)} and dtype ${dy.dtype}.`,
      );
    }
    return runConfig(originalKernel(Conv2DBackpropInput), inputs, backend, attrs);
  };
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast' || dy.dtype !== 'float32') return fallback();

  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, [dh, dw], pad, dimRoundingMode, false,
    'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, inHeight, inWidth } = info;
  const kh = info.effectiveFilterHeight;
  const kw = info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  const hd = (info.outHeight - 1) * sh + 1;
  const wd = (info.outWidth - 1) * sw + 1;
  // Correlation of the spread-out dy with the rotated filter (same dilation),
  // padded so that the output is exactly inHeight x inWidth.
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = inHeight + kh - 1 - hd - padTop;
  const padRight = inWidth + kw - 1 - wd - padLeft;
  if (Math.min(padTop, padLeft, padBottom, padRight) < 0) return fallback();
  if (info.batchSize * inHeight * inWidth * info.inChannels === 0) return fallback();

  const rotated = flipAndSwapFilter(backend, filter);
  const spread = sh === 1 && sw === 1 ? dy : dilate(backend, dy, sh, sw);
  try {
    const dx = runWasmKernel('Conv2D', { x: spread, filter: rotated }, backend, {
      strides: [1, 1],
      pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [dh, dw],
      dimRoundingMode: undefined,
    });
    return { dataId: dx.dataId, shape: [...inputShape], dtype: 'float32' };
  } finally {
    disposeAll(backend, [rotated, spread !== dy ? spread : null]);
  }
}

/** Wasm `Conv2DBackpropInput` as a forward XNNPACK convolution of the spread-out gradient. */
export const conv2DBackpropInputConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  setupFunc: setupOriginal(Conv2DBackpropInput),
  kernelFunc: asKernelFunc(conv2DBackpropInput),
});
