/**
 * `Conv2DBackpropFilter` for the wasm backend.
 *
 * TF.js 4.22's wasm backend has no such kernel, so `tf.grads` of any `conv2d`
 * with respect to its filter throws there: convnets cannot be trained on wasm
 * (TF.js issue #8474). This kernel computes the filter gradient as one GEMM
 * per chunk of output pixels:
 *
 *     dW[(ky, kx, ci), co] = sum over m of cols^T[(ky, kx, ci), m] * dy[m, co]
 *
 * where `m` runs over (batch, outY, outX) and `cols^T` (im2col, transposed)
 * holds the input pixel each filter tap sees. The column matrix is written in
 * JS directly on the wasm heap (chunked, so memory stays bounded for large
 * images; block copies of whole patch rows when there are enough channels),
 * `dy` is used in place through views, and the GEMM runs in the original
 * wasm `BatchMatMul` (XNNPACK) in whichever orientation packs less (see
 * `gemm2D`). Supports NHWC, strides, 'same' /
 * 'valid' / explicit padding and dilations; throws for NCHW.
 *
 * @packageDocumentation
 */
import { backend_util, Conv2DBackpropFilter, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { gemm2D } from './batch_mat_mul';
import {
  asKernelFunc,
  defineWasmKernel,
  disposeAll,
  f32,
  makeView,
  memoryOffset,
  pair,
  releaseView,
  reshaped,
  type KernelArgs,
} from './wasm_util';

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  /** Not passed by tfjs-core's conv2d gradient (it only supports 1), honoured if present. */
  dilations?: number | [number, number];
}

/**
 * Target size of a column-matrix chunk, in floats (1 MiB, so that it and its
 * transpose stay in cache), unless that makes a chunk shorter than
 * {@link MIN_CHUNK_PIXELS} output pixels (then per-GEMM overhead dominates).
 */
const MAX_CHUNK_FLOATS = 1 << 18;
const MIN_CHUNK_PIXELS = 512;

/** From this patch-row length on (floats), patches are copied as blocks (see {@link im2colRows}). */
const BLOCK_COPY_MIN_FLOATS = 8;

interface Geometry {
  inH: number;
  inW: number;
  cin: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
}

/**
 * Writes `cols^T` for output rows `[row0, row0 + rows)` (a row is one
 * (batch, outY) pair) into `dst`, laid out `[kh * kw * cin, rows * outW]`.
 * Used when the input has few channels (contiguous writes, strided reads).
 */
function im2colTransposed(x: Float32Array, dst: Float32Array, g: Geometry, row0: number, rows: number): void {
  const { inH, inW, cin, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const cols = rows * outW;
  const xStep = sw * cin;
  let r = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      // Output columns whose input column is inside the image for this tap.
      const xOff = kx * dw - padLeft;
      const oxLo = Math.min(outW, Math.max(0, Math.ceil(-xOff / sw)));
      const oxHi = Math.max(oxLo, Math.min(outW, Math.ceil((inW - xOff) / sw)));
      const contiguous = xStep === 1 && oxHi - oxLo >= 16;
      for (let ci = 0; ci < cin; ci++, r++) {
        const rowBase = r * cols;
        for (let q = 0; q < rows; q++) {
          const row = row0 + q;
          const n = (row / outH) | 0;
          const oy = row - n * outH;
          const iy = oy * sh + ky * dh - padTop;
          const d0 = rowBase + q * outW;
          if (iy < 0 || iy >= inH) {
            dst.fill(0, d0, d0 + outW);
            continue;
          }
          for (let ox = 0; ox < oxLo; ox++) dst[d0 + ox] = 0;
          let s = ((n * inH + iy) * inW + oxLo * sw + xOff) * cin + ci;
          if (contiguous) dst.set(x.subarray(s, s + oxHi - oxLo), d0 + oxLo);
          else for (let ox = oxLo; ox < oxHi; ox++, s += xStep) dst[d0 + ox] = x[s];
          for (let ox = oxHi; ox < outW; ox++) dst[d0 + ox] = 0;
        }
      }
    }
  }
}

/**
 * Writes `cols` for output rows `[row0, row0 + rows)` at float offset `d` of
 * `heap`, laid out `[rows * outW, kh * kw * cin]` (one patch per row). The
 * input starts at float offset `xAt`. Used when a patch row (`kw * cin`
 * floats) is long enough to copy as one block.
 */
