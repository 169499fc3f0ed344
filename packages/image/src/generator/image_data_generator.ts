import * as tf from '@tensorflow/tfjs-core';
import { check, DltsError, received } from '@dlts/tensors';
import { dltsDraws, numpyDraws, type Draws } from '../random/draws';
import { DirectoryIterator, type FlowFromDirectoryOptions } from '../flow/directory_iterator';
import { NumpyArrayIterator, type FlowOptions } from '../flow/numpy_array_iterator';
import { resolveOptions, type ImageDataGeneratorOptions, type ResolvedOptions } from './options';
import { normalizePixels, transformImagePixels, type NormalizeSpec, type ResampleSpec } from './pixels';
import type { TransformParams } from './transform_params';
import { zcaWhiteningMatrix } from './zca';

/** Options of {@link ImageDataGenerator.fit}. */
export interface GeneratorFitOptions {
  /** Fit on randomly augmented copies of the samples. Default false. */
  augment?: boolean;
  /** With `augment`, how many augmented passes over the data. Default 1. */
  rounds?: number;
  /** Seed of the augmentation draws (numpy's stream, as Keras). */
  seed?: number;
}

/**
 * Keras's `ImageDataGenerator` (R: `image_data_generator()`): random augmentation with Keras's
 * exact parameter draws and scipy's exact resampling, normalisation, and flows of batches from
 * arrays ({@link ImageDataGenerator.flow}) or folders ({@link ImageDataGenerator.flowFromDirectory}).
 *
 * Create one with {@link imageDataGenerator}.
 *
 * @example
 * ```ts
 * import { ImageDataGenerator, imageDataGenerator } from '@dlts/image';
 * const datagen = imageDataGenerator({ rescale: 1 / 255, rotationRange: 40, horizontalFlip: true });
 * datagen instanceof ImageDataGenerator; // true
 * const params = datagen.getRandomTransform([150, 150, 3], 1); // Keras's draws for seed 1
 * const train = datagen.flowFromDirectory(trainDir, { targetSize: [150, 150], classMode: 'binary' });
 * ```
 */
export class ImageDataGenerator {
  /** The options with Keras's defaults filled in. */
  readonly options: Readonly<ResolvedOptions>;
  /** Per-channel mean from {@link ImageDataGenerator.fit} (featurewise centring), or null. */
  mean: Float32Array | null = null;
  /** Per-channel standard deviation from `fit`, or null. */
  std: Float32Array | null = null;
  /** The ZCA whitening matrix from `fit` (`d x d`, row-major, `d = h * w * c`), or null. */
  zcaWhiteningMatrix: Float32Array | null = null;
  private warned = new Set<string>();

  constructor(options: ImageDataGeneratorOptions = {}) {
    this.options = resolveOptions(options);
  }

  /**
   * Draws the parameters of one random transformation for an image of shape `[h, w, c]`, in
   * Keras's order (rotation, row shift, column shift, shear, zoom x then y, the two flip coins,
   * channel shift, brightness).
   *
   * @param shape - the image shape `[height, width, channels]`.
   * @param seed - when given, the draws are numpy's after `np.random.seed(seed)`, so they equal
   *   Keras's `get_random_transform(shape, seed)`; otherwise they come from the dlts stream
   *   (`setSeed`).
   * @returns the parameters, see {@link TransformParams}.
   * @throws DltsError `DLTS_VALUE` when `shape` is not `[h, w, c]` or `seed` is not an integer in [0, 2^32).
   * @example
   * ```ts
   * const gen = imageDataGenerator({ rotationRange: 40, zoomRange: 0.2, horizontalFlip: true });
   * const params = gen.getRandomTransform([150, 150, 3], 1);
   * ```
   */
  getRandomTransform(shape: number[], seed?: number): TransformParams {
    checkShape('getRandomTransform', shape);
    return this.drawTransform(shape, seed === undefined ? dltsDraws() : numpyDraws(checkSeed('getRandomTransform', seed)));
  }

  /** Draws transform parameters from `draws` (used by the flows with their own streams). */
  drawTransform(shape: number[], draws: Draws): TransformParams {
    const o = this.options;
    const theta = o.rotationRange ? draws.uniform(-o.rotationRange, o.rotationRange) : 0;
    const tx = drawShift(o.heightShiftRange, shape[0], draws);
    const ty = drawShift(o.widthShiftRange, shape[1], draws);
    const shear = o.shearRange ? draws.uniform(-o.shearRange, o.shearRange) : 0;
    let zx = 1;
    let zy = 1;
    if (!(o.zoomRange[0] === 1 && o.zoomRange[1] === 1)) {
      zx = draws.uniform(o.zoomRange[0], o.zoomRange[1]);
      zy = draws.uniform(o.zoomRange[0], o.zoomRange[1]);
    }
    // Keras always draws both coins, even when the flips are off.
    const flipHorizontal = draws.random() < 0.5 && o.horizontalFlip;
    const flipVertical = draws.random() < 0.5 && o.verticalFlip;
    const channelShiftIntensity = o.channelShiftRange !== 0 ? draws.uniform(-o.channelShiftRange, o.channelShiftRange) : null;
    const brightness = o.brightnessRange ? draws.uniform(o.brightnessRange[0], o.brightnessRange[1]) : null;
    return { theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical, channelShiftIntensity, brightness };
  }

