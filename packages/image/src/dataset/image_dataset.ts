import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { check, createRandom, DltsError, randomInt, received, type RandomSource, NumpyRandomState } from '@dlts/tensors';
import { convertColor, decodeImage, type ColorMode } from '../io/image';
import { DATASET_FORMATS, listImageFiles, warnSkipped } from '../flow/list_files';
import { tfResize } from './tf_resize';

/** Label format of {@link imageDatasetFromDirectory} (Keras's `label_mode`). */
export type LabelMode = 'int' | 'categorical' | 'binary' | null;

/** Options of {@link imageDatasetFromDirectory} (Keras 3's `image_dataset_from_directory` arguments). */
export interface ImageDatasetOptions {
  /** `'inferred'` (default: from the sub-folders), `null` (no labels), or one integer label per file in sorted file order. */
  labels?: 'inferred' | null | number[];
  /** `'int'` (default, int32 `[n]`), `'categorical'` (one-hot float32), `'binary'` (float32 `[n, 1]`) or `null`. */
  labelMode?: LabelMode;
  /** Class folders to use, in index order (default: the sorted sub-folders not starting with "."). */
  classNames?: string[] | null;
  /** `'rgb'` (default), `'grayscale'` or `'rgba'`. */
  colorMode?: ColorMode;
  /** Samples per batch (default 32); `null` yields single samples. */
  batchSize?: number | null;
  /** `[height, width]` to resize to. Default `[256, 256]`. */
  imageSize?: [number, number];
  /** Shuffle the files (and each pass). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling (default: drawn from the dlts stream). */
  seed?: number;
  /** Fraction held out for validation, in (0, 1). */
  validationSplit?: number | null;
  /** `'training'`, `'validation'` or `'both'` (returns `[train, validation]`). */
  subset?: 'training' | 'validation' | 'both' | null;
  /** `'bilinear'` (default) or `'nearest'` (TensorFlow's resize, half-pixel centres, no antialiasing). */
  interpolation?: 'bilinear' | 'nearest';
  /** Follow symbolic links to sub-folders. Default false. */
  followLinks?: boolean;
  /** Crop the centre to the target aspect ratio before resizing (Keras's `smart_resize`). Default false. */
  cropToAspectRatio?: boolean;
  /** Batches decoded ahead. Default 2. */
  prefetch?: number;
  /** Print the "Found ..." and "Using ..." lines. Default true. */
  verbose?: boolean;
}

/**
 * A finite, re-iterable dataset of image batches (what Keras 3's `image_dataset_from_directory`
 * returns): every `for await` is one pass; a shuffled dataset reorders each pass. Pass it to
 * `model.fit(dataset, {epochs})` (one pass per epoch) or `model.evaluate(dataset)`.
 *
 * @example
 * ```ts
 * import { imageDatasetFromDirectory, type ImageDataset } from '@dlts/image';
 * const train = imageDatasetFromDirectory('cats_and_dogs_small/train', {
 *   imageSize: [180, 180], batchSize: 32,
 * }) as ImageDataset;
 * train.classNames; // ['cats', 'dogs']
 * train.length; // batches per pass: 63 for 2000 images
 * for await (const batch of train) console.log(batch); // [images [32, 180, 180, 3], labels [32]]
 * await model.fit(train, { epochs: 30 });
 * ```
 */
export class ImageDataset implements AsyncIterable<tf.Tensor | [tf.Tensor, tf.Tensor]> {
  /** Class names in label order (null without labels). */
  readonly classNames: string[] | null;
  /** The files, in the dataset's (first-pass) order. */
  readonly filePaths: string[];
  /** The label of each file (null without labels). */
  readonly labels: Int32Array | null;
  private readonly rng: RandomSource | null;
  private passes = 0;

  constructor(
    filePaths: string[],
    labels: Int32Array | null,
    classNames: string[] | null,
    private readonly settings: {
      labelMode: LabelMode;
      colorMode: ColorMode;
      batchSize: number | null;
      imageSize: [number, number];
      shuffle: boolean;
      seed: number;
      interpolation: 'bilinear' | 'nearest';
      cropToAspectRatio: boolean;
      prefetch: number;
    },
  ) {
    this.filePaths = filePaths;
    this.labels = labels;
    this.classNames = classNames;
    this.rng = settings.shuffle ? createRandom(settings.seed) : null;
  }

