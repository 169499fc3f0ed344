import { extname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { DltsError, received } from '@dlts/tensors';
import type { DltsImage } from './image';

/**
 * An image as a float32 tensor `[height, width, channels]` with values 0..255 (Keras's
 * `img_to_array`, R's `image_to_array`).
 *
 * @param img - an image from {@link imageLoad} (or any 8-bit channels-last pixels).
 * @returns a new tensor; the caller owns it.
 * @throws DltsError `DLTS_VALUE` when `img` is not an image.
 * @example
 * ```ts
 * const x = imageToArray(await imageLoad(path, { targetSize: [150, 150] }));
 * ```
 */
export function imageToArray(img: DltsImage): tf.Tensor3D {
  if (!img || !(img.data instanceof Uint8Array) || img.data.length !== img.width * img.height * img.channels) {
    throw new DltsError('DLTS_VALUE', `imageToArray: img must be an image from imageLoad. Received: img=${received(img && { width: img.width, height: img.height, channels: img.channels })}`);
  }
  return tf.tensor3d(Float32Array.from(img.data), [img.height, img.width, img.channels], 'float32');
}

/** Options of {@link arrayToImage} and {@link saveImage}. */
export interface ArrayToImageOptions {
  /** Rescale the values to 0..255 first: `(x - min) / max * 255` (Keras's default true). */
  scale?: boolean;
}

/**
 * A `[height, width, channels]` array as an 8-bit image (Keras's `array_to_img`): with `scale`
 * (default) the values are shifted to start at 0 and stretched to 0..255, then truncated to
 * integers; without it they are clipped to 0..255 and truncated.
 *
 * @param x - a rank-3 tensor with 1, 3 or 4 channels.
 * @param options - `scale` (true).
 * @returns the image.
 * @throws DltsError `DLTS_SHAPE_MISMATCH` for another rank or channel count.
 * @example
 * ```ts
 * const img = arrayToImage(tf.mul(batch0, 255), { scale: false });
 * ```
 */
export function arrayToImage(x: tf.Tensor, options: ArrayToImageOptions = {}): DltsImage {
  if (!(x instanceof tf.Tensor) || x.rank !== 3 || ![1, 3, 4].includes(x.shape[2]!)) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `arrayToImage: x must be [height, width, channels] with 1, 3 or 4 channels. Received: ${x instanceof tf.Tensor ? `shape=${received(x.shape)}` : received(x)}`,
    );
  }
  const [h, w, c] = x.shape as [number, number, number];
  const values = Float32Array.from(x.dataSync());
  if (options.scale ?? true) {
    let min = Infinity;
    for (const v of values) if (v < min) min = v;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      values[i] = Math.fround(values[i] - min);
      if (values[i] > max) max = values[i];
    }
    for (let i = 0; i < values.length; i++) values[i] = Math.fround(Math.fround(max !== 0 ? values[i] / max : values[i]) * 255);
  }
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    data[i] = v <= 0 || Number.isNaN(v) ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return { data, width: w, height: h, channels: c, mode: c === 1 ? 'L' : c === 3 ? 'RGB' : 'RGBA' };
}

/**
 * Writes an image or a `[height, width, channels]` array to a file (Keras's `save_img`); the
 * format follows the extension (`.png`, `.jpg`/`.jpeg`, `.webp`, `.tif`/`.tiff`, `.gif`, `.avif`).
 *
 * @param path - the file to write (its folder is created).
 * @param x - an image from {@link imageLoad}/{@link arrayToImage}, or a tensor (converted with `arrayToImage`).
 * @param options - `scale` (true) for tensors.
 * @returns when the file is written.
 * @throws DltsError `DLTS_VALUE` for an unknown extension; `DLTS_IO` when writing fails.
 * @example
 * ```ts
 * await saveImage('augmented.png', augmented, { scale: false });
 * ```
 */
export async function saveImage(path: string, x: DltsImage | tf.Tensor, options: ArrayToImageOptions = {}): Promise<void> {
  const img = x instanceof tf.Tensor ? arrayToImage(x, options) : x;
  const ext = extname(path).toLowerCase();
  const formats: Record<string, 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif' | 'avif'> = {
    '.png': 'png',
    '.jpg': 'jpeg',
    '.jpeg': 'jpeg',
    '.webp': 'webp',
    '.tif': 'tiff',
    '.tiff': 'tiff',
    '.gif': 'gif',
    '.avif': 'avif',
  };
  const format = formats[ext];
  if (!format) {
    throw new DltsError('DLTS_VALUE', `saveImage: cannot tell the format from the extension; use one of ${Object.keys(formats).join(', ')}. Received: path=${received(path)}`);
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } })
      .toFormat(format)
      .toFile(path);
  } catch (error) {
    throw new DltsError('DLTS_IO', `saveImage: cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
