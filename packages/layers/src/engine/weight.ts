import * as tf from '@tensorflow/tfjs-core';
import type { Regularizer } from '../regularizers';

let nextVariableId = 0;

/**
 * One weight of a layer (Keras's `Variable`): a `tf.Variable` plus the Keras name
 * (`dense/kernel`), whether the layer trains it, and its regularizer.
 *
 * @example
 * ```ts
 * import { dense, input, type LayerWeight } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const layer = dense({ units: 10 });
 * layer.apply(input({ shape: [784] })); // builds the kernel and the bias
 * const [kernel, bias]: LayerWeight[] = layer.weights;
 * kernel.shortName; // 'kernel' (kernel.name is 'dense/kernel' for the session's first dense layer)
 * kernel.shape; // [784, 10]
 * bias.assign(tf.fill([10], 0.1));
 * ```
 */
export class LayerWeight {
  /** The tfjs variable holding the values. */
  readonly variable: tf.Variable;

  constructor(
    /** Keras path `layer_name/weight_name`, e.g. `dense/kernel`. */
    readonly name: string,
    initialValue: tf.Tensor,
    /** False for weights no optimizer ever updates (BatchNormalization's moving statistics). */
    readonly trainable: boolean,
    /** Penalty added to the training loss, if any. */
    readonly regularizer?: Regularizer,
  ) {
    // tfjs needs globally unique variable names; ours stays in `name`.
    this.variable = tf.variable(initialValue, trainable, `dlts_${nextVariableId++}_${name}`);
  }

  /** Shape of the weight. */
  get shape(): number[] {
    return this.variable.shape;
  }

  /** The short name inside the layer (`kernel`, `bias`, `moving_mean`). */
  get shortName(): string {
    const slash = this.name.lastIndexOf('/');
    return slash < 0 ? this.name : this.name.slice(slash + 1);
  }

  /** Number of values. */
  get size(): number {
    return this.variable.size;
  }

  /** Replaces the values (shape must match). */
  assign(value: tf.Tensor): void {
    this.variable.assign(value);
  }

  /** Frees the variable. */
  dispose(): void {
    this.variable.dispose();
  }
}
