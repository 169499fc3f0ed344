/**
 * Keras's `apply_affine_transform`, reproduced on raw channels-last pixels: the transform matrix
 * is composed as Keras composes it (rotation, shift, shear, zoom about the image centre, then the
 * x/y swap), and every channel is resampled as `scipy.ndimage.affine_transform(order=1)` does,
 * with scipy's boundary modes (see `boundary.ts`).
 */
import { DltsError, received } from '@dlts/tensors';
import { footprintMode, mapCoordinate, type ScipyMode } from './boundary';

/** The geometric part of Keras's transform parameters (angles in degrees, shifts in pixels). */
export interface AffineParams {
  /** Rotation angle in degrees. */
  theta?: number;
  /** Shift along the rows (height), in pixels. */
  tx?: number;
  /** Shift along the columns (width), in pixels. */
  ty?: number;
  /** Shear angle in degrees. */
  shear?: number;
  /** Zoom along the rows. */
  zx?: number;
  /** Zoom along the columns. */
  zy?: number;
}

/** `[a00, a01, a10, a11, o0, o1]`: input (row, col) = A · output (row, col) + o. */
export type AffineMatrix = [number, number, number, number, number, number];

type M3 = number[][];

function dot(a: M3, b: M3): M3 {
  const out: M3 = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  return out;
}

/**
 * The matrix Keras hands to scipy for an `h` x `w` image, or `undefined` when the parameters
 * describe the identity (Keras then returns the image untouched, without resampling).
 *
 * @example
 * ```ts
 * import { affineMatrix, affineTransformPixels } from '@dlts/image';
 * const [h, w, c] = [150, 150, 3];
 * const pixels = new Float32Array(h * w * c); // channels last
 * const m = affineMatrix({ theta: 20, zx: 0.9, zy: 0.9 }, h, w); // rotate 20 degrees, zoom in 10%
 * const out = m ? affineTransformPixels(pixels, h, w, c, m, 'nearest', 0) : pixels;
 * affineMatrix({}, h, w); // undefined: the identity
 * ```
 */
export function affineMatrix(params: AffineParams, h: number, w: number): AffineMatrix | undefined {
  const { theta = 0, tx = 0, ty = 0, shear = 0, zx = 1, zy = 1 } = params;
  let m: M3 | undefined;
  const then = (next: M3) => {
    m = m ? dot(m, next) : next;
  };
  if (theta !== 0) {
    const t = (theta * Math.PI) / 180;
    then([
      [Math.cos(t), -Math.sin(t), 0],
      [Math.sin(t), Math.cos(t), 0],
      [0, 0, 1],
    ]);
  }
  if (tx !== 0 || ty !== 0) {
    then([
      [1, 0, tx],
      [0, 1, ty],
      [0, 0, 1],
    ]);
  }
  if (shear !== 0) {
    const s = (shear * Math.PI) / 180;
    then([
      [1, -Math.sin(s), 0],
      [0, Math.cos(s), 0],
      [0, 0, 1],
    ]);
  }
  if (zx !== 1 || zy !== 1) {
    then([
      [zx, 0, 0],
      [0, zy, 0],
      [0, 0, 1],
    ]);
  }
  if (!m) return undefined;
  // transform_matrix_offset_center(matrix, h, w)
  const ox = h / 2 - 0.5;
  const oy = w / 2 - 0.5;
  const centred = dot(
    dot(
      [
        [1, 0, ox],
        [0, 1, oy],
        [0, 0, 1],
      ],
      m,
    ),
    [
      [1, 0, -ox],
      [0, 1, -oy],
      [0, 0, 1],
    ],
  );
  // Applied to (row, col) as written, as keras_preprocessing did and the parity fixture records.
  // (Keras's current legacy copy also conjugates by the x/y swap, M' = PMP: that mirrors the
  // sense of rotation and shear and exchanges the axes of tx and ty.)
  return [centred[0][0], centred[0][1], centred[1][0], centred[1][1], centred[0][2], centred[1][2]];
}

/**
 * Resamples a channels-last image through `matrix` as scipy's `affine_transform` (spline order 0
 * or 1, `prefilter` irrelevant at these orders), each channel independently. Values are computed
 * in double precision and stored as float32, as scipy does for a float32 input.
 *
 * @param src - `h * w * c` pixels, channels last.
 * @param out - where to write (a new array by default); must not be `src`.
 * @example
 * ```ts
 * import { affineMatrix, affineTransformPixels } from '@dlts/image';
 * const [h, w, c] = [64, 64, 1];
 * const pixels = Float32Array.from({ length: h * w * c }, (_, i) => i % 255);
 * const m = affineMatrix({ tx: 10, shear: 15 }, h, w)!; // shift 10 rows, shear 15 degrees
 * const shifted = affineTransformPixels(pixels, h, w, c, m, 'constant', 0); // outside pixels become 0
 * const nearestOrder = affineTransformPixels(pixels, h, w, c, m, 'reflect', 0, 0); // order 0: nearest neighbour
 * ```
 */
