import * as tf from '@tensorflow/tfjs-core';
import type { Metric } from './metric';
import { MeanState } from './mean_state';
import { checkString } from '../losses/validate';

/**
 * Keras's `Mean`: the weighted running mean of the values it is given. The engine uses it to
 * average the loss over an epoch (`new Mean('loss')`).
 *
 * Note that `update` takes `(values, sampleWeight?)`, as Keras's `Mean.update_state` does, not
 * `(yTrue, yPred)`: values of rank > 1 are first averaged to one value per sample; with weights,
 * the result is `sum(value_i * w_i) / sum(w_i)`, otherwise `sum(value_i) / count`.
 *
 * Keras's trainer weights each batch's (already averaged) loss by the batch size, so that the
 * epoch loss is the mean over samples even when the last batch is short:
 * `lossMean.update(batchLoss, tf.scalar(batchSize))`.
 *
 * @example
 * ```ts
 * const loss = new Mean('loss');
 * tf.tidy(() => loss.update(tf.scalar(0.5)));
 * tf.tidy(() => loss.update(tf.tensor1d([1, 2]), tf.tensor1d([1, 3])));
 * loss.result().print(); // (0.5 + 1 + 6) / (1 + 4) = 1.5
 * ```
 */
export class Mean implements Metric {
  /** The name shown in logs (default `'mean'`). */
  readonly name: string;
  /** `'Mean'`. */
  readonly className: string = 'Mean';
  private readonly state = new MeanState();

  /** @param name - the log name (default `'mean'`). */
  constructor(name = 'mean') {
    this.name = checkString('Mean', 'name', 'name', name);
  }

  /**
   * Adds a scalar or a tensor of values (one per sample, or more, averaged per sample).
   * @param values - the values to average.
   * @param sampleWeight - optional weights, shape `[batch]` (or broadcastable).
   */
  update(values: tf.Tensor, sampleWeight?: tf.Tensor): void {
    tf.tidy(() => this.state.add(values, sampleWeight));
  }

  /** The weighted mean so far (0 before any update): a new scalar the caller disposes. */
  result(): tf.Scalar {
    return this.state.result();
  }

  /** Clears total and count. */
  reset(): void {
    this.state.reset();
  }

  /** Frees the state variables. */
  dispose(): void {
    this.state.dispose();
  }

  /** `{name, dtype: 'float32'}`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: 'float32' };
  }
}