  /** Batches per pass (Keras's `cardinality()`). */
  get length(): number {
    const b = this.settings.batchSize;
    return b === null ? this.filePaths.length : Math.ceil(this.filePaths.length / b);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<tf.Tensor | [tf.Tensor, tf.Tensor]> {
    const n = this.filePaths.length;
    // The first pass keeps the (already shuffled) file order; later passes reshuffle.
    const order = this.rng && this.passes > 0 ? shuffled(n, this.rng) : Int32Array.from({ length: n }, (_, i) => i);
    this.passes++;
    const size = this.settings.batchSize ?? 1;
    const chunks: Int32Array[] = [];
    for (let i = 0; i < n; i += size) chunks.push(order.subarray(i, Math.min(n, i + size)));
    const pending: Promise<Prepared | null>[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length <= this.settings.prefetch && next < chunks.length) {
        const p = this.load(chunks[next++]);
        p.catch(() => undefined);
        pending.push(p);
      }
    };
    fill();
    while (pending.length > 0) {
      const batch = await pending.shift()!;
      fill();
      if (!batch) continue;
      const single = this.settings.batchSize === null;
      const x = tf.tensor(batch.x, single ? batch.xShape.slice(1) : batch.xShape, 'float32');
      if (!batch.y) {
        yield x;
        continue;
      }
      const yShape = single ? batch.y.shape.slice(1) : batch.y.shape;
      yield [x, tf.tensor(batch.y.data, yShape, batch.y.dtype)];
    }
  }

  private async load(indices: Int32Array): Promise<Prepared | null> {
    const { imageSize, colorMode, interpolation, cropToAspectRatio, labelMode } = this.settings;
    const [h, w] = imageSize;
    const channels = colorMode === 'rgb' ? 3 : colorMode === 'rgba' ? 4 : 1;
    const per = h * w * channels;
    const results = await Promise.allSettled(
      Array.from(indices, async (j) => {
        const path = this.filePaths[j];
        const img = convertColor(await decodeImage(await readFile(path), path), colorMode);
        const src = cropToAspectRatio ? centreCrop(img, h, w) : img;
        return tfResize(src, h, w, interpolation);
      }),
    );
    const kept: number[] = [];
    const failed: string[] = [];
    results.forEach((r, i) => (r.status === 'fulfilled' ? kept.push(i) : failed.push(`${this.filePaths[indices[i]]} (${(r.reason as Error).message})`)));
    if (failed.length > 0) console.warn(`imageDatasetFromDirectory: skipped ${failed.length} unreadable image file(s): ${failed.join(', ')}`);
    if (kept.length === 0) return null;
    const x = new Float32Array(kept.length * per);
    kept.forEach((i, k) => x.set((results[i] as PromiseFulfilledResult<Float32Array>).value, k * per));
    const out: Prepared = { x, xShape: [kept.length, h, w, channels] };
    if (this.labels && labelMode) {
      const labels = kept.map((i) => this.labels![indices[i]]);
      if (labelMode === 'int') out.y = { data: Int32Array.from(labels), shape: [kept.length], dtype: 'int32' };
      else if (labelMode === 'binary') out.y = { data: Float32Array.from(labels), shape: [kept.length, 1], dtype: 'float32' };
      else {
        const k = this.classNames!.length;
        const y = new Float32Array(kept.length * k);
        labels.forEach((l, i) => (y[i * k + l] = 1));
        out.y = { data: y, shape: [kept.length, k], dtype: 'float32' };
      }
    }
    return out;
  }
}

