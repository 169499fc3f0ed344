import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { checkDataFormat } from './image_affine';
import { BaseRandomLayer, imageDims, type RandomLayerArgs } from './base_random_layer';

/** Which flips {@link randomFlip} makes. */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** Arguments of {@link randomFlip}. */
export interface RandomFlipArgs extends RandomLayerArgs {
  /** `'horizontal'` (left-right), `'vertical'` (top-bottom) or `'horizontal_and_vertical'` (default). */
  mode?: FlipMode;
}

/**
 * Randomly flips each image during training (Keras 3's `RandomFlip`). Each image draws one coin
 * (`u <= 0.5`); in `'horizontal_and_vertical'` mode that single coin decides both flips, as in
 * Keras 3, so an image is either unchanged or turned by 180 degrees.
 *
 * @example
 * ```ts
 * import { RandomFlip, randomFlip } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const flip = randomFlip({ mode: 'horizontal', seed: 42 });
 * flip instanceof RandomFlip; // true
 * const images = tf.randomUniform([8, 180, 180, 3], 0, 255);
 * const augmented = flip.apply(images, { training: true }); // about half the images mirrored left-right
 * const same = flip.apply(images); // at inference the images pass through unchanged
 * ```
 */
export class RandomFlip extends BaseRandomLayer {
  static override className = 'RandomFlip';

  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args, 'randomFlip');
    const mode = args.mode ?? 'horizontal_and_vertical';
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(mode)) {
      throw new DltsError('DLTS_VALUE', `randomFlip: mode must be "horizontal", "vertical" or "horizontal_and_vertical". Received: mode=${received(mode)}`);
    }
    checkDataFormat('randomFlip', args.dataFormat);
    this.mode = mode;
  }

  protected override transform(images: tf.Tensor): tf.Tensor {
    const unbatched = images.rank === 3;
    const x = unbatched ? tf.expandDims(images, 0) : images;
    const { batch } = imageDims(images);
    const flips = Float32Array.from({ length: batch }, () => (this.uniform(0, 1) <= 0.5 ? 1 : 0));
    const mask = tf.cast(tf.reshape(tf.tensor1d(flips), [batch, 1, 1, 1]), 'bool');
    let out = x;
    if (this.mode !== 'vertical') out = tf.where(tf.broadcastTo(mask, out.shape), tf.reverse(out, 2), out);
    if (this.mode !== 'horizontal') out = tf.where(tf.broadcastTo(mask, out.shape), tf.reverse(out, 1), out);
    return unbatched ? tf.squeeze(out, [0]) : out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }
}

/**
 * Creates a {@link RandomFlip} layer.
 *
 * @param args - `mode` ('horizontal_and_vertical'), `seed`, and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` for an unknown mode or a non-integer seed.
 * @example
 * ```ts
 * const augmentation = sequential([randomFlip({ mode: 'horizontal' }), randomRotation({ factor: 0.1 })]);
 * ```
 */
export function randomFlip(args: RandomFlipArgs = {}): RandomFlip {
  return new RandomFlip(args);
}
