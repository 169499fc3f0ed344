/**
 * Keras 3's `ops.image.affine_transform` for the random image layers, on tfjs ops: every output
 * pixel (x = column, y = row) samples the input at (a0 x + a1 y + a2, b0 x + b1 y + b2),
 * bilinearly or at the nearest pixel, with the input extended beyond its edges by `fillMode`.
 *
 * The extension follows Keras 3's numpy/JAX backends (which pad and then interpolate):
 * `'reflect'` is half-sample symmetric (d c b a | a b c d | d c b a), `'wrap'` repeats with period
 * n (a b c d | a b c d), `'nearest'` repeats the edge, `'constant'` uses `fillValue` for every
 * out-of-range neighbour (so edges blend into it), `'mirror'` is whole-sample symmetric.
 *
 * The sample positions and weights are computed in JavaScript (they depend only on the shape and
 * the drawn parameters); the pixels are gathered and blended with tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';

/** How points outside the image are filled. */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest' | 'mirror';
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest', 'mirror'];

/** `'bilinear'` or `'nearest'`. */
export type Interpolation = 'bilinear' | 'nearest';
export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/** `[a0, a1, a2, b0, b1, b2]` of one image (Keras's 8-vector without the projective terms). */
export type Transform = [number, number, number, number, number, number];

/** The index `i` on an axis of `n` pixels, extended by `mode`; -1 means "the fill value". */
export function extendIndex(i: number, n: number, mode: FillMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'nearest':
      return i < 0 ? 0 : n - 1;
    case 'wrap':
      return ((i % n) + n) % n;
    case 'reflect': {
      const p = 2 * n;
      const m = ((i % p) + p) % p;
      return m < n ? m : p - 1 - m;
    }
    case 'mirror': {
      if (n === 1) return 0;
      const p = 2 * n - 2;
      const m = ((i % p) + p) % p;
      return m < n ? m : p - m;
    }
  }
}

/**
 * Applies one transform per image to a batch `[B, H, W, C]` (or one image `[H, W, C]` with a
 * single transform).
 *
 * @throws DltsError `DLTS_SHAPE_MISMATCH` when the rank is not 3 or 4 or the transforms do not match the batch.
 */
export function affineTransform(images: tf.Tensor, transforms: Transform[], interpolation: Interpolation, fillMode: FillMode, fillValue: number): tf.Tensor {
  if (images.rank !== 3 && images.rank !== 4) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `affineTransform: expected an image [H, W, C] or a batch [B, H, W, C]. Received: shape=${received(images.shape)}`);
  }
  const unbatched = images.rank === 3;
  const [b, h, w, c] = unbatched ? [1, ...images.shape] : images.shape;
  if (transforms.length !== b) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `affineTransform: one transform per image is needed (${b}). Received: ${transforms.length}`);
  }
  const taps = interpolation === 'bilinear' ? 4 : 1;
  const pixels = b * h * w;
  const index = new Int32Array(pixels * taps);
  const weight = new Float32Array(pixels * taps);
  const fill = new Float32Array(pixels);
  let anyFill = false;
  let p = 0;
  for (let n = 0; n < b; n++) {
    const [a0, a1, a2, b0, b1, b2] = transforms[n];
    const base = n * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++, p++) {
        const xi = a0 * x + a1 * y + a2;
        const yi = b0 * x + b1 * y + b2;
        const o = p * taps;
        if (taps === 1) {
          const r = extendIndex(Math.floor(yi + 0.5), h, fillMode);
          const col = extendIndex(Math.floor(xi + 0.5), w, fillMode);
          if (r < 0 || col < 0) {
            fill[p] = 1;
            anyFill = true;
          } else {
            index[o] = base + r * w + col;
            weight[o] = 1;
          }
          continue;
        }
        const y0 = Math.floor(yi);
        const x0 = Math.floor(xi);
        const fy = yi - y0;
        const fx = xi - x0;
        const rows = [extendIndex(y0, h, fillMode), extendIndex(y0 + 1, h, fillMode)];
        const cols = [extendIndex(x0, w, fillMode), extendIndex(x0 + 1, w, fillMode)];
        const wy = [1 - fy, fy];
        const wx = [1 - fx, fx];
        let k = 0;
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++, k++) {
            const wt = wy[i] * wx[j];
            if (rows[i] < 0 || cols[j] < 0) {
              fill[p] += wt;
              if (wt !== 0) anyFill = true;
            } else {
              index[o + k] = base + rows[i] * w + cols[j];
              weight[o + k] = wt;
            }
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(images, 'float32'), [pixels, c]);
    const gathered = tf.gather(flat, tf.tensor1d(index, 'int32'));
    let out = tf.sum(tf.reshape(tf.mul(gathered, tf.tensor2d(weight, [pixels * taps, 1])), [pixels, taps, c]), 1);
    if (anyFill && fillValue !== 0) out = tf.add(out, tf.mul(tf.tensor2d(fill, [pixels, 1]), fillValue));
    return tf.reshape(out, unbatched ? [h, w, c] : [b, h, w, c]);
  });
}

/**
 * Keras's `_compute_affine_matrix` for a rotation by `angle` degrees about the centre
 * (`cx = (w - 1) / 2`, `cy = (h - 1) / 2`), plus translation, scale and shear.
 */
export function affineMatrix(opts: { angle: number; translateX?: number; translateY?: number; scale?: number; shearX?: number; shearY?: number; height: number; width: number }): Transform {
  const rad = Math.PI / 180;
  const angle = opts.angle * rad;
  const scale = opts.scale ?? 1;
  const sx = Math.tan((opts.shearX ?? 0) * rad);
  const sy = Math.tan((opts.shearY ?? 0) * rad);
  const cx = 0.5 * (opts.width - 1);
  const cy = 0.5 * (opts.height - 1);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const a0 = scale * (cos + sx * sin);
  const a1 = scale * (-sin + sx * cos);
  const a2 = (opts.translateX ?? 0) + cx - cx * a0 - cy * a1;
  const b0 = scale * (sy * cos + sin);
  const b1 = scale * (sy * -sin + cos);
  const b2 = (opts.translateY ?? 0) + cy - cx * b0 - cy * b1;
  return [a0, a1, a2, b0, b1, b2];
}

/** Checks the options shared by the geometric layers. */
export function checkGeometry(fn: string, fillMode: unknown, interpolation: unknown, dataFormat: unknown): void {
  if (!FILL_MODES.includes(fillMode as FillMode)) {
    throw new DltsError('DLTS_VALUE', `${fn}: unknown fillMode; expected one of ${FILL_MODES.join(', ')}. Received: fillMode=${received(fillMode)}`);
  }
  if (!INTERPOLATIONS.includes(interpolation as Interpolation)) {
    throw new DltsError('DLTS_VALUE', `${fn}: unknown interpolation; expected one of ${INTERPOLATIONS.join(', ')}. Received: interpolation=${received(interpolation)}`);
  }
  checkDataFormat(fn, dataFormat);
}

/** Only channels-last images are supported. */
export function checkDataFormat(fn: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'channels_last') {
    throw new DltsError('DLTS_UNSUPPORTED', `${fn}: only dataFormat "channels_last" is supported. Received: dataFormat=${received(dataFormat)}`);
  }
}
