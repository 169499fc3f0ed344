import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DltsError, received } from '@dlts/tensors';
import { INTERPOLATIONS, resizePixels, type Box, type Interpolation, type PixelBuffer } from './resize';

/** How many channels an image is read with (Keras's `color_mode`). */
export type ColorMode = 'rgb' | 'grayscale' | 'rgba';

/**
 * A decoded 8-bit image (the dlts counterpart of the PIL image Keras's `load_img` returns):
 * `height * width * channels` bytes, channels last.
 */
export interface DltsImage extends PixelBuffer {
  /** `'L'` (1 channel), `'RGB'` (3) or `'RGBA'` (4), as PIL names them. */
  mode: 'L' | 'RGB' | 'RGBA';
}

/** Options of {@link imageLoad}. */
export interface ImageLoadOptions {
  /** `[height, width]` to resize to; default: keep the file's size. */
  targetSize?: [number, number] | null;
  /** `'rgb'` (default), `'grayscale'` or `'rgba'`. */
  colorMode?: ColorMode;
  /** Resampling filter: `'nearest'` (default, as Keras), `'bilinear'`, `'bicubic'`, `'lanczos'`, `'box'`, `'hamming'`. */
  interpolation?: Interpolation;
  /** Crop the centre to the target's aspect ratio before resizing (Keras's `keep_aspect_ratio`). Default false. */
  keepAspectRatio?: boolean;
}

/** What a decoder produced before colour conversion. */
interface Decoded extends PixelBuffer {
  /** 1 L, 2 LA, 3 RGB, 4 RGBA. */
  channels: number;
}

/**
 * Decodes an image file's bytes with sharp (libvips: JPEG, PNG, GIF's first frame, WebP, TIFF,
 * AVIF...; BMP is decoded here, libvips has no BMP loader) into 8-bit pixels.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` naming `name` when the bytes are not a readable image.
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { convertColor, decodeImage } from '@dlts/image';
 * const bytes = await readFile('cats/cat.1.jpg');
 * const decoded = await decodeImage(bytes, 'cats/cat.1.jpg'); // { data, width, height, channels: 3 }
 * const gray = convertColor(decoded, 'grayscale'); // mode 'L', 1 channel
 * ```
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<Decoded> {
  if (bytes.length === 0) throw new DltsError('DLTS_DATASET_FORMAT', `imageLoad: ${name} is empty (0 bytes)`);
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes, name);
  try {
    let pipeline = sharp(bytes, { failOn: 'error', sequentialRead: true, limitInputPixels: 0x3fff * 0x3fff });
    // Only PNG and TIFF can hold 16-bit samples; libvips scales those to 8 bits through the
    // colourspace conversion (a plain cast would clip). JPEG, GIF and WebP skip the header pass.
    const png16 = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes.length > 24 && bytes[24] === 16;
    const tiff = (bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d);
    if (png16 || tiff) {
      const meta = await pipeline.metadata();
      if (meta.depth && meta.depth !== 'uchar' && meta.depth !== 'char') pipeline = pipeline.toColourspace((meta.channels ?? 3) <= 2 ? 'b-w' : 'srgb');
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw new DltsError('DLTS_DATASET_FORMAT', `imageLoad: cannot decode ${name}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/**
 * Converts decoded pixels to a colour mode as PIL's `convert` does (ITU-R 601-2 luma with rounding).
 *
 * @example
 * ```ts
 * import { convertColor } from '@dlts/image';
 * const red = { data: Uint8Array.of(255, 0, 0), width: 1, height: 1, channels: 3 };
 * convertColor(red, 'grayscale'); // { data: [76], ..., channels: 1, mode: 'L' } (PIL's luma)
 * convertColor(red, 'rgba').data; // Uint8Array [255, 0, 0, 255]
 * ```
 */
export function convertColor(img: Decoded, colorMode: ColorMode): DltsImage {
  const { width, height, channels: c, data } = img;
  const n = width * height;
  const target = colorMode === 'grayscale' ? 1 : colorMode === 'rgb' ? 3 : 4;
  const mode = colorMode === 'grayscale' ? 'L' : colorMode === 'rgb' ? 'RGB' : 'RGBA';
  if (c === target) return { data, width, height, channels: c, mode };
  const out = new Uint8Array(n * target);
  for (let i = 0; i < n; i++) {
    const s = i * c;
    let r: number;
    let g: number;
    let b: number;
    let a = 255;
    if (c <= 2) {
      r = g = b = data[s];
      if (c === 2) a = data[s + 1];
    } else {
      r = data[s];
      g = data[s + 1];
      b = data[s + 2];
      if (c === 4) a = data[s + 3];
    }
    const o = i * target;
    if (target === 1) {
      out[o] = c <= 2 ? r : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    } else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (target === 4) out[o + 3] = a;
    }
  }
  return { data: out, width, height, channels: target, mode };
}

