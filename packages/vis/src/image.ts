/**
 * Images as the course shows them: `plot(as.raster(x))` for one image and a grid of images for
 * the augmentation preview (`par(mfrow = c(2, 2)); for (i in 1:4) plot(as.raster(...))`).
 */
import { DltsError, received } from '@dlts/tensors';
import { pictureFormat } from './render';
import { autoMax, RasterCanvas, readPixels, resizeRgba, toRgba, type ImageInput } from './raster';

/** Options of {@link plotImage}. */
export interface PlotImageOptions {
  /** `.png`, `.svg` or `.html`. */
  file: string;
  /**
   * The value shown as full intensity (R's `as.raster(x, max = 255)`). Default: 255 for int32
   * tensors or when a value exceeds 1, else 1 (images scaled by `1/255`).
   */
  max?: number;
  /** Output pixels per image pixel. Default: the smallest integer giving at least 280 pixels on the longer side. */
  scale?: number;
  /** Smooth when enlarging, as R's `plot(<raster>)` (`interpolate = TRUE`). Default true; false keeps square pixels. */
  interpolate?: boolean;
}

function checkScale(scale: number | undefined, fn: string): void {
  if (scale !== undefined && !(Number.isInteger(scale) && scale >= 1 && scale <= 64)) {
    throw new DltsError('DLTS_VALUE', `${fn}: scale must be an integer from 1 to 64. Received: scale=${received(scale)}`);
  }
}

function checkMax(max: number | undefined, fn: string): void {
  if (max !== undefined && !(max > 0 && Number.isFinite(max))) throw new DltsError('DLTS_VALUE', `${fn}: max must be a positive number. Received: max=${received(max)}`);
}

/** The default enlargement: at least 280 pixels on the longer side. */
function defaultScale(height: number, width: number, target = 280): number {
  return Math.max(1, Math.ceil(target / Math.max(height, width)));
}

function dtypeOf(image: ImageInput): string | undefined {
  return !Array.isArray(image) && image && typeof image === 'object' && 'dtype' in image ? (image as { dtype: string }).dtype : undefined;
}

/**
 * Draws one image, grayscale or colour, as the course's `plot(as.raster(x, max = 255))`: the first
 * MNIST digit, a cat from the generator. Accepts `[h, w]`, `[h, w, 1|3|4]` or a batch of one
 * `[1, h, w, c]`; the tensor is not disposed.
 *
 * @param image - the image (a tensor or nested arrays).
 * @param options - `file` and the {@link PlotImageOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_SHAPE_MISMATCH` for a shape that is not an image; `DLTS_VALUE` for bad
 *   options; `DLTS_IO` when the file cannot be written.
 * @example
 * ```ts
 * // R: plot(as.raster(train_images[1,,], max = 255))
 * const digit = tf.squeeze(tf.slice(trainImages, [0, 0, 0], [1, 28, 28]), [0]);
 * await plotImage(digit, { file: 'digit.png', max: 255 });
 * digit.dispose();
 * ```
 */
export async function plotImage(image: ImageInput, options: PlotImageOptions): Promise<string> {
  const fn = 'plotImage';
  pictureFormat(options?.file, fn);
  checkScale(options?.scale, fn);
  checkMax(options?.max, fn);
  const pixels = await readPixels(image, fn);
  const max = options.max ?? autoMax(pixels, dtypeOf(image));
  const scale = options.scale ?? defaultScale(pixels.height, pixels.width);
  const w = pixels.width * scale;
  const h = pixels.height * scale;
  const canvas = new RasterCanvas(w, h);
  canvas.paste(await resizeRgba(toRgba(pixels, max), pixels.width, pixels.height, w, h, options.interpolate ?? true), w, h, 0, 0);
  return canvas.write(options.file, fn, 'plot(as.raster(x))');
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** `.png`, `.svg` or `.html`. */
  file: string;
  /** Images per row. Default: `ceil(sqrt(n))` (2 for the course's four augmented cats). */
  ncol?: number;
  /** A title above each image. */
  titles?: string[];
  /** Full-intensity value, as in {@link plotImage}. Default: 255 when a value exceeds 1, else 1. */
  max?: number;
  /** Size of each cell's longer side in pixels. Default 280 (images are scaled to fit, keeping their aspect). */
  cellSize?: number;
  /** Smooth when scaling (R's raster interpolation). Default true. */
  interpolate?: boolean;
}