  /**
   * Applies a transformation to one image as Keras's `apply_transform`: the affine part
   * (composed about the centre, resampled as `scipy.ndimage.affine_transform(order=1)` with this
   * generator's `fillMode` and `cval`), then channel shift, flips and brightness.
   *
   * @param x - one image, `[height, width, channels]` float32 (values as loaded, e.g. 0..255).
   * @param params - the parameters (absent ones mean "no change").
   * @returns a new tensor of the same shape; the caller owns it.
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when `x` is not rank 3.
   * @example
   * ```ts
   * const gen = imageDataGenerator({ fillMode: 'reflect' });
   * const y = gen.applyTransform(img, { theta: 30, zx: 0.9, zy: 1.1 });
   * ```
   */
  applyTransform(x: tf.Tensor, params: TransformParams): tf.Tensor3D {
    const [h, w, c] = imageShapeOf('applyTransform', x);
    const data = x.dtype === 'float32' ? (x.dataSync() as Float32Array) : Float32Array.from(x.dataSync());
    const out = this.transformPixels(data, [h, w, c], params);
    return tf.tensor3d(out === data ? data.slice() : out, [h, w, c], 'float32');
  }

  /**
   * {@link ImageDataGenerator.getRandomTransform} then {@link ImageDataGenerator.applyTransform}
   * (Keras's `random_transform`).
   *
   * @param x - one image `[height, width, channels]`.
   * @param seed - as in `getRandomTransform`.
   * @returns the transformed image (a new tensor).
   * @throws as `applyTransform`.
   * @example
   * ```ts
   * const augmented = gen.randomTransform(img, 42);
   * ```
   */
  randomTransform(x: tf.Tensor, seed?: number): tf.Tensor3D {
    const shape = imageShapeOf('randomTransform', x);
    return this.applyTransform(x, this.getRandomTransform(shape, seed));
  }

  /** The transformation on raw channels-last pixels (returns `data` itself when nothing changes). */
  transformPixels(data: Float32Array, shape: number[], params: TransformParams): Float32Array {
    return transformImagePixels(data, shape, params, this.resampleSpec());
  }

  /** How this generator resamples (for the flows' worker threads). */
  resampleSpec(): ResampleSpec {
    return { fillMode: this.options.fillMode, cval: this.options.cval, order: this.options.interpolationOrder };
  }

  /**
   * The part of `standardize` a worker thread can do (everything but `preprocessingFunction` and
   * ZCA), or null when a `preprocessingFunction` must run first on the main thread.
   */
  workerNormalization(): NormalizeSpec | null {
    if (this.options.preprocessingFunction) return null;
    return this.normalizeSpec();
  }

  /** Completes `standardize` after a worker did {@link ImageDataGenerator.workerNormalization}'s part (or did none). */
  finishStandardize(x: Float32Array, shape: number[], normalizedInWorker: boolean): Float32Array {
    if (!normalizedInWorker) return this.standardizePixels(x, shape);
    return this.options.zcaWhitening ? this.applyZcaStep(x) : x;
  }

