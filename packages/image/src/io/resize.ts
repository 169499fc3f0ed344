/**
 * Pillow's `Image.resize` on 8-bit images, reproduced exactly: `'nearest'` is its fixed-step
 * sampling (pixel centres, truncation), the other filters its two-pass convolution with 22-bit
 * fixed-point coefficients (support widened when shrinking, i.e. antialiased). Keras's
 * `load_img` resizes with Pillow, so these give Keras's pixels for the same decoded image.
 */
import { DltsError, received } from '@dlts/tensors';

/** Resampling filters (Keras's `interpolation` names for `load_img`). */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

/** Keras's accepted names. */
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming'];

interface Filter {
  fn: (x: number) => number;
  support: number;
}

const sinc = (x: number) => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

const FILTERS: Record<Exclude<Interpolation, 'nearest'>, Filter> = {
  box: { fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0), support: 0.5 },
  bilinear: {
    fn: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
    support: 1,
  },
  hamming: {
    fn: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      // Pillow's constants are C floats.
      return (Math.sin(px) / px) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(px));
    },
    support: 1,
  },
  bicubic: {
    fn: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
    support: 2,
  },
  lanczos: { fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0), support: 3 },
};

const PRECISION_BITS = 32 - 8 - 2;

/** Pixels of a packed 8-bit image, `height * width * channels`, channels last. */
export interface PixelBuffer {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** A crop box `[left, top, right, bottom]` in source pixels (Pillow's `box`). */
export type Box = [number, number, number, number];

/**
 * Resizes as Pillow's `Image.resize(size, resample, box)`. RGBA/LA images with a filter other
 * than nearest are resized premultiplied, as Pillow does.
 *
 * @throws DltsError `DLTS_VALUE` on an unknown interpolation or a bad size.
 * @example
 * ```ts
 * import { imageLoad, resizePixels } from '@dlts/image';
 * const img = await imageLoad('cats/cat.1.jpg');
 * const small = resizePixels(img, 150, 100, 'bilinear'); // width 150, height 100 (width first, as Pillow)
 * const corner = resizePixels(img, 64, 64, 'lanczos', [0, 0, 128, 128]); // the top-left 128 x 128, resized
 * ```
 */
export function resizePixels(img: PixelBuffer, width: number, height: number, interpolation: Interpolation, box?: Box): PixelBuffer {
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new DltsError('DLTS_VALUE', `resize: interpolation must be one of ${INTERPOLATIONS.join(', ')}. Received: interpolation=${received(interpolation)}`);
  }
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new DltsError('DLTS_VALUE', `resize: the target size must be positive integers. Received: size=${received([height, width])}`);
  }
  const b: Box = box ?? [0, 0, img.width, img.height];
  // Pillow: same size and whole box -> copy; an integer box of the requested size -> crop.
  if (b[0] === Math.trunc(b[0]) && b[2] - b[0] === width && b[1] === Math.trunc(b[1]) && b[3] - b[1] === height) {
    return crop(img, b[0], b[1], width, height);
  }
  if (interpolation === 'nearest') return nearest(img, width, height, b);
  const alpha = img.channels === 2 || img.channels === 4;
  const src = alpha ? premultiply(img) : img;
  const out = resample(src, width, height, FILTERS[interpolation], b);
  return alpha ? unpremultiply(out) : out;
}

function crop(img: PixelBuffer, left: number, top: number, width: number, height: number): PixelBuffer {
  const c = img.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * c;
    out.set(img.data.subarray(from, from + width * c), y * width * c);
  }
  return { data: out, width, height, channels: c };
}

/** Pillow's nearest resize (`ImagingScaleAffine`): centres at (i + 0.5) * scale, stepped incrementally, truncated. */
function nearest(img: PixelBuffer, width: number, height: number, box: Box): PixelBuffer {
  const c = img.channels;
  const a0 = (box[2] - box[0]) / width;
  const a4 = (box[3] - box[1]) / height;
  const xs = new Int32Array(width).fill(-1);
  let xo = box[0] + a0 * 0.5;
  for (let x = 0; x < width; x++) {
    const xin = xo < 0 ? -1 : Math.trunc(xo);
    if (xin >= 0 && xin < img.width) xs[x] = xin;
    xo += a0;
  }
  const out = new Uint8Array(width * height * c);
  let yo = box[1] + a4 * 0.5;
  for (let y = 0; y < height; y++) {
    const yi = yo < 0 ? -1 : Math.trunc(yo);
    if (yi >= 0 && yi < img.height) {
      const row = yi * img.width;
      for (let x = 0; x < width; x++) {
        if (xs[x] < 0) continue;
        const from = (row + xs[x]) * c;
        const to = (y * width + x) * c;
        for (let k = 0; k < c; k++) out[to + k] = img.data[from + k];
      }
    }
    yo += a4;
  }
  return { data: out, width, height, channels: c };
}

