import * as tf from '@tensorflow/tfjs-core';
import type { Metric, MetricFn } from './metric';
import { MeanState } from './mean_state';

/** How a `MeanMetricWrapper` presents itself. */
export interface MeanMetricWrapperOptions {
  /** The log name. Default: `'mean_metric_wrapper'`. */
  name?: string;
  /** The Keras class name. Default `'MeanMetricWrapper'`. */
  className?: string;
  /** Extra Keras config keys (snake_case), added to `name` and `dtype`. */
  config?: Record<string, unknown>;
}

/**
 * Keras's `MeanMetricWrapper`: the weighted running mean, over all samples seen since the last
 * `reset`, of a stateless function's per-sample values. Every accuracy, regression and
 * loss-based metric is one.
 *
 * @example
 * ```ts
 * const m = new MeanMetricWrapper((t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1), { name: 'mae' });
 * tf.tidy(() => m.update(yTrue, yPred));
 * m.result().print();
 * ```
 */
export class MeanMetricWrapper implements Metric {
  /** The log name. */
  readonly name: string;
  /** The Keras class name. */
  readonly className: string;
  private readonly state = new MeanState();
  private readonly extraConfig: Record<string, unknown>;

  /**
   * @param fn - per-sample metric function `(yTrue, yPred) => values`.
   * @param options - `name`, `className`, `config`.
   */
  constructor(
    private readonly fn: MetricFn,
    options: MeanMetricWrapperOptions = {},
  ) {
    this.name = options.name ?? 'mean_metric_wrapper';
    this.className = options.className ?? 'MeanMetricWrapper';
    this.extraConfig = options.config ?? {};
  }

  /** Adds one batch: `fn(yTrue, yPred)` weighted by `sampleWeight`. No read-back. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    tf.tidy(() => this.state.add(this.fn(yTrue, yPred), sampleWeight));
  }

  /** The weighted mean so far: a new scalar the caller disposes. */
  result(): tf.Scalar {
    return this.state.result();
  }

  /** Clears the state. */
  reset(): void {
    this.state.reset();
  }

  /** Frees the state variables. */
  dispose(): void {
    this.state.dispose();
  }

  /** `{name, dtype: 'float32', ...own keys}`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: 'float32', ...this.extraConfig };
  }
}
