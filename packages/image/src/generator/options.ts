import type * as tf from '@tensorflow/tfjs-core';
import { check, DltsError, received } from '@dlts/tensors';
import { checkFillMode } from '../augment/affine';
import type { ScipyMode } from '../augment/boundary';

/**
 * Options of {@link imageDataGenerator}: Keras's `ImageDataGenerator` arguments in camelCase, with
 * Keras's defaults (R: `image_data_generator(...)`).
 */
export interface ImageDataGeneratorOptions {
  /** Set the dataset mean to 0, per channel (needs {@link ImageDataGenerator.fit}). Default false. */
  featurewiseCenter?: boolean;
  /** Set each sample's mean to 0. Default false. */
  samplewiseCenter?: boolean;
  /** Divide by the dataset standard deviation, per channel (needs `fit`). Default false. */
  featurewiseStdNormalization?: boolean;
  /** Divide each sample by its standard deviation. Default false. */
  samplewiseStdNormalization?: boolean;
  /** ZCA whitening (needs `fit`; only for small images: height * width * channels <= 4096). Default false. */
  zcaWhitening?: boolean;
  /** Epsilon of ZCA whitening. Default 1e-6. */
  zcaEpsilon?: number;
  /** Random rotations in [-rotationRange, rotationRange] degrees. Default 0. */
  rotationRange?: number;
  /**
   * Horizontal shift: a number < 1 is a fraction of the width, >= 1 pixels, drawn uniformly from
   * [-r, r]; an array draws one of its values with a random sign (Keras's list semantics; Keras's
   * integer `n` equals the array `[0, 1, ..., n - 1]`). Default 0.
   */
  widthShiftRange?: number | number[];
  /** Vertical shift, as {@link ImageDataGeneratorOptions.widthShiftRange}. Default 0. */
  heightShiftRange?: number | number[];
  /** `[low, high]` brightness factors (PIL's `ImageEnhance.Brightness`). Default none. */
  brightnessRange?: [number, number] | null;
  /** Shear angle in degrees, counter-clockwise, drawn from [-shearRange, shearRange]. Default 0. */
  shearRange?: number;
  /** A number z draws the row and column zooms independently from [1 - z, 1 + z]; or `[low, high]`. Default 0. */
  zoomRange?: number | [number, number];
  /** Random channel shifts in [-channelShiftRange, channelShiftRange]. Default 0. */
  channelShiftRange?: number;
  /** How points outside the image are filled: `'nearest'` (default), `'constant'`, `'reflect'`, `'wrap'` (scipy's modes). */
  fillMode?: 'nearest' | 'constant' | 'reflect' | 'wrap';
  /** The value for `fillMode: 'constant'`. Default 0. */
  cval?: number;
  /** Randomly flip left-right. Default false. */
  horizontalFlip?: boolean;
  /** Randomly flip upside down. Default false. */
  verticalFlip?: boolean;
  /** Multiply every value by this (after the other transforms), e.g. `1 / 255`. Default none. */
  rescale?: number | null;
  /**
   * Applied to every image before the other normalisations (Keras's `preprocessing_function`):
   * receives one `[height, width, channels]` image and returns a tensor of the same shape. It runs
   * inside `tf.tidy`.
   */
  preprocessingFunction?: ((x: tf.Tensor3D) => tf.Tensor) | null;
  /** Fraction of the images reserved for validation (`subset: 'validation'` of a flow), in (0, 1). Default 0. */
  validationSplit?: number;
  /** Spline order of the resampling: 1 (bilinear, Keras's default) or 0 (nearest). */
  interpolationOrder?: 0 | 1;
  /** Only `'float32'`. */
  dtype?: 'float32';
}

/** The options with defaults filled in and checked. */
export interface ResolvedOptions {
  featurewiseCenter: boolean;
  samplewiseCenter: boolean;
  featurewiseStdNormalization: boolean;
  samplewiseStdNormalization: boolean;
  zcaWhitening: boolean;
  zcaEpsilon: number;
  rotationRange: number;
  widthShiftRange: number | number[];
  heightShiftRange: number | number[];
  brightnessRange: [number, number] | null;
  shearRange: number;
  zoomRange: [number, number];
  channelShiftRange: number;
  fillMode: ScipyMode;
  cval: number;
  horizontalFlip: boolean;
  verticalFlip: boolean;
  rescale: number | null;
  preprocessingFunction: ((x: tf.Tensor3D) => tf.Tensor) | null;
  validationSplit: number;
  interpolationOrder: 0 | 1;
}

const FN = 'imageDataGenerator';

function finite(name: string, v: unknown): number {
  check(typeof v === 'number' && Number.isFinite(v), FN, `${name} must be a finite number`, name, v);
  return v as number;
}

function shiftRange(name: string, v: unknown): number | number[] {
  if (Array.isArray(v)) {
    check(
      v.every((e) => typeof e === 'number' && Number.isFinite(e)),
      FN,
      `${name} must be a number or an array of numbers`,
      name,
      v,
    );
    return v.slice();
  }
  return finite(name, v);
}

