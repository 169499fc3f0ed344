import type * as tf from '@tensorflow/tfjs-core';

/**
 * A per-sample loss function: it reduces only the last axis of `yPred`, so its result has the
 * shape of `yPred` without its last axis (one value per sample for `[batch, features]`).
 * The engine applies the batch reduction (Keras's `"sum_over_batch_size"`: the mean of the
 * per-sample losses times the sample weights).
 *
 * @example
 * ```ts
 * const myLoss: LossFn = (yTrue, yPred) => tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1);
 * ```
 */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * A loss as the engine uses it: a per-sample function plus the Keras names and config.
 *
 * @example
 * ```ts
 * const loss = getLoss('categorical_crossentropy');
 * loss.name;        // 'categorical_crossentropy'
 * loss.className;   // 'CategoricalCrossentropy'
 * const perSample = loss.call(yTrue, yPred); // shape [batch]
 * ```
 */
export interface Loss {
  /** The Keras function name, snake_case: `'categorical_crossentropy'`. */
  readonly name: string;
  /** The Keras class name: `'CategoricalCrossentropy'`. */
  readonly className: string;
  /** The per-sample loss (reduces only the last axis). */
  readonly call: LossFn;
  /** The Keras config: `name`, `reduction` and the class's own keys (`from_logits`, ...). */
  getConfig(): Record<string, unknown>;
}

/**
 * The one concrete `Loss`: a named per-sample function with a Keras config. Every built-in
 * factory returns one; `getLoss` wraps user functions in one (`className` `'LossFunctionWrapper'`).
 *
 * @example
 * ```ts
 * const loss = new LossFunctionWrapper('my_loss', 'LossFunctionWrapper',
 *   (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1));
 * ```
 */
export class LossFunctionWrapper implements Loss {
  /**
   * @param name - the Keras function name (snake_case).
   * @param className - the Keras class name.
   * @param call - the per-sample loss function.
   * @param config - the class's own Keras config keys (snake_case), added to `name` and `reduction`.
   */
  constructor(
    readonly name: string,
    readonly className: string,
    readonly call: LossFn,
    private readonly config: Record<string, unknown> = {},
  ) {}

  /** The Keras config: `{name, reduction: 'sum_over_batch_size', ...own keys}`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: 'sum_over_batch_size', ...this.config };
  }
}

/**
 * Keras's `backend.epsilon()`: the fuzz factor that keeps probabilities away from 0 and 1.
 * @internal
 */
export const EPSILON = 1e-7;
