/**
 * The per-image work of a flow as pure functions on raw pixels, so it can run in a worker thread
 * as well as on the main thread: Keras's `apply_transform`, and the part of `standardize` that
 * needs no user code (rescale, samplewise and featurewise normalisation).
 */
import { affineMatrix, affineTransformPixels } from '../augment/affine';
import type { ScipyMode } from '../augment/boundary';
import { brightnessPixels, channelShiftPixels, flipPixels } from '../augment/pixel_ops';
import type { TransformParams } from './transform_params';

/** How the affine part resamples (the generator's `fillMode`, `cval`, `interpolationOrder`). */
export interface ResampleSpec {
  fillMode: ScipyMode;
  cval: number;
  order: 0 | 1;
}

/** The normalisation steps of `standardize` that run without user code. */
export interface NormalizeSpec {
  rescale: number | null;
  samplewiseCenter: boolean;
  samplewiseStdNormalization: boolean;
  /** Per-channel mean to subtract (featurewise centring after `fit`), or null. */
  mean: Float32Array | null;
  /** Per-channel standard deviation to divide by, or null. */
  std: Float32Array | null;
}

/** Keras's `apply_transform` on `[h, w, c]` pixels; returns `data` itself when nothing changes. */
export function transformImagePixels(data: Float32Array, shape: number[], params: TransformParams, spec: ResampleSpec): Float32Array {
  const [h, w, c] = shape;
  let x = data;
  const matrix = affineMatrix(params, h, w);
  if (matrix) x = affineTransformPixels(x, h, w, c, matrix, spec.fillMode, spec.cval, spec.order);
  if (params.channelShiftIntensity !== undefined && params.channelShiftIntensity !== null) x = channelShiftPixels(x, params.channelShiftIntensity);
  if (params.flipHorizontal) x = flipPixels(x, h, w, c, true);
  if (params.flipVertical) x = flipPixels(x, h, w, c, false);
  if (params.brightness !== undefined && params.brightness !== null) x = brightnessPixels(x, params.brightness);
  return x;
}

/** Rescale, samplewise and featurewise normalisation in Keras's order and float32 arithmetic, in place. */
export function normalizePixels(x: Float32Array, channels: number, spec: NormalizeSpec): Float32Array {
  if (spec.rescale) {
    const r = Math.fround(spec.rescale);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] * r);
  }
  if (spec.samplewiseCenter) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[i];
    const mean = Math.fround(sum / x.length);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] - mean);
  }
  if (spec.samplewiseStdNormalization) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < x.length; i++) sum += x[i];
    const mean = sum / x.length;
    for (let i = 0; i < x.length; i++) sq += (x[i] - mean) ** 2;
    const d = Math.fround(Math.fround(Math.sqrt(sq / x.length)) + 1e-6);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] / d);
  }
  if (spec.mean) {
    const m = spec.mean;
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] - m[i % channels]);
  }
  if (spec.std) {
    const s = spec.std;
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] / Math.fround(s[i % channels] + 1e-6));
  }
  return x;
}