/** Fills in Keras's defaults and validates, with Keras's interactions (zca implies featurewiseCenter ...). */
export function resolveOptions(options: ImageDataGeneratorOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new DltsError('DLTS_VALUE', `${FN}: options must be an object. Received: options=${received(options)}`);
  }
  const o = options;
  const fillMode = o.fillMode ?? 'nearest';
  checkFillMode(FN, fillMode);
  let zoom: [number, number];
  const z = o.zoomRange ?? 0;
  if (typeof z === 'number' && Number.isFinite(z)) zoom = [1 - z, 1 + z];
  else if (Array.isArray(z) && z.length === 2 && z.every((e) => typeof e === 'number' && Number.isFinite(e))) zoom = [z[0], z[1]];
  else throw new DltsError('DLTS_VALUE', `${FN}: zoomRange should be a number or an array of two numbers. Received: zoomRange=${received(z)}`);
  const brightness = o.brightnessRange ?? null;
  if (brightness !== null) {
    check(
      Array.isArray(brightness) && brightness.length === 2 && brightness.every((e) => typeof e === 'number' && Number.isFinite(e)),
      FN,
      'brightnessRange should be an array of two numbers',
      'brightnessRange',
      brightness,
    );
  }
  const validationSplit = o.validationSplit ?? 0;
  check(validationSplit === 0 || (validationSplit > 0 && validationSplit < 1), FN, 'validationSplit must be strictly between 0 and 1', 'validationSplit', validationSplit);
  const order = o.interpolationOrder ?? 1;
  if (order !== 0 && order !== 1) {
    throw new DltsError(
      'DLTS_UNSUPPORTED',
      `${FN}: interpolationOrder must be 0 or 1 (higher spline orders are not implemented). Received: interpolationOrder=${received(order)}`,
    );
  }
  if (o.dtype !== undefined && o.dtype !== 'float32') {
    throw new DltsError('DLTS_UNSUPPORTED', `${FN}: only dtype "float32" is supported. Received: dtype=${received(o.dtype)}`);
  }
  const rescale = o.rescale ?? null;
  if (rescale !== null) finite('rescale', rescale);
  if (o.preprocessingFunction != null) check(typeof o.preprocessingFunction === 'function', FN, 'preprocessingFunction must be a function', 'preprocessingFunction', o.preprocessingFunction);

  const resolved: ResolvedOptions = {
    featurewiseCenter: Boolean(o.featurewiseCenter),
    samplewiseCenter: Boolean(o.samplewiseCenter),
    featurewiseStdNormalization: Boolean(o.featurewiseStdNormalization),
    samplewiseStdNormalization: Boolean(o.samplewiseStdNormalization),
    zcaWhitening: Boolean(o.zcaWhitening),
    zcaEpsilon: finite('zcaEpsilon', o.zcaEpsilon ?? 1e-6),
    rotationRange: finite('rotationRange', o.rotationRange ?? 0),
    widthShiftRange: shiftRange('widthShiftRange', o.widthShiftRange ?? 0),
    heightShiftRange: shiftRange('heightShiftRange', o.heightShiftRange ?? 0),
    brightnessRange: brightness ? [brightness[0], brightness[1]] : null,
    shearRange: finite('shearRange', o.shearRange ?? 0),
    zoomRange: zoom,
    channelShiftRange: finite('channelShiftRange', o.channelShiftRange ?? 0),
    fillMode,
    cval: finite('cval', o.cval ?? 0),
    horizontalFlip: Boolean(o.horizontalFlip),
    verticalFlip: Boolean(o.verticalFlip),
    rescale,
    preprocessingFunction: o.preprocessingFunction ?? null,
    validationSplit,
    interpolationOrder: order,
  };
  // Keras's interactions between the normalisation flags, with its warnings.
  if (resolved.zcaWhitening) {
    if (!resolved.featurewiseCenter) {
      resolved.featurewiseCenter = true;
      console.warn('imageDataGenerator: this ImageDataGenerator specifies zcaWhitening, which overrides setting of featurewiseCenter.');
    }
    if (resolved.featurewiseStdNormalization) {
      resolved.featurewiseStdNormalization = false;
      console.warn('imageDataGenerator: this ImageDataGenerator specifies zcaWhitening, which overrides setting of featurewiseStdNormalization.');
    }
  }
  if (resolved.featurewiseStdNormalization && !resolved.featurewiseCenter) {
    resolved.featurewiseCenter = true;
    console.warn('imageDataGenerator: this ImageDataGenerator specifies featurewiseStdNormalization, which overrides setting of featurewiseCenter.');
  }
  if (resolved.samplewiseStdNormalization && !resolved.samplewiseCenter) {
    resolved.samplewiseCenter = true;
    console.warn('imageDataGenerator: this ImageDataGenerator specifies samplewiseStdNormalization, which overrides setting of samplewiseCenter.');
  }
  return resolved;
}