/**
 * Loads an image file as Keras's `load_img` does (R: `image_load()`): decode, convert to
 * `colorMode`, resize to `targetSize` with Pillow's algorithm for `interpolation`.
 *
 * Pixels equal Keras's wherever the decoders agree. They can differ where the decoders do: sharp
 * decodes JPEG with libjpeg-turbo's (mozjpeg's) integer IDCT and fancy upsampling, as Pillow's
 * libjpeg-turbo does by default, so baseline JPEGs normally decode identically, but builds differ
 * and CMYK/YCCK JPEGs are converted through their ICC profile here (Pillow: naive inversion);
 * 16-bit PNGs are scaled to 8 bits (Pillow keeps `I;16` for 16-bit grayscale); EXIF orientation
 * is ignored by both. Resizing reproduces Pillow's filters exactly (see `resize.ts`).
 *
 * @param path - the image file.
 * @param options - `targetSize` (`[height, width]`), `colorMode` ('rgb'), `interpolation`
 *   ('nearest'), `keepAspectRatio` (false).
 * @returns the decoded image.
 * @throws DltsError `DLTS_IO` when the file cannot be read; `DLTS_DATASET_FORMAT` when it is
 *   empty or not a decodable image; `DLTS_VALUE` on bad options.
 * @example
 * ```ts
 * const img = await imageLoad('cats/cat.1.jpg', { targetSize: [150, 150] });
 * const x = imageToArray(img); // [150, 150, 3] float32
 * ```
 */
export async function imageLoad(path: string, options: ImageLoadOptions = {}): Promise<DltsImage> {
  const { colorMode, interpolation, targetSize, keepAspectRatio } = checkLoadOptions('imageLoad', options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DltsError('DLTS_IO', `imageLoad: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const decoded = await decodeImage(bytes, path);
  return fitImage(convertColor(decoded, colorMode), targetSize, interpolation, keepAspectRatio);
}

/** Resizes a converted image to `targetSize` as `load_img` does (including `keep_aspect_ratio`'s centre crop). */
export function fitImage(img: DltsImage, targetSize: [number, number] | null, interpolation: Interpolation, keepAspectRatio: boolean): DltsImage {
  if (!targetSize) return img;
  const [th, tw] = targetSize;
  if (img.width === tw && img.height === th) return img;
  let box: Box | undefined;
  if (keepAspectRatio) {
    const { width, height } = img;
    const cropHeight = Math.min(height, Math.floor((width * th) / tw));
    const cropWidth = Math.min(width, Math.floor((height * tw) / th));
    const top = Math.floor((height - cropHeight) / 2);
    const left = Math.floor((width - cropWidth) / 2);
    box = [left, top, left + cropWidth, top + cropHeight];
  }
  return { ...resizePixels(img, tw, th, interpolation, box), mode: img.mode };
}

/** Validates and fills in {@link ImageLoadOptions}. */
export function checkLoadOptions(
  fn: string,
  options: ImageLoadOptions,
): { colorMode: ColorMode; interpolation: Interpolation; targetSize: [number, number] | null; keepAspectRatio: boolean } {
  const colorMode = options.colorMode ?? 'rgb';
  if (!['rgb', 'grayscale', 'rgba'].includes(colorMode)) {
    throw new DltsError('DLTS_VALUE', `${fn}: colorMode must be "grayscale", "rgb", or "rgba". Received: colorMode=${received(colorMode)}`);
  }
  const interpolation = options.interpolation ?? 'nearest';
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new DltsError('DLTS_VALUE', `${fn}: interpolation must be one of ${INTERPOLATIONS.join(', ')}. Received: interpolation=${received(interpolation)}`);
  }
  const t = options.targetSize ?? null;
  if (t !== null && !(Array.isArray(t) && t.length === 2 && t.every((d) => Number.isInteger(d) && d > 0))) {
    throw new DltsError('DLTS_VALUE', `${fn}: targetSize must be [height, width] in pixels. Received: targetSize=${received(t)}`);
  }
  return { colorMode, interpolation, targetSize: t ? [t[0], t[1]] : null, keepAspectRatio: Boolean(options.keepAspectRatio) };
}

/** A minimal BMP decoder (uncompressed 24/32-bit and 8-bit palette, BITMAPINFOHEADER and later). */
function decodeBmp(bytes: Uint8Array, name: string): Decoded {
  const fail = (why: string) => new DltsError('DLTS_DATASET_FORMAT', `imageLoad: cannot decode ${name}: ${why}`);
  if (bytes.length < 54) throw fail('truncated BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw fail(`unsupported BMP header of ${headerSize} bytes`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (width <= 0 || rawHeight === 0 || width > 0x3fff || Math.abs(rawHeight) > 0x3fff) throw fail(`bad size ${width}x${rawHeight}`);
  if (!(compression === 0 || (compression === 3 && bpp === 32))) throw fail(`compressed BMPs are not supported (compression ${compression})`);
  if (![8, 24, 32].includes(bpp)) throw fail(`${bpp}-bit BMPs are not supported`);
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (offset + stride * height > bytes.length) throw fail('truncated BMP pixel data');
  // Pillow reads 32-bit BMPs as RGB (the fourth byte is padding): so does this.
  const channels = 3;
  let palette: Uint8Array | undefined;
  if (bpp === 8) {
    const colours = view.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + colours * 4 > offset) throw fail('truncated BMP palette');
    palette = bytes.subarray(start, start + colours * 4);
  }
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = offset + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const p = bytes[row + x] * 4;
        out[o] = palette[p + 2];
        out[o + 1] = palette[p + 1];
        out[o + 2] = palette[p];
      } else {
        const s = row + x * (bpp / 8);
        out[o] = bytes[s + 2];
        out[o + 1] = bytes[s + 1];
        out[o + 2] = bytes[s];
      }
    }
  }
  return { data: out, width, height, channels };
}
