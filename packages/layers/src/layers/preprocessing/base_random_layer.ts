import * as tf from '@tensorflow/tfjs-core';
import { createRandom, DltsError, random, received, type RandomSource } from '@dlts/tensors';
import { Layer, type CallOptions, type LayerArgs, type Tensors } from '../../engine/layer';
import type { Shape } from '../../engine/shape';

/** Arguments every random image layer takes. */
export interface RandomLayerArgs extends LayerArgs {
  /**
   * Seed of the layer's own random stream (Keras 3's `SeedGenerator`): each call draws new
   * values from it and two layers with the same seed draw the same sequence. Default: draws come
   * from the dlts stream (`setSeed`).
   */
  seed?: number;
  /** Only `'channels_last'`. */
  dataFormat?: 'channels_last';
}

/**
 * Base of Keras 3's random image preprocessing layers: they transform images only in training
 * (`fit`, or `apply(x, {training: true})`) and pass them through, as float32, at inference.
 */
export abstract class BaseRandomLayer extends Layer {
  readonly seed?: number;
  private generator?: RandomSource;

  constructor(args: RandomLayerArgs, fn: string) {
    super(args);
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw new DltsError('DLTS_VALUE', `${fn}: seed must be an integer. Received: seed=${received(args.seed)}`);
    }
    this.seed = args.seed ?? undefined;
  }

  /** A uniform draw in [low, high) from the layer's stream (or the dlts stream). */
  protected uniform(low: number, high: number): number {
    if (this.seed !== undefined) this.generator ??= createRandom(this.seed);
    const u = this.generator ? this.generator.random() : random();
    return low + (high - low) * u;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override checkInput(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    if (shape.length !== 3 && shape.length !== 4) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: expected an image [height, width, channels] or a batch [batch, height, width, channels]. Received: shape=${received(shape)}`,
      );
    }
  }

  override call(inputs: Tensors, options: CallOptions): tf.Tensor {
    const x = inputs as tf.Tensor;
    const images = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    if (!options.training) return images;
    return this.transform(images);
  }

  /** The random transformation (training only), on float32 images of rank 3 or 4. */
  protected abstract transform(images: tf.Tensor): tf.Tensor;

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed ?? null, data_format: 'channels_last' };
  }
}

/** Height, width and batch size of a rank-3 or rank-4 channels-last input. */
export function imageDims(x: tf.Tensor): { batch: number; height: number; width: number } {
  return x.rank === 4 ? { batch: x.shape[0], height: x.shape[1]!, width: x.shape[2]! } : { batch: 1, height: x.shape[0], width: x.shape[1]! };
}

/**
 * Keras 3's `_set_factor` of `BaseImagePreprocessingLayer`: a number `f` gives
 * `[max(-|f|, lowBound), |f|]`, a pair is sorted; values outside the bounds are refused.
 */
export function baseFactor(fn: string, factor: unknown, bounds: [number, number], name = 'factor'): [number, number] {
  const fail = () =>
    new DltsError('DLTS_VALUE', `${fn}: the ${name} argument should be a number (or a list of two numbers) in the range [${bounds[0]}, ${bounds[1]}]. Received: ${name}=${received(factor)}`);
  if (Array.isArray(factor)) {
    if (factor.length !== 2 || !factor.every((v) => typeof v === 'number' && Number.isFinite(v))) throw fail();
    if (factor[0] > bounds[1] || factor[1] < bounds[0]) throw fail();
    const [lower, upper] = [...factor].sort((a, b) => a - b);
    return [lower, upper];
  }
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < bounds[0] || factor > bounds[1]) throw fail();
  const f = Math.abs(factor);
  return [Math.max(-f, bounds[0]), f];
}

/**
 * The `_set_factor` of RandomZoom and RandomTranslation: each value must lie in (-1, 1]; a
 * number `f` gives `[-|f|, |f|]`, a pair is sorted.
 */
export function symmetricFactor(fn: string, factor: unknown, name: string): [number, number] {
  const fail = (v: unknown) =>
    new DltsError('DLTS_VALUE', `${fn}: the height_factor and width_factor arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. Received: ${name}=${received(v)}`);
  const check = (v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v > 1 || v <= -1) throw fail(factor);
  };
  if (Array.isArray(factor)) {
    if (factor.length !== 2) throw fail(factor);
    factor.forEach(check);
    const [lower, upper] = [...(factor as number[])].sort((a, b) => a - b);
    return [lower, upper];
  }
  check(factor);
  const f = Math.abs(factor as number);
  return [-f, f];
}