export function affineTransformPixels(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  matrix: AffineMatrix,
  mode: ScipyMode,
  cval: number,
  order: 0 | 1 = 1,
  out: Float32Array = new Float32Array(h * w * c),
): Float32Array {
  if (out === src) throw new DltsError('DLTS_VALUE', 'affineTransformPixels: out must not be the input array. Received: out=src');
  const [a00, a01, a10, a11, o0, o1] = matrix;
  const edgeMode = footprintMode(mode);
  const checkMap = mode !== 'nearest';
  const rowIdx = [0, 0];
  const colIdx = [0, 0];
  const rowW = [0, 0];
  const colW = [0, 0];

  /** Fills idx/wts for one axis; returns false when the point is outside (constant mode). */
  const axis = (coord: number, len: number, idx: number[], wts: number[]): boolean => {
    let cc = coord;
    if (checkMap) cc = mapCoordinate(cc, len, mode);
    if (!(cc > -1 || mode === 'nearest')) return false;
    if (order === 1) {
      const start = Math.floor(cc);
      const x = cc - start;
      wts[0] = 1 - x;
      wts[1] = 1 - wts[0];
      if (start < 0 || start + 1 >= len) {
        idx[0] = Math.trunc(mapCoordinate(start, len, edgeMode));
        idx[1] = Math.trunc(mapCoordinate(start + 1, len, edgeMode));
      } else {
        idx[0] = start;
        idx[1] = start + 1;
      }
    } else {
      const start = Math.floor(cc + 0.5);
      wts[0] = 1;
      wts[1] = 0;
      idx[0] = start < 0 || start >= len ? Math.trunc(mapCoordinate(start, len, edgeMode)) : start;
      idx[1] = idx[0];
    }
    return true;
  };

  const rowStride = w * c;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const base = (i * w + j) * c;
      // scipy accumulates shift + row * a + col * b in this order.
      const ci = o0 + i * a00 + j * a01;
      const cj = o1 + i * a10 + j * a11;
      if (order === 1 && ci >= 0 && ci < h - 1 && cj >= 0 && cj < w - 1) {
        // Interior point: no boundary rule applies (the common case), same arithmetic as below.
        const si = Math.floor(ci);
        const sj = Math.floor(cj);
        const wi0 = 1 - (ci - si);
        const wi1 = 1 - wi0;
        const wj0 = 1 - (cj - sj);
        const wj1 = 1 - wj0;
        const p00 = si * rowStride + sj * c;
        const p10 = p00 + rowStride;
        for (let k = 0; k < c; k++) {
          out[base + k] = src[p00 + k] * wi0 * wj0 + src[p00 + c + k] * wi0 * wj1 + src[p10 + k] * wi1 * wj0 + src[p10 + c + k] * wi1 * wj1;
        }
        continue;
      }
      if (!axis(ci, h, rowIdx, rowW) || !axis(cj, w, colIdx, colW)) {
        for (let k = 0; k < c; k++) out[base + k] = cval;
        continue;
      }
      const r0 = rowIdx[0] * rowStride;
      const r1 = rowIdx[1] * rowStride;
      const c0 = colIdx[0] * c;
      const c1 = colIdx[1] * c;
      const wi0 = rowW[0];
      const wi1 = rowW[1];
      const wj0 = colW[0];
      const wj1 = colW[1];
      for (let k = 0; k < c; k++) {
        if (order === 1) {
          out[base + k] = src[r0 + c0 + k] * wi0 * wj0 + src[r0 + c1 + k] * wi0 * wj1 + src[r1 + c0 + k] * wi1 * wj0 + src[r1 + c1 + k] * wi1 * wj1;
        } else {
          out[base + k] = src[r0 + c0 + k];
        }
      }
    }
  }
  return out;
}

/** Checks a fill mode name for Keras's `ImageDataGenerator` (`'nearest'`, `'constant'`, `'reflect'`, `'wrap'`). */
export function checkFillMode(fn: string, fillMode: unknown): asserts fillMode is ScipyMode {
  if (!['nearest', 'constant', 'reflect', 'wrap', 'mirror'].includes(fillMode as string)) {
    throw new DltsError('DLTS_VALUE', `${fn}: fillMode must be one of "nearest", "constant", "reflect", "wrap". Received: fillMode=${received(fillMode)}`);
  }
}
