import type * as tf from '@tensorflow/tfjs-core';
import { affineMatrix, affineTransform, checkGeometry, type FillMode, type Interpolation } from './image_affine';
import { BaseRandomLayer, baseFactor, imageDims, type RandomLayerArgs } from './base_random_layer';

/** Arguments of {@link randomRotation}. */
export interface RandomRotationArgs extends RandomLayerArgs {
  /**
   * Rotation as a fraction of a full turn: a number `f` rotates by a random angle in
   * `[-f * 360, f * 360]` degrees, `[low, high]` by one in `[low * 360, high * 360]`; positive is
   * counter-clockwise.
   */
  factor: number | [number, number];
  /** `'reflect'` (default), `'wrap'`, `'constant'` or `'nearest'`. */
  fillMode?: FillMode;
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** The value for `fillMode: 'constant'`. Default 0. */
  fillValue?: number;
}

/**
 * Randomly rotates each image about its centre during training (Keras 3's `RandomRotation`).
 *
 * @example
 * ```ts
 * import { RandomRotation, randomRotation } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const rotate = randomRotation({ factor: 0.1, fillMode: 'constant' });
 * rotate instanceof RandomRotation; // true
 * rotate.factor; // [-0.1, 0.1]: angles up to 36 degrees either way
 * const augmented = rotate.apply(tf.randomUniform([8, 180, 180, 3], 0, 255), { training: true });
 * ```
 */
export class RandomRotation extends BaseRandomLayer {
  static override className = 'RandomRotation';

  readonly factor: [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(args: RandomRotationArgs) {
    super(args, 'randomRotation');
    this.factor = baseFactor('randomRotation', args?.factor, [-1, 1]);
    this.fillMode = args.fillMode ?? 'reflect';
    this.interpolation = args.interpolation ?? 'bilinear';
    this.fillValue = args.fillValue ?? 0;
    checkGeometry('randomRotation', this.fillMode, this.interpolation, args.dataFormat);
  }

  protected override transform(images: tf.Tensor): tf.Tensor {
    const { batch, height, width } = imageDims(images);
    const [lower, upper] = [this.factor[0] * 360, this.factor[1] * 360];
    const transforms = Array.from({ length: batch }, () => affineMatrix({ angle: this.uniform(lower, upper), height, width }));
    return affineTransform(images, transforms, this.interpolation, this.fillMode, this.fillValue);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: this.factor.slice(),
      fill_mode: this.fillMode,
      fill_value: this.fillValue,
      interpolation: this.interpolation,
    };
  }
}

/**
 * Creates a {@link RandomRotation} layer (R: `layer_random_rotation(factor = 0.1)`).
 *
 * @param args - `factor` (a fraction of 2 pi), `fillMode` ('reflect'), `interpolation`
 *   ('bilinear'), `fillValue` (0), `seed`, and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` for a factor outside [-1, 1] or an unknown mode.
 * @example
 * ```ts
 * randomRotation({ factor: 0.1 }); // up to +-36 degrees
 * ```
 */
export function randomRotation(args: RandomRotationArgs): RandomRotation {
  return new RandomRotation(args);
}
