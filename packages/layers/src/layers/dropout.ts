import * as tf from '@tensorflow/tfjs-core';
import { createRandom, DltsError, nextSeed, received, type RandomSource } from '@dlts/tensors';
import { Layer, type CallOptions, type LayerArgs, type Tensors } from '../engine/layer';
import { formatShape } from '../engine/shape';

/** Arguments of {@link dropout}. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /** Shape of the mask, broadcast to the input (`null` entries take the input's size). */
  noiseShape?: (number | null)[];
  /**
   * Seed of the layer's own random stream: every call draws a new mask from it, and two layers
   * with the same seed draw the same sequence (Keras 3's `SeedGenerator`). Default: masks drawn
   * from the dlts stream (see `setSeed`).
   */
  seed?: number;
}

/**
 * Randomly sets a fraction `rate` of the inputs to 0 during training and scales the rest by
 * `1 / (1 - rate)`; does nothing at inference (R: `layer_dropout(rate = 0.5)`).
 *
 * @example
 * ```ts
 * import { Dropout, dropout } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const drop = dropout({ rate: 0.5 });
 * drop instanceof Dropout; // true
 * drop.apply(tf.ones([2, 4]), { training: true }).print(); // about half 0, the rest 2
 * drop.apply(tf.ones([2, 4])).print(); // all 1: inactive outside training
 * ```
 */
export class Dropout extends Layer {
  static override className = 'Dropout';

  readonly rate: number;
  readonly noiseShape?: (number | null)[];
  readonly seed?: number;
  private generator?: RandomSource;

  constructor(args: DropoutArgs) {
    super(args);
    if (!(typeof args?.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
      throw new DltsError('DLTS_VALUE', `dropout: rate must be a number in [0, 1). Received: rate=${received(args?.rate)}`);
    }
    const noise = args.noiseShape;
    if (noise !== undefined && noise !== null && !(Array.isArray(noise) && noise.every((d) => d === null || (Number.isInteger(d) && d > 0)))) {
      throw new DltsError('DLTS_VALUE', `dropout: noiseShape must be positive integers or null. Received: noiseShape=${received(noise)}`);
    }
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw new DltsError('DLTS_VALUE', `dropout: seed must be an integer. Received: seed=${received(args.seed)}`);
    }
    this.rate = args.rate;
    this.noiseShape = noise ?? undefined;
    this.seed = args.seed ?? undefined;
  }

  override call(inputs: Tensors, options: CallOptions): tf.Tensor {
    const x = inputs as tf.Tensor;
    if (!options.training || this.rate === 0) return x;
    return tf.tidy(() => {
      const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]) : x.shape;
      if (shape.length !== x.rank || shape.some((d, i) => d !== 1 && d !== x.shape[i])) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${this.name}: noiseShape must broadcast to the input shape ${formatShape(x.shape)} (each entry 1, null or the input's size). Received: noiseShape=${received(this.noiseShape)}`,
        );
      }
      // With a seed, a new mask per call from the layer's own stream (not the same mask every
      // step, which would drop the same units throughout training).
      if (this.seed !== undefined) this.generator ??= createRandom(this.seed);
      const seed = this.generator ? this.generator.nextSeed() : nextSeed();
      const keep = tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), this.rate);
      return tf.mul(x, tf.mul(tf.cast(keep, x.dtype), 1 / (1 - this.rate)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShape ?? null, seed: this.seed ?? null };
  }
}

/**
 * Creates a {@link Dropout} layer.
 * @example
 * ```ts
 * dropout({ rate: 0.5 });
 * ```
 */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}
