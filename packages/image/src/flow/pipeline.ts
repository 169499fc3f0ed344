/**
 * One image of a directory flow, start to finish, as a pure function of a serialisable task:
 * read, decode, convert, resize, transform, normalise. The same function runs on the main thread
 * or in a worker thread (see `worker_pool.ts`), so where it runs never changes the pixels.
 */
import { readFile } from 'node:fs/promises';
import { DltsError } from '@dlts/tensors';
import { normalizePixels, transformImagePixels, type NormalizeSpec, type ResampleSpec } from '../generator/pixels';
import type { TransformParams } from '../generator/transform_params';
import { convertColor, decodeImage, fitImage, type ColorMode } from '../io/image';
import type { Interpolation } from '../io/resize';

/** Everything needed to produce one sample. */
export interface ImageTask {
  path: string;
  targetSize: [number, number];
  colorMode: ColorMode;
  interpolation: Interpolation;
  keepAspectRatio: boolean;
  /** The drawn transformation (null: none). */
  params: TransformParams | null;
  resample: ResampleSpec | null;
  /** Normalisation to apply here (null: none, or done later on the main thread). */
  normalize: NormalizeSpec | null;
}

/** Produces one sample: `h * w * c` float32 values. */
export async function processImage(task: ImageTask): Promise<Float32Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(task.path);
  } catch (error) {
    throw new DltsError('DLTS_IO', `cannot read: ${(error as Error).message}`, { cause: error });
  }
  const img = fitImage(convertColor(await decodeImage(bytes, task.path), task.colorMode), task.targetSize, task.interpolation, task.keepAspectRatio);
  let x: Float32Array = Float32Array.from(img.data);
  const shape = [img.height, img.width, img.channels];
  if (task.params && task.resample) x = transformImagePixels(x, shape, task.params, task.resample);
  if (task.normalize) x = normalizePixels(x, img.channels, task.normalize);
  return x;
}