  /**
   * Applies the normalisation options (Keras's `standardize`): `preprocessingFunction`, `rescale`,
   * samplewise centring and scaling (over the whole input), featurewise centring and scaling, ZCA.
   *
   * @param x - one image `[h, w, c]` or a batch `[n, h, w, c]`.
   * @returns a new tensor; the caller owns it.
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when `x` is neither rank 3 nor rank 4.
   * @example
   * ```ts
   * const gen = imageDataGenerator({ rescale: 1 / 255 });
   * const y = gen.standardize(batch);
   * ```
   */
  standardize(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 3 && x.rank !== 4) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `standardize: x must be an image [h, w, c] or a batch [n, h, w, c]. Received: shape=${received(x.shape)}`);
    }
    const data = Float32Array.from(x.dataSync());
    return tf.tensor(this.standardizePixels(data, x.shape), x.shape, 'float32');
  }

  /** {@link ImageDataGenerator.standardize} on raw pixels (in place when possible). */
  standardizePixels(data: Float32Array, shape: number[]): Float32Array {
    const o = this.options;
    let x = data;
    if (o.preprocessingFunction) {
      const fn = o.preprocessingFunction;
      x = tf.tidy(() => {
        const single = shape.length === 3;
        const input = tf.tensor(x, shape, 'float32');
        const images = single ? [input as tf.Tensor3D] : tf.unstack(input).map((t) => t as tf.Tensor3D);
        const outs = images.map((img) => {
          const y = fn(img);
          if (!(y instanceof tf.Tensor) || y.size !== img.size) {
            throw new DltsError(
              'DLTS_VALUE',
              `imageDataGenerator: preprocessingFunction must return a tensor of the image's shape ${received(img.shape)}. Received: ${y instanceof tf.Tensor ? `shape=${received(y.shape)}` : received(y)}`,
            );
          }
          return tf.cast(tf.reshape(y, img.shape), 'float32');
        });
        return Float32Array.from((single ? outs[0] : tf.stack(outs)).dataSync());
      });
    }
    x = normalizePixels(x, shape[shape.length - 1], this.normalizeSpec());
    return o.zcaWhitening ? this.applyZcaStep(x) : x;
  }

  private normalizeSpec(): NormalizeSpec {
    const o = this.options;
    if (o.featurewiseCenter && !this.mean) this.warnOnce('featurewiseCenter');
    if (o.featurewiseStdNormalization && !this.std) this.warnOnce('featurewiseStdNormalization');
    return {
      rescale: o.rescale,
      samplewiseCenter: o.samplewiseCenter,
      samplewiseStdNormalization: o.samplewiseStdNormalization,
      mean: o.featurewiseCenter ? this.mean : null,
      std: o.featurewiseStdNormalization ? this.std : null,
    };
  }

  private applyZcaStep(x: Float32Array): Float32Array {
    if (this.zcaWhiteningMatrix) return applyZca(x, this.zcaWhiteningMatrix);
    this.warnOnce('zcaWhitening');
    return x;
  }

  /**
   * Computes the statistics the featurewise options need from sample data (Keras's `fit`):
   * per-channel mean and standard deviation, and the ZCA matrix.
   *
   * @param x - sample images `[n, h, w, c]` (rescaled by `rescale` first, as Keras).
   * @param options - `augment`, `rounds`, `seed`.
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when `x` is not rank 4; `DLTS_UNSUPPORTED` for ZCA on
   *   images larger than 4096 values.
   * @example
   * ```ts
   * const gen = imageDataGenerator({ featurewiseCenter: true, featurewiseStdNormalization: true });
   * gen.fit(xTrain);
   * ```
   */
  fit(x: tf.Tensor, options: GeneratorFitOptions = {}): void {
    if (x.rank !== 4) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `fit: input to fit() should have rank 4. Received: shape=${received(x.shape)}`);
    }
    const [n, h, w, c] = x.shape;
    if (![1, 3, 4].includes(c)) {
      console.warn(`fit: expected input to be images with 1, 3 or 4 channels on axis 3. Received: shape=${received(x.shape)} (${c} channels)`);
    }
    const rounds = options.rounds ?? 1;
    check(Number.isInteger(rounds) && rounds >= 1, 'fit', 'rounds must be a positive integer', 'rounds', rounds);
    const draws = options.seed === undefined ? dltsDraws() : numpyDraws(checkSeed('fit', options.seed));
    const size = h * w * c;
    let data = Float32Array.from(x.dataSync());
    if (this.options.rescale) {
      const r = Math.fround(this.options.rescale);
      for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i] * r);
    }
    let count = n;
    if (options.augment) {
      const out = new Float32Array(rounds * n * size);
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < n; i++) {
          const img = data.subarray(i * size, (i + 1) * size);
          const params = this.drawTransform([h, w, c], draws);
          out.set(this.transformPixels(img, [h, w, c], params), (r * n + i) * size);
        }
      }
      data = out;
      count = rounds * n;
    }
    const pixels = data.length / c;
    if (this.options.featurewiseCenter) {
      const mean = new Float64Array(c);
      for (let i = 0; i < data.length; i++) mean[i % c] += data[i];
      this.mean = Float32Array.from(mean, (m) => m / pixels);
      for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i] - this.mean[i % c]);
    }
    if (this.options.featurewiseStdNormalization) {
      const sq = new Float64Array(c);
      const mean = new Float64Array(c);
      for (let i = 0; i < data.length; i++) mean[i % c] += data[i];
      for (let k = 0; k < c; k++) mean[k] /= pixels;
      for (let i = 0; i < data.length; i++) sq[i % c] += (data[i] - mean[i % c]) ** 2;
      this.std = Float32Array.from(sq, (s) => Math.sqrt(s / pixels));
      for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i] / Math.fround(this.std[i % c] + 1e-6));
    }
    if (this.options.zcaWhitening) {
      this.zcaWhiteningMatrix = zcaWhiteningMatrix(data, count, size, this.options.zcaEpsilon);
    }
  }

  /**
   * Batches from in-memory images (Keras's `flow`, R's `flow_images_from_data`): an endless
   * iterator of `[x, y]` (or `x` when `y` is absent) with augmentation and normalisation applied.
   *
   * @param x - images `[n, h, w, c]`.
   * @param y - targets with `n` rows, or undefined.
   * @param options - `batchSize` (32), `shuffle` (true), `seed`, `sampleWeight`, `subset`, `prefetch`.
   * @returns the iterator.
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when the shapes do not fit.
   * @example
   * ```ts
   * const it = gen.flow(images, labels, { batchSize: 32 });
   * await model.fit(it, { stepsPerEpoch: 100, epochs: 5 });
   * ```
   */
  flow(x: tf.Tensor, y?: tf.Tensor | null, options: FlowOptions = {}): NumpyArrayIterator {
    return new NumpyArrayIterator(x, y ?? null, this, options);
  }

  /**
   * Batches of images read from class sub-folders (Keras's `flow_from_directory`, R's
   * `flow_images_from_directory`). Prints "Found N images belonging to K classes.".
   *
   * @param directory - a folder with one sub-folder per class.
   * @param options - `targetSize` ([256, 256]), `colorMode`, `classes`, `classMode`
   *   ('categorical'), `batchSize` (32), `shuffle` (true), `seed`, `subset`, `interpolation`
   *   ('nearest'), `prefetch`, `verbose`.
   * @returns the iterator (see {@link DirectoryIterator}).
   * @throws DltsError `DLTS_IO` when the folder cannot be read; `DLTS_VALUE` on bad options.
   * @example
   * ```ts
   * const train = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory('data/train', {
   *   targetSize: [150, 150], batchSize: 20, classMode: 'binary',
   * });
   * ```
   */
  flowFromDirectory(directory: string, options: FlowFromDirectoryOptions = {}): DirectoryIterator {
    return new DirectoryIterator(directory, this, options);
  }

  private warnOnce(option: string): void {
    if (this.warned.has(option)) return;
    this.warned.add(option);
    console.warn(`imageDataGenerator: this ImageDataGenerator specifies ${option}, but it hasn't been fit on any training data. Fit it first by calling fit(x).`);
  }
}