interface Prepared {
  x: Float32Array;
  xShape: number[];
  y?: { data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' };
}

function shuffled(n: number, rng: RandomSource): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.randomInt(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Keras's `smart_resize` crop: the largest centred window with the target's aspect ratio. */
function centreCrop<T extends { data: Uint8Array; width: number; height: number; channels: number }>(img: T, th: number, tw: number): T {
  const cropHeight = Math.min(img.height, Math.trunc((img.width * th) / tw));
  const cropWidth = Math.min(img.width, Math.trunc((img.height * tw) / th));
  const top = Math.trunc((img.height - cropHeight) / 2);
  const left = Math.trunc((img.width - cropWidth) / 2);
  const c = img.channels;
  const data = new Uint8Array(cropWidth * cropHeight * c);
  for (let y = 0; y < cropHeight; y++) {
    const from = ((top + y) * img.width + left) * c;
    data.set(img.data.subarray(from, from + cropWidth * c), y * cropWidth * c);
  }
  return { ...img, data, width: cropWidth, height: cropHeight };
}

/**
 * Keras 3's `image_dataset_from_directory` (R: `image_dataset_from_directory()`): a dataset of
 * `[images, labels]` batches read from class sub-folders, resized as TensorFlow resizes.
 *
 * The file order is Keras's: sorted classes, sorted files, then (with `shuffle`) numpy's
 * `RandomState(seed).shuffle`, then the validation split takes the last `validationSplit`
 * fraction. Later passes reshuffle with a dlts stream seeded by `seed` (Keras uses a tf.data
 * shuffle buffer of 8 batches; dlts shuffles the whole pass).
 *
 * @param directory - a folder with one sub-folder per class.
 * @param options - see {@link ImageDatasetOptions}.
 * @returns the dataset, or `[training, validation]` for `subset: 'both'`.
 * @throws DltsError `DLTS_VALUE` on inconsistent options (Keras's checks); `DLTS_IO` when the
 *   folder cannot be read; `DLTS_UNSUPPORTED` for an interpolation other than bilinear/nearest.
 * @example
 * ```ts
 * const [train, val] = imageDatasetFromDirectory('PetImages', {
 *   imageSize: [180, 180], batchSize: 128, validationSplit: 0.2, subset: 'both', seed: 1337,
 * }) as [ImageDataset, ImageDataset];
 * ```
 */
export function imageDatasetFromDirectory(directory: string, options: ImageDatasetOptions = {}): ImageDataset | [ImageDataset, ImageDataset] {
  const fn = 'imageDatasetFromDirectory';
  const labelsArg = options.labels === undefined ? 'inferred' : options.labels;
  let labelMode: LabelMode = options.labelMode === undefined ? 'int' : options.labelMode;
  if (labelsArg === null) labelMode = null;
  if (!['int', 'categorical', 'binary', null].includes(labelMode)) {
    throw new DltsError('DLTS_VALUE', `${fn}: labelMode must be one of "int", "categorical", "binary", or null. Received: labelMode=${received(labelMode)}`);
  }
  const colorMode = options.colorMode ?? 'rgb';
  if (!['rgb', 'grayscale', 'rgba'].includes(colorMode)) {
    throw new DltsError('DLTS_VALUE', `${fn}: colorMode must be one of "rgb", "rgba", "grayscale". Received: colorMode=${received(colorMode)}`);
  }
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new DltsError('DLTS_UNSUPPORTED', `${fn}: only "bilinear" and "nearest" interpolation are implemented. Received: interpolation=${received(interpolation)}`);
  }
  const imageSize = options.imageSize ?? [256, 256];
  check(Array.isArray(imageSize) && imageSize.length === 2 && imageSize.every((d) => Number.isInteger(d) && d > 0), fn, 'imageSize must be [height, width]', 'imageSize', imageSize);
  const batchSize = options.batchSize === undefined ? 32 : options.batchSize;
  check(batchSize === null || (Number.isInteger(batchSize) && batchSize > 0), fn, 'batchSize must be a positive integer or null', 'batchSize', batchSize);
  const shuffle = options.shuffle ?? true;
  const split = options.validationSplit ?? null;
  const subset = options.subset ?? null;
  // Keras's check_validation_split_arg.
  if (split !== null) check(split > 0 && split < 1, fn, 'validationSplit must be between 0 and 1', 'validationSplit', split);
  if ((split !== null || subset !== null) && !(split !== null && subset !== null)) {
    throw new DltsError('DLTS_VALUE', `${fn}: if subset is set, validationSplit must be set, and inversely. Received: validationSplit=${received(split)}, subset=${received(subset)}`);
  }
  if (subset !== null && !['training', 'validation', 'both'].includes(subset)) {
    throw new DltsError('DLTS_VALUE', `${fn}: subset must be either "training", "validation" or "both". Received: subset=${received(subset)}`);
  }
  if (split !== null && shuffle && options.seed === undefined) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: if using validationSplit and shuffling the data, you must provide a seed argument, to make sure that there is no overlap between the training and validation subset. Received: seed=undefined`,
    );
  }
  const seed = options.seed ?? randomInt(1_000_000);
  check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, fn, 'seed must be an integer between 0 and 2**32 - 1', 'seed', seed);

  let paths: string[];
  let labels: Int32Array | null;
  let classNames: string[] | null;
  const verbose = options.verbose ?? true;
  if (labelsArg === 'inferred') {
    if (options.classNames) check(Array.isArray(options.classNames), fn, 'classNames must be an array of folder names', 'classNames', options.classNames);
    const listed = listImageFiles(directory, { classes: options.classNames, formats: DATASET_FORMATS, followLinks: options.followLinks, skipHiddenClasses: true, fn });
    warnSkipped(fn, directory, listed.skipped);
    paths = listed.filenames.map((f) => join(directory, f));
    labels = listed.labels;
    classNames = listed.classNames;
  } else {
    if (options.classNames) {
      throw new DltsError('DLTS_VALUE', `${fn}: classNames can only be given with labels: "inferred". Received: classNames=${received(options.classNames)}`);
    }
    const listed = listImageFiles(join(directory, '..'), { classes: [directory.split(/[\\/]/).filter(Boolean).pop()!], formats: DATASET_FORMATS, followLinks: options.followLinks, fn });
    warnSkipped(fn, directory, listed.skipped);
    paths = listed.filenames.map((f) => join(directory, '..', f));
    if (labelsArg === null) {
      labels = null;
      classNames = null;
    } else {
      if (!Array.isArray(labelsArg) || labelsArg.length !== paths.length) {
        throw new DltsError(
          'DLTS_VALUE',
          `${fn}: expected the lengths of labels to match the number of files in the target directory. len(labels) is ${Array.isArray(labelsArg) ? labelsArg.length : 'not a list'} while we found ${paths.length} files in directory ${directory}. Received: labels=${received(labelsArg)}`,
        );
      }
      labels = Int32Array.from(labelsArg);
      classNames = [...new Set(labelsArg)].sort((a, b) => a - b).map(String);
    }
  }
  if (verbose) {
    console.log(labels === null ? `Found ${paths.length} files.` : `Found ${paths.length} files belonging to ${classNames!.length} classes.`);
  }
  if (labelMode === 'binary' && classNames && classNames.length !== 2) {
    throw new DltsError('DLTS_VALUE', `${fn}: when passing labelMode: "binary", there must be exactly 2 classNames. Received: classNames=${received(classNames)}`);
  }
  if (shuffle) {
    // Keras: RandomState(seed).shuffle(file_paths), and the same permutation for the labels.
    const perm = new NumpyRandomState(seed).permutation(paths.length);
    paths = Array.from(perm, (i) => paths[i]);
    if (labels) labels = Int32Array.from(perm, (i) => labels![i]);
  }
  const settings = {
    labelMode,
    colorMode,
    batchSize,
    imageSize: [imageSize[0], imageSize[1]] as [number, number],
    shuffle,
    seed,
    interpolation,
    cropToAspectRatio: Boolean(options.cropToAspectRatio),
    prefetch: options.prefetch ?? 2,
  };
  const make = (which: 'training' | 'validation') => {
    let p = paths;
    let l = labels;
    if (split !== null) {
      const numVal = Math.trunc(split * paths.length);
      const numTrain = paths.length - numVal;
      if (verbose) console.log(which === 'training' ? `Using ${numTrain} files for training.` : `Using ${numVal} files for validation.`);
      p = which === 'training' ? paths.slice(0, numTrain) : paths.slice(numTrain);
      if (l) l = which === 'training' ? l.slice(0, numTrain) : l.slice(numTrain);
    }
    if (p.length === 0) {
      throw new DltsError('DLTS_VALUE', `${fn}: no ${which === 'validation' ? 'validation ' : ''}images found in directory ${directory}. Allowed formats: ${DATASET_FORMATS.join(', ')}. Received: directory=${received(directory)}`);
    }
    return new ImageDataset(p, l, classNames, { ...settings, shuffle: which === 'training' || subset !== 'both' ? shuffle : false });
  };
  if (subset === 'both') return [make('training'), make('validation')];
  return make(subset === 'validation' ? 'validation' : 'training');
}
