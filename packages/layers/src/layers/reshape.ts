import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { featureSize, formatShape, type Shape } from '../engine/shape';

/** Arguments of {@link reshape}. */
export interface ReshapeArgs extends LayerArgs {
  /** Shape of one sample after reshaping (no batch axis); one entry may be -1. */
  targetShape: number[];
}

/**
 * Reshapes each sample, row-major as `array_reshape` (R: `layer_reshape(target_shape = c(28, 28, 1))`).
 *
 * @example
 * ```ts
 * import { Reshape, input, reshape } from '@dlts/layers';
 * const layer = reshape({ targetShape: [28, 28, 1] });
 * layer instanceof Reshape; // true
 * layer.apply(input({ shape: [784] })).shape; // [null, 28, 28, 1]
 * ```
 */
export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args?.targetShape;
    if (!Array.isArray(t) || !t.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) || t.filter((d) => d === -1).length > 1) {
      throw new DltsError('DLTS_VALUE', `reshape: targetShape must be positive integers with at most one -1. Received: targetShape=${received(t)}`);
    }
    this.targetShape = t.slice();
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const size = featureSize(inputShape);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const hasUnknown = this.targetShape.includes(-1);
    if (size !== null && (hasUnknown ? size % known !== 0 : size !== known)) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: total size of the new array must be unchanged: input ${formatShape(inputShape)} cannot become ${formatShape([null, ...this.targetShape])}. Received: targetShape=${received(this.targetShape)}`,
      );
    }
    return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? (size === null ? null : size / known) : d))];
  }

  override call(inputs: Tensors): tf.Tensor {
    const x = inputs as tf.Tensor;
    return tf.reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: this.targetShape.slice() };
  }
}

/**
 * Creates a {@link Reshape} layer.
 * @example
 * ```ts
 * reshape({ targetShape: [28, 28, 1], inputShape: [784] });
 * ```
 */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
