import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { Layer, type LayerArgs, type Tensors } from '../../engine/layer';
import type { Shape } from '../../engine/shape';

/** Arguments of {@link rescaling}. */
export interface RescalingArgs extends LayerArgs {
  /** Multiplier of every value, e.g. `1 / 255`. */
  scale: number;
  /** Added after scaling. Default 0. */
  offset?: number;
}

/**
 * Multiplies every value by `scale` and adds `offset`, in training and at inference (Keras 3's
 * `Rescaling`, R: `layer_rescaling(scale = 1/255)`). Integer inputs become float32.
 *
 * @example
 * ```ts
 * import { Rescaling, rescaling } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const layer = rescaling({ scale: 1 / 255 });
 * layer instanceof Rescaling; // true
 * layer.apply(tf.tensor1d([0, 51, 255], 'int32')).print(); // [0, 0.2, 1] as float32
 * ```
 */
export class Rescaling extends Layer {
  static override className = 'Rescaling';

  readonly scale: number;
  readonly offset: number;

  constructor(args: RescalingArgs) {
    super(args);
    if (typeof args?.scale !== 'number' || !Number.isFinite(args.scale)) {
      throw new DltsError('DLTS_VALUE', `rescaling: scale must be a finite number. Received: scale=${received(args?.scale)}`);
    }
    const offset = args.offset ?? 0;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) {
      throw new DltsError('DLTS_VALUE', `rescaling: offset must be a finite number. Received: offset=${received(args.offset)}`);
    }
    this.scale = args.scale;
    this.offset = offset;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override call(inputs: Tensors): tf.Tensor {
    const x = tf.cast(inputs as tf.Tensor, 'float32');
    const scaled = tf.mul(x, this.scale);
    return this.offset === 0 ? scaled : tf.add(scaled, this.offset);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

/**
 * Creates a {@link Rescaling} layer.
 *
 * @param args - `scale` (required), `offset` (0), and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` when `scale` or `offset` is not a finite number.
 * @example
 * ```ts
 * const model = sequential([input({ shape: [180, 180, 3] }), rescaling({ scale: 1 / 255 }), ...]);
 * ```
 */
export function rescaling(args: RescalingArgs): Rescaling {
  return new Rescaling(args);
}