/**
 * Draws images in a grid, as the course's augmentation preview
 * (`par(mfrow = c(2, 2), pty = "s", mar = c(1, 0, 1, 0))` then `plot(as.raster(...))` four
 * times): square cells in rows of `ncol`, white margins above and below each, optional titles.
 * Any number of images; each may be a tensor `[h, w]`, `[h, w, c]` or `[1, h, w, c]`.
 *
 * @param images - the images (not disposed).
 * @param options - `file`, `ncol`, `titles` and the {@link ImageGridOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for no images, titles of the wrong length or bad options;
 *   `DLTS_SHAPE_MISMATCH` for a tensor that is not an image; `DLTS_IO` on a write error.
 * @example
 * ```ts
 * // R: op <- par(mfrow = c(2, 2)); for (i in 1:4) plot(as.raster(generator_next(gen)[1,,,]))
 * const batches = [];
 * for (let i = 0; i < 4; i++) batches.push((await augmented.next()).value);
 * await imageGrid(batches, { file: 'augmented.png', ncol: 2 });
 * ```
 */
export async function imageGrid(images: ImageInput[], options: ImageGridOptions): Promise<string> {
  const fn = 'imageGrid';
  pictureFormat(options?.file, fn);
  if (!Array.isArray(images) || images.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: images must be a non-empty array. Received: images=${received(images)}`);
  const n = images.length;
  const ncol = options?.ncol ?? Math.ceil(Math.sqrt(n));
  if (!(Number.isInteger(ncol) && ncol >= 1)) throw new DltsError('DLTS_VALUE', `${fn}: ncol must be a positive integer. Received: ncol=${received(ncol)}`);
  if (options.titles !== undefined && (!Array.isArray(options.titles) || options.titles.length !== n)) {
    throw new DltsError('DLTS_VALUE', `${fn}: titles must have one entry per image (${n}). Received: titles=${received(options.titles)}`);
  }
  checkMax(options.max, fn);
  const cell = options.cellSize ?? 280;
  if (!(Number.isInteger(cell) && cell >= 4 && cell <= 4096)) throw new DltsError('DLTS_VALUE', `${fn}: cellSize must be an integer from 4 to 4096. Received: cellSize=${received(cell)}`);
  const nrow = Math.ceil(n / ncol);
  // R's mar = c(1, 0, 1, 0): one text line (0.2 inch) above and below each cell; no side margins.
  const margin = Math.round(cell * 0.1);
  const gap = Math.max(2, Math.round(cell * 0.02));
  const width = ncol * cell + (ncol - 1) * gap;
  const height = nrow * (cell + 2 * margin);
  const canvas = new RasterCanvas(width, height);
  for (let i = 0; i < n; i++) {
    const pixels = await readPixels(images[i], fn, `images[${i}]`);
    const max = options.max ?? autoMax(pixels, dtypeOf(images[i]));
    const fit = cell / Math.max(pixels.width, pixels.height);
    const w = Math.max(1, Math.round(pixels.width * fit));
    const h = Math.max(1, Math.round(pixels.height * fit));
    const rgba = await resizeRgba(toRgba(pixels, max), pixels.width, pixels.height, w, h, options.interpolate ?? true);
    const col = i % ncol;
    const row = Math.floor(i / ncol);
    const x0 = col * (cell + gap);
    const y0 = row * (cell + 2 * margin) + margin;
    canvas.paste(rgba, w, h, x0 + Math.floor((cell - w) / 2), y0 + Math.floor((cell - h) / 2));
    if (options.titles) canvas.texts.push({ x: x0 + cell / 2, y: y0 - margin * 0.3, text: options.titles[i], size: Math.max(9, Math.round(margin * 0.6)) });
  }
  return canvas.write(options.file, fn, 'image grid');
}
