import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, DltsError, received } from '@dlts/tensors';
import type { Draws } from '../random/draws';
import type { ImageDataGenerator } from '../generator/image_data_generator';
import { checkLoadOptions, type ColorMode } from '../io/image';
import { saveImage, arrayToImage } from '../io/array';
import type { Interpolation } from '../io/resize';
import * as tf from '@tensorflow/tfjs-core';
import { ImageIterator, type IteratorOptions, type PreparedBatch } from './iterator';
import { FLOW_FORMATS, listImageFiles, warnSkipped } from './list_files';
import { defaultWorkers, workerPool } from './worker_pool';

/** What the labels of a directory flow look like (Keras's `class_mode`). */
export type ClassMode = 'categorical' | 'binary' | 'sparse' | 'input' | null;

/** Options of {@link ImageDataGenerator.flowFromDirectory} (Keras's `flow_from_directory` arguments). */
export interface FlowFromDirectoryOptions extends IteratorOptions {
  /** `[height, width]` every image is resized to. Default `[256, 256]`. */
  targetSize?: [number, number];
  /** `'rgb'` (default), `'grayscale'` or `'rgba'`. */
  colorMode?: ColorMode;
  /** Class sub-folders to use, in index order (default: every sub-folder, sorted). */
  classes?: string[] | null;
  /**
   * `'categorical'` (default: one-hot `[n, classes]`), `'binary'` (`[n]` of 0/1), `'sparse'`
   * (`[n]` class indices), `'input'` (y = x, for autoencoders) or `null` (batches of x only).
   */
  classMode?: ClassMode;
  /** Resampling filter when resizing: `'nearest'` (default), `'bilinear'`, `'bicubic'`, `'lanczos'`, `'box'`, `'hamming'`. */
  interpolation?: Interpolation;
  /** Crop the centre to the target's aspect ratio before resizing. Default false. */
  keepAspectRatio?: boolean;
  /** `'training'` or `'validation'`, with the generator's `validationSplit`. */
  subset?: 'training' | 'validation' | null;
  /** Follow symbolic links to sub-folders. Default false. */
  followLinks?: boolean;
  /** Save every augmented image of every batch here (for debugging, as Keras's `save_to_dir`). */
  saveToDir?: string | null;
  /** File name prefix for `saveToDir`. Default `''`. */
  savePrefix?: string;
  /** `'png'` (default) or `'jpeg'` for `saveToDir`. */
  saveFormat?: 'png' | 'jpeg';
  /** Print "Found N images belonging to K classes.". Default true. */
  verbose?: boolean;
  /**
   * Worker threads that decode and augment (shared by all flows). Default: one fewer than the
   * cores this process may use, at most 4; 0 processes images on the main thread.
   */
  workers?: number;
}

/**
 * Batches of images read from class sub-folders, as Keras's `DirectoryIterator`, with decoding
 * and augmentation running ahead of the consumer (see {@link ImageIterator}). Created by
 * {@link ImageDataGenerator.flowFromDirectory}.
 *
 * Files that are empty, unreadable or not images are left out when the folder is listed, and
 * files that fail to decode are dropped from their batch; each is named once in a warning.
 *
 * @example
 * ```ts
 * import { DirectoryIterator, imageDataGenerator } from '@dlts/image';
 * const train = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory('cats_and_dogs_small/train', {
 *   targetSize: [150, 150], batchSize: 20, classMode: 'binary',
 * }); // Found 2000 images belonging to 2 classes.
 * train instanceof DirectoryIterator; // true
 * train.classIndices; // { cats: 0, dogs: 1 }
 * await model.fit(train, { stepsPerEpoch: 100, epochs: 30 });
 * ```
 */
