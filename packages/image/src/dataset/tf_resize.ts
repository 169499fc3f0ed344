/**
 * TensorFlow's `tf.image.resize` (v2: half-pixel centres, no antialiasing) for `'bilinear'` and
 * `'nearest'`, on 8-bit pixels, producing float32 values as TensorFlow does (bilinear results are
 * not rounded). Keras 3's `image_dataset_from_directory` resizes this way.
 */
import type { PixelBuffer } from '../io/resize';

/** Resizes `img` to `height` x `width`; the result has `height * width * channels` float32 values. */
export function tfResize(img: PixelBuffer, height: number, width: number, method: 'bilinear' | 'nearest'): Float32Array {
  const c = img.channels;
  const out = new Float32Array(height * width * c);
  const sy = img.height / height;
  const sx = img.width / width;
  if (method === 'nearest') {
    const xs = Int32Array.from({ length: width }, (_, x) => Math.min(Math.floor(Math.fround((x + 0.5) * sx)), img.width - 1));
    for (let y = 0; y < height; y++) {
      const iy = Math.min(Math.floor(Math.fround((y + 0.5) * sy)), img.height - 1);
      for (let x = 0; x < width; x++) {
        const from = (iy * img.width + xs[x]) * c;
        const to = (y * width + x) * c;
        for (let k = 0; k < c; k++) out[to + k] = img.data[from + k];
      }
    }
    return out;
  }
  const weights = (outSize: number, inSize: number, scale: number) => {
    const lo = new Int32Array(outSize);
    const hi = new Int32Array(outSize);
    const lerp = new Float32Array(outSize);
    for (let i = 0; i < outSize; i++) {
      const v = Math.fround(Math.fround((i + 0.5) * scale) - 0.5);
      const f = Math.floor(v);
      lo[i] = Math.max(f, 0);
      hi[i] = Math.min(Math.ceil(v), inSize - 1);
      lerp[i] = Math.fround(v - f);
    }
    return { lo, hi, lerp };
  };
  const wy = weights(height, img.height, Math.fround(sy));
  const wx = weights(width, img.width, Math.fround(sx));
  const row = img.width * c;
  for (let y = 0; y < height; y++) {
    const top = wy.lo[y] * row;
    const bottom = wy.hi[y] * row;
    const yl = wy.lerp[y];
    for (let x = 0; x < width; x++) {
      const l = wx.lo[x] * c;
      const r = wx.hi[x] * c;
      const xl = wx.lerp[x];
      const to = (y * width + x) * c;
      for (let k = 0; k < c; k++) {
        const tl = img.data[top + l + k];
        const tr = img.data[top + r + k];
        const bl = img.data[bottom + l + k];
        const br = img.data[bottom + r + k];
        const t = Math.fround(tl + Math.fround((tr - tl) * xl));
        const b = Math.fround(bl + Math.fround((br - bl) * xl));
        out[to + k] = Math.fround(t + Math.fround((b - t) * yl));
      }
    }
  }
  return out;
}