interface Coeffs {
  ksize: number;
  bounds: Int32Array;
  kk: Int32Array;
}

function precompute(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coeffs {
  const scale = (Math.fround(in1) - Math.fround(in0)) / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const kk = new Int32Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const invFilterscale = 1 / filterscale;
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    let ww = 0;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    k.fill(0);
    for (let x = 0; x < xmax; x++) {
      const w = filter.fn((x + xmin - center + 0.5) * invFilterscale);
      k[x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) k[x] /= ww;
    for (let x = 0; x < ksize; x++) {
      const v = k[x] * (1 << PRECISION_BITS);
      kk[xx * ksize + x] = k[x] < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

/** Pillow's `clip8`: the fixed-point sum back to 0..255. */
function clip8(v: number): number {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

function resample(img: PixelBuffer, width: number, height: number, filter: Filter, box: Box): PixelBuffer {
  const c = img.channels;
  const needH = width !== img.width || box[0] !== 0 || box[2] !== width;
  const needV = height !== img.height || box[1] !== 0 || box[3] !== height;
  const vert = precompute(img.height, box[1], box[3], height, filter);
  const yFirst = vert.bounds[0];
  const yLast = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
  let cur = img;
  const half = 1 << (PRECISION_BITS - 1);
  if (needH) {
    const hor = precompute(img.width, box[0], box[2], width, filter);
    const rows = yLast - yFirst;
    const out = new Uint8Array(width * rows * c);
    for (let yy = 0; yy < rows; yy++) {
      const lineIn = (yy + yFirst) * img.width * c;
      for (let xx = 0; xx < width; xx++) {
        const xmin = hor.bounds[xx * 2];
        const xmax = hor.bounds[xx * 2 + 1];
        const kOff = xx * hor.ksize;
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let x = 0; x < xmax; x++) ss += img.data[lineIn + (x + xmin) * c + ch] * hor.kk[kOff + x];
          out[(yy * width + xx) * c + ch] = clip8(ss);
        }
      }
    }
    for (let i = 0; i < height; i++) vert.bounds[i * 2] -= yFirst;
    cur = { data: out, width, height: rows, channels: c };
  }
  if (needV) {
    const w = cur.width;
    const out = new Uint8Array(w * height * c);
    for (let yy = 0; yy < height; yy++) {
      const ymin = vert.bounds[yy * 2];
      const ymax = vert.bounds[yy * 2 + 1];
      const kOff = yy * vert.ksize;
      for (let xx = 0; xx < w; xx++) {
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let y = 0; y < ymax; y++) ss += cur.data[((y + ymin) * w + xx) * c + ch] * vert.kk[kOff + y];
          out[(yy * w + xx) * c + ch] = clip8(ss);
        }
      }
    }
    cur = { data: out, width: w, height, channels: c };
  }
  return cur === img ? { ...img, data: img.data.slice() } : cur;
}

/** Pillow's RGBA -> RGBa (`MULDIV255`). */
function premultiply(img: PixelBuffer): PixelBuffer {
  const c = img.channels;
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += c) {
    const a = img.data[i + c - 1];
    for (let k = 0; k < c - 1; k++) {
      const t = img.data[i + k] * a + 128;
      out[i + k] = ((t >> 8) + t) >> 8;
    }
    out[i + c - 1] = a;
  }
  return { ...img, data: out };
}

/** Pillow's RGBa -> RGBA. */
function unpremultiply(img: PixelBuffer): PixelBuffer {
  const c = img.channels;
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += c) {
    const a = img.data[i + c - 1];
    for (let k = 0; k < c - 1; k++) {
      const v = img.data[i + k];
      out[i + k] = a === 255 || a === 0 ? v : Math.min(255, Math.trunc((255 * v) / a));
    }
    out[i + c - 1] = a;
  }
  return { ...img, data: out };
}