export class DirectoryIterator extends ImageIterator {
  /** The dataset folder. */
  readonly directory: string;
  /** Class name -> index (Keras's `class_indices`). */
  readonly classIndices: Record<string, number>;
  /** Class names in index order. */
  readonly classNames: string[];
  /** Number of classes. */
  readonly numClasses: number;
  /** The class index of every file (Keras's `classes`). */
  readonly classes: Int32Array;
  /** Paths relative to `directory`, `class/file.jpg` (Keras's `filenames`). */
  readonly filenames: string[];
  /** Absolute (joined) paths (Keras's `filepaths`). */
  readonly filepaths: string[];
  /** The shape of one sample, `[height, width, channels]`. */
  readonly imageShape: [number, number, number];
  /** The label format. */
  readonly classMode: ClassMode;
  /** The augmenting generator (null: none). */
  readonly imageDataGenerator: ImageDataGenerator | null;
  private readonly colorMode: ColorMode;
  private readonly interpolation: Interpolation;
  private readonly keepAspectRatio: boolean;
  private readonly failed = new Set<number>();
  private readonly saveToDir: string | null;
  private readonly savePrefix: string;
  private readonly saveFormat: 'png' | 'jpeg';
  private readonly workers: number;

  constructor(directory: string, generator: ImageDataGenerator | null, options: FlowFromDirectoryOptions = {}) {
    const fn = 'flowFromDirectory';
    const { colorMode, interpolation, keepAspectRatio } = checkLoadOptions(fn, options);
    const targetSize = options.targetSize ?? [256, 256];
    check(Array.isArray(targetSize) && targetSize.length === 2 && targetSize.every((d) => Number.isInteger(d) && d > 0), fn, 'targetSize must be [height, width] in pixels', 'targetSize', targetSize);
    const classMode = options.classMode === undefined ? 'categorical' : options.classMode;
    if (!['categorical', 'binary', 'sparse', 'input', null].includes(classMode)) {
      throw new DltsError('DLTS_VALUE', `${fn}: invalid classMode; expected one of "categorical", "binary", "sparse", "input", null. Received: classMode=${received(classMode)}`);
    }
    let split: [number, number] | null = null;
    const subset = options.subset ?? null;
    if (subset !== null) {
      const v = generator?.options.validationSplit ?? 0;
      if (subset === 'validation') split = [0, v];
      else if (subset === 'training') split = [v, 1];
      else throw new DltsError('DLTS_VALUE', `${fn}: invalid subset name; expected "training" or "validation". Received: subset=${received(subset)}`);
    }
    check(options.workers === undefined || (Number.isInteger(options.workers) && options.workers >= 0), fn, 'workers must be a non-negative integer', 'workers', options.workers);
    const listed = listImageFiles(directory, { classes: options.classes, formats: FLOW_FORMATS, followLinks: options.followLinks, split, fn });
    warnSkipped(fn, directory, listed.skipped);
    if (options.verbose ?? true) console.log(`Found ${listed.filenames.length} images belonging to ${listed.classNames.length} classes.`);
    super(listed.filenames.length, options, { shuffle: true }, fn);
    this.directory = directory;
    this.classNames = listed.classNames;
    this.numClasses = listed.classNames.length;
    this.classIndices = Object.fromEntries(listed.classNames.map((c, i) => [c, i]));
    this.classes = listed.labels;
    this.filenames = listed.filenames;
    this.filepaths = listed.filenames.map((f) => join(directory, f));
    const channels = colorMode === 'rgb' ? 3 : colorMode === 'rgba' ? 4 : 1;
    this.imageShape = [targetSize[0], targetSize[1], channels];
    this.classMode = classMode;
    this.imageDataGenerator = generator;
    this.colorMode = colorMode;
    this.interpolation = interpolation;
    this.keepAspectRatio = keepAspectRatio;
    this.saveToDir = options.saveToDir ?? null;
    this.savePrefix = options.savePrefix ?? '';
    this.saveFormat = options.saveFormat ?? 'png';
    this.workers = options.workers ?? defaultWorkers();
  }