function im2colRows(heap: Float32Array, xAt: number, d: number, g: Geometry, row0: number, rows: number): void {
  const { inH, inW, cin, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const run = kw * cin;
  for (let q = 0; q < rows; q++) {
    const row = row0 + q;
    const n = (row / outH) | 0;
    const oy = row - n * outH;
    const y0 = oy * sh - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sw - padLeft;
      const whole = dw === 1 && x0 >= 0 && x0 + kw <= inW;
      for (let ky = 0; ky < kh; ky++) {
        const iy = y0 + ky * dh;
        if (iy < 0 || iy >= inH) {
          heap.fill(0, d, d + run);
          d += run;
          continue;
        }
        const rowAt = xAt + (n * inH + iy) * inW * cin;
        if (whole) {
          const s = rowAt + x0 * cin;
          heap.copyWithin(d, s, s + run);
          d += run;
          continue;
        }
        for (let kx = 0; kx < kw; kx++) {
          const ix = x0 + kx * dw;
          if (ix < 0 || ix >= inW) {
            heap.fill(0, d, d + cin);
          } else {
            const s = rowAt + ix * cin;
            heap.copyWithin(d, s, s + cin);
          }
          d += cin;
        }
      }
    }
  }
}

/** Gradient of `conv2d(x, filter)` with respect to `filter`. */
export function conv2DBackpropFilter(args: KernelArgs<Conv2DBackpropFilterAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const dy = inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(
      `@dlts/tensors wasm Conv2DBackpropFilter: dataFormat '${dataFormat}' is not supported; use 'NHWC' (channelsLast).`,
    );
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`@dlts/tensors wasm Conv2DBackpropFilter: float32 inputs required, got ${x.dtype} and ${dy.dtype}.`);
  }
  const [dh, dw] = pair(attrs.dilations);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, [dh, dw], pad, dimRoundingMode, false,
    'channelsLast',
  );
  const [kh, kw, cin, cout] = filterShape;
  const { batchSize, outHeight: outH, outWidth: outW } = info;
  util.assert(
    dy.shape[0] === batchSize && dy.shape[1] === outH && dy.shape[2] === outW && dy.shape[3] === cout,
    () => `Conv2DBackpropFilter: dy shape ${dy.shape} does not match [${batchSize}, ${outH}, ${outW}, ${cout}].`,
  );
  const g: Geometry = {
    inH: info.inHeight, inW: info.inWidth, cin, outH, outW, kh, kw,
    sh: info.strideHeight, sw: info.strideWidth, dh, dw,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
  const k = kh * kw * cin;
  const totalRows = batchSize * outH;
  const m = totalRows * outW;

  const dW = backend.makeOutput([kh, kw, cin, cout], 'float32');
  if (m === 0 || k * cout === 0) {
    f32(backend, dW).fill(0);
    return dW;
  }

  // Patch-major columns (block copies) when a patch row is long, tap-major
  // columns (contiguous writes) when the input has few channels. Either way
  // the product is a [k, cout] GEMM; gemm2D picks the cheaper orientation.
  const patchMajor = (dw === 1 ? kw * cin : cin) >= BLOCK_COPY_MIN_FLOATS;
  const rowsPerChunk = Math.min(
    totalRows,
    Math.max(1, Math.ceil(MIN_CHUNK_PIXELS / outW), Math.floor(MAX_CHUNK_FLOATS / (k * outW))),
  );
  const colsBuf = backend.makeOutput([rowsPerChunk * outW * k], 'float32');
  try {
    for (let row0 = 0; row0 < totalRows; row0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, totalRows - row0);
      const mc = rows * outW;
      if (patchMajor) {
        const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
        im2colRows(heap, memoryOffset(backend, x) >> 2, memoryOffset(backend, colsBuf) >> 2, g, row0, rows);
      } else {
        im2colTransposed(f32(backend, x), f32(backend, colsBuf), g, row0, rows);
      }
      const dyView = makeView(backend, dy, row0 * outW * cout, [mc, cout]);
      let part: TensorInfo;
      try {
        part = patchMajor
          ? gemm2D(backend, reshaped(colsBuf, [mc, k]), dyView, true, false)
          : gemm2D(backend, reshaped(colsBuf, [k, mc]), dyView, false, false);
      } finally {
        releaseView(backend, dyView);
      }
      const acc = f32(backend, dW);
      const p = f32(backend, part);
      if (row0 === 0) acc.set(p);
      else for (let i = 0; i < acc.length; i++) acc[i] += p[i];
      disposeAll(backend, [part]);
    }
  } catch (e) {
    disposeAll(backend, [dW]);
    throw e;
  } finally {
    disposeAll(backend, [colsBuf]);
  }
  return dW;
}

/** Wasm `Conv2DBackpropFilter` (missing in TF.js 4.22, issue #8474): im2col + XNNPACK GEMM. */
export const conv2DBackpropFilterConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: asKernelFunc(conv2DBackpropFilter),
});
