import * as tf from '@tensorflow/tfjs-core';
import { squeezeOrExpandToSameRank } from '../losses/index';
import { checkKnownOptions, checkString } from '../losses/validate';
import type { Metric, MetricNameOption } from './metric';
import { MeanState } from './mean_state';

/**
 * Keras's `RootMeanSquaredError`: `sqrt` of the weighted mean of the squared errors over the
 * epoch (the mean is over all elements, per sample, then over samples; the root is taken last).
 *
 * @example
 * ```ts
 * const m = new RootMeanSquaredError();
 * tf.tidy(() => m.update(tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [1]])));
 * m.result().print(); // sqrt(0.5)
 * ```
 */
export class RootMeanSquaredError implements Metric {
  /** The log name (default `'root_mean_squared_error'`). */
  readonly name: string;
  /** `'RootMeanSquaredError'`. */
  readonly className: string = 'RootMeanSquaredError';
  private readonly state = new MeanState();

  /** @param name - the log name (default `'root_mean_squared_error'`). */
  constructor(name = 'root_mean_squared_error') {
    this.name = checkString('RootMeanSquaredError', 'name', 'name', name);
  }

  /** Adds the squared errors of one batch. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(tf.cast(yTrue, 'float32'), tf.cast(yPred, 'float32'));
      this.state.add(tf.squaredDifference(p, t), sampleWeight);
    });
  }

  /** `sqrt(weighted mean of squared errors)`: a new scalar the caller disposes. */
  result(): tf.Scalar {
    return tf.tidy(() => tf.sqrt(this.state.result()));
  }

  /** Clears the state. */
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

/**
 * Root mean squared error over the epoch (Keras `RootMeanSquaredError`, `'rmse'`).
 * @param options - `name` (default `'root_mean_squared_error'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = rootMeanSquaredError({ name: 'rmse' });
 * ```
 */
export function rootMeanSquaredError(options: MetricNameOption = {}): Metric {
  checkKnownOptions('rootMeanSquaredError', options, ['name']);
  return new RootMeanSquaredError(
    options.name === undefined ? undefined : checkString('rootMeanSquaredError', 'name', 'name', options.name),
  );
}
