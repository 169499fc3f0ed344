import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { checkDataFormat } from './image_affine';
import { BaseRandomLayer, baseFactor, imageDims, type RandomLayerArgs } from './base_random_layer';

/** Arguments of {@link randomContrast}. */
export interface RandomContrastArgs extends RandomLayerArgs {
  /**
   * Contrast range: `[lower, upper]` draws the factor from `[1 - lower, 1 + upper]`. A single
   * number `f` gives Keras 3's `[max(-f, 0), f]`, i.e. factors in `[1, 1 + f]` (contrast only
   * increases); pass `[f, f]` for `[1 - f, 1 + f]`.
   */
  factor: number | [number, number];
  /** The range the images' values lie in; outputs are clipped to it. Default `[0, 255]`. */
  valueRange?: [number, number];
}

/**
 * Randomly adjusts the contrast of each image during training (Keras 3's `RandomContrast`):
 * `(x - mean) * factor + mean` with the mean of each channel over the image, clipped to
 * `valueRange`.
 *
 * @example
 * ```ts
 * import { RandomContrast, randomContrast } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const contrast = randomContrast({ factor: [0.2, 0.2], valueRange: [0, 1] }); // factors in [0.8, 1.2]
 * contrast instanceof RandomContrast; // true
 * const augmented = contrast.apply(tf.randomUniform([8, 64, 64, 3]), { training: true }); // clipped to [0, 1]
 * ```
 */
export class RandomContrast extends BaseRandomLayer {
  static override className = 'RandomContrast';

  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomContrastArgs) {
    super(args, 'randomContrast');
    this.factor = baseFactor('randomContrast', args?.factor, [0, 1]);
    const range = args.valueRange ?? [0, 255];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || range[0] >= range[1]) {
      throw new DltsError('DLTS_VALUE', `randomContrast: valueRange must be [low, high] with low < high. Received: valueRange=${received(range)}`);
    }
    checkDataFormat('randomContrast', args.dataFormat);
    this.valueRange = [range[0], range[1]];
  }

  protected override transform(images: tf.Tensor): tf.Tensor {
    const { batch } = imageDims(images);
    const factors = Float32Array.from({ length: batch }, () => this.uniform(1 - this.factor[0], 1 + this.factor[1]));
    const hw = images.rank === 4 ? [1, 2] : [0, 1];
    const mean = tf.mean(images, hw, true);
    const f = tf.reshape(tf.tensor1d(factors), images.rank === 4 ? [batch, 1, 1, 1] : [1, 1, 1]);
    const out = tf.add(tf.mul(tf.sub(images, mean), f), mean);
    return tf.clipByValue(out, this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor.slice(), value_range: this.valueRange.slice() };
  }
}

/**
 * Creates a {@link RandomContrast} layer (R: `layer_random_contrast(factor = 0.2)`).
 *
 * @param args - `factor`, `valueRange` ([0, 255]), `seed`, and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` for a factor outside [0, 1] or a bad value range.
 * @example
 * ```ts
 * randomContrast({ factor: [0.2, 0.2], valueRange: [0, 1] });
 * ```
 */
export function randomContrast(args: RandomContrastArgs): RandomContrast {
  return new RandomContrast(args);
}
