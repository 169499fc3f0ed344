import * as tf from '@tensorflow/tfjs-core';
import { getActivation, type ActivationFn } from '../activations';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';

/** Arguments of {@link activation}. */
export interface ActivationArgs extends LayerArgs {
  /** The activation: `'relu'`, `'softmax'`, ... or a function. */
  activation: string | ActivationFn;
}

/**
 * Applies an activation function (R: `layer_activation("relu")`).
 *
 * @example
 * ```ts
 * import { Activation, activation } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const relu = activation({ activation: 'relu' });
 * relu instanceof Activation; // true
 * relu.apply(tf.tensor1d([-1, 0, 2])).print(); // [0, 0, 2]
 * ```
 */
export class Activation extends Layer {
  static override className = 'Activation';
  readonly activation: { name: string; fn: ActivationFn };

  constructor(args: ActivationArgs) {
    super(args);
    this.activation = getActivation(args?.activation);
  }

  override call(inputs: Tensors): tf.Tensor {
    // Tidied: multi-op activations (gelu, swish, hard_sigmoid) leave only their output behind.
    return tf.tidy(() => this.activation.fn(inputs as tf.Tensor));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}

/**
 * Creates an {@link Activation} layer.
 * @example
 * ```ts
 * activation({ activation: 'relu' });
 * ```
 */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