  /** Number of images (Keras's `samples`). */
  get samples(): number {
    return this.n;
  }

  /** The class index of every file (Keras's `labels`). */
  get labels(): Int32Array {
    return this.classes;
  }

  protected override async prepare(indices: Int32Array, draws: Draws): Promise<PreparedBatch> {
    const gen = this.imageDataGenerator;
    const shape = this.imageShape;
    // Every draw before the first await, in Keras's order (one transform per image).
    const params = Array.from(indices, () => (gen ? gen.drawTransform(shape, draws) : null));
    // Keras then draws a name hash per saved image.
    const hashes = this.saveToDir ? Array.from(indices, () => draws.randint(0, 1e7)) : null;
    const normalize = gen ? gen.workerNormalization() : null;
    const resample = gen ? gen.resampleSpec() : null;
    const pool = workerPool(this.workers);
    const results = await Promise.allSettled(
      Array.from(indices, async (j, i) => {
        const x = await pool.run({
          path: this.filepaths[j],
          targetSize: [shape[0], shape[1]],
          colorMode: this.colorMode,
          interpolation: this.interpolation,
          keepAspectRatio: this.keepAspectRatio,
          params: params[i],
          resample,
          normalize,
        });
        return gen ? gen.finishStandardize(x, shape, normalize !== null) : x;
      }),
    );
    const kept: number[] = [];
    const newlyFailed: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') kept.push(i);
      else if (!this.failed.has(indices[i])) {
        this.failed.add(indices[i]);
        newlyFailed.push(`${this.filenames[indices[i]]} (${(r.reason as Error).message.replace(/^imageLoad: /, '')})`);
      }
    });
    // (A prefetch that outlived its dataset folder has nothing useful to report.)
    if (newlyFailed.length > 0 && existsSync(this.directory)) {
      console.warn(`flowFromDirectory: skipped ${newlyFailed.length} unreadable image file(s) in ${this.directory}: ${newlyFailed.join(', ')}`);
    }
    if (kept.length === 0) {
      throw new DltsError('DLTS_DATASET_FORMAT', `flowFromDirectory: no image of the batch could be read: ${Array.from(indices, (j) => this.filenames[j]).join(', ')}`);
    }
    const per = shape[0] * shape[1] * shape[2];
    const x = new Float32Array(kept.length * per);
    kept.forEach((i, k) => x.set((results[i] as PromiseFulfilledResult<Float32Array>).value, k * per));
    const batch: PreparedBatch = { x, xShape: [kept.length, ...shape] };
    const labels = kept.map((i) => this.classes[indices[i]]);
    if (this.classMode === 'input') batch.y = { data: x.slice(), shape: batch.xShape };
    else if (this.classMode === 'binary' || this.classMode === 'sparse') batch.y = { data: Float32Array.from(labels), shape: [kept.length] };
    else if (this.classMode === 'categorical') {
      const y = new Float32Array(kept.length * this.numClasses);
      labels.forEach((l, k) => (y[k * this.numClasses + l] = 1));
      batch.y = { data: y, shape: [kept.length, this.numClasses] };
    }
    if (hashes) await this.save(batch, kept.map((i) => indices[i]), kept.map((i) => hashes[i]));
    return batch;
  }

  private async save(batch: PreparedBatch, indices: number[], hashes: number[]): Promise<void> {
    const per = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
    // Keras's names: prefix_index_hash.format.
    const names = indices.map((j, k) => `${this.savePrefix}_${j}_${hashes[k]}.${this.saveFormat === 'jpeg' ? 'jpg' : 'png'}`);
    await Promise.all(
      indices.map((_, k) => {
        const t = tf.tensor3d(batch.x.subarray(k * per, (k + 1) * per), this.imageShape, 'float32');
        const img = arrayToImage(t, { scale: true });
        t.dispose();
        return saveImage(join(this.saveToDir!, names[k]), img);
      }),
    );
  }
}