/**
 * Creates an {@link ImageDataGenerator} (R: `image_data_generator(...)`, Keras:
 * `ImageDataGenerator(...)`).
 *
 * @param options - see {@link ImageDataGeneratorOptions}; Keras's defaults.
 * @returns the generator.
 * @throws DltsError `DLTS_VALUE` on an invalid option (naming it and the value received);
 *   `DLTS_UNSUPPORTED` for `interpolationOrder` > 1 or a dtype other than float32.
 * @example
 * ```ts
 * const datagen = imageDataGenerator({
 *   rescale: 1 / 255, rotationRange: 40, widthShiftRange: 0.2, heightShiftRange: 0.2,
 *   shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true, fillMode: 'nearest',
 * });
 * ```
 */
export function imageDataGenerator(options: ImageDataGeneratorOptions = {}): ImageDataGenerator {
  return new ImageDataGenerator(options);
}

function drawShift(range: number | number[], size: number, draws: Draws): number {
  const active = Array.isArray(range) ? range.length > 0 : range !== 0;
  if (!active) return 0;
  let t: number;
  let max: number;
  if (Array.isArray(range)) {
    t = range[draws.randint(0, range.length)];
    t *= [-1, 1][draws.randint(0, 2)];
    max = Math.max(...range);
  } else {
    t = draws.uniform(-range, range);
    max = range;
  }
  return max < 1 ? t * size : t;
}

function checkShape(fn: string, shape: unknown): void {
  check(
    Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0),
    fn,
    'shape must be [height, width, channels]',
    'shape',
    shape,
  );
}

function checkSeed(fn: string, seed: number): number {
  check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, fn, 'seed must be an integer between 0 and 2**32 - 1', 'seed', seed);
  return seed;
}

function imageShapeOf(fn: string, x: tf.Tensor): [number, number, number] {
  if (!(x instanceof tf.Tensor) || x.rank !== 3) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `${fn}: x must be one image of shape [height, width, channels]. Received: ${x instanceof tf.Tensor ? `shape=${received(x.shape)}` : received(x)}`,
    );
  }
  return x.shape as [number, number, number];
}

function applyZca(x: Float32Array, matrix: Float32Array): Float32Array {
  const d = Math.round(Math.sqrt(matrix.length));
  const n = x.length / d;
  const out = new Float32Array(x.length);
  for (let s = 0; s < n; s++) {
    const row = x.subarray(s * d, (s + 1) * d);
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += row[k] * matrix[k * d + j];
      out[s * d + j] = acc;
    }
  }
  return out;
}
