import type * as tf from '@tensorflow/tfjs-core';
import { affineTransform, checkGeometry, type FillMode, type Interpolation, type Transform } from './image_affine';
import { BaseRandomLayer, imageDims, symmetricFactor, type RandomLayerArgs } from './base_random_layer';

/** Arguments of {@link randomTranslation}. */
export interface RandomTranslationArgs extends RandomLayerArgs {
  /** Vertical shift as a fraction of the height: `f` draws from `[-f, f]`, `[low, high]` from that range; positive moves down. */
  heightFactor: number | [number, number];
  /** Horizontal shift as a fraction of the width; positive moves right. */
  widthFactor: number | [number, number];
  /** `'reflect'` (default), `'wrap'`, `'constant'` or `'nearest'`. */
  fillMode?: FillMode;
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** The value for `fillMode: 'constant'`. Default 0. */
  fillValue?: number;
}

/**
 * Randomly shifts each image during training (Keras 3's `RandomTranslation`).
 *
 * @example
 * ```ts
 * import { RandomTranslation, randomTranslation } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const shift = randomTranslation({ heightFactor: 0.2, widthFactor: 0.2, fillMode: 'nearest' });
 * shift instanceof RandomTranslation; // true
 * const augmented = shift.apply(tf.randomUniform([8, 180, 180, 3], 0, 255), { training: true });
 * ```
 */
export class RandomTranslation extends BaseRandomLayer {
  static override className = 'RandomTranslation';

  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly height: [number, number];
  private readonly width: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args, 'randomTranslation');
    this.height = symmetricFactor('randomTranslation', args?.heightFactor, 'height_factor');
    this.width = symmetricFactor('randomTranslation', args.widthFactor, 'width_factor');
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.fillMode = args.fillMode ?? 'reflect';
    this.interpolation = args.interpolation ?? 'bilinear';
    this.fillValue = args.fillValue ?? 0;
    checkGeometry('randomTranslation', this.fillMode, this.interpolation, args.dataFormat);
  }

  protected override transform(images: tf.Tensor): tf.Tensor {
    const { batch, height, width } = imageDims(images);
    const dy = Array.from({ length: batch }, () => this.uniform(this.height[0], this.height[1]) * height);
    const dx = Array.from({ length: batch }, () => this.uniform(this.width[0], this.width[1]) * width);
    const transforms = dy.map((y, i): Transform => [1, 0, -dx[i], 0, 1, -y]);
    return affineTransform(images, transforms, this.interpolation, this.fillMode, this.fillValue);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height_factor: this.heightFactor,
      width_factor: this.widthFactor,
      fill_mode: this.fillMode,
      interpolation: this.interpolation,
      fill_value: this.fillValue,
    };
  }
}

/**
 * Creates a {@link RandomTranslation} layer (R: `layer_random_translation(0.1, 0.1)`).
 *
 * @param args - `heightFactor`, `widthFactor`, `fillMode` ('reflect'), `interpolation`
 *   ('bilinear'), `fillValue` (0), `seed`, and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` for a factor outside (-1, 1] or an unknown mode.
 * @example
 * ```ts
 * randomTranslation({ heightFactor: 0.1, widthFactor: 0.1 });
 * ```
 */
export function randomTranslation(args: RandomTranslationArgs): RandomTranslation {
  return new RandomTranslation(args);
}
