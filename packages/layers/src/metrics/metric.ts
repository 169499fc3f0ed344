import type * as tf from '@tensorflow/tfjs-core';
import type { Loss } from '../losses/index';

/**
 * A stateful metric, as Keras's: it accumulates over an epoch in device-side state (tf.Variables),
 * so `update` never reads data back to JavaScript.
 *
 * Life cycle: `update` once per batch (the engine calls it inside `tf.tidy`), `result()` when a
 * value is needed (a new scalar the caller disposes), `reset()` at the start of each epoch,
 * `dispose()` when the model is done with it.
 *
 * @example
 * ```ts
 * const m = getMetric('accuracy', { loss: getLoss('categorical_crossentropy') });
 * tf.tidy(() => m.update(yTrue, yPred));
 * const value = m.result(); // tf.Scalar
 * console.log(m.name, (await value.data())[0]);
 * value.dispose();
 * ```
 */
export interface Metric {
  /** The name shown in logs and history: `'accuracy'`, `'acc'`, `'mae'`, `'auc'`, ... */
  readonly name: string;
  /** The Keras class: `'CategoricalAccuracy'`, `'MeanAbsoluteError'`, `'AUC'`, ... */
  readonly className: string;
  /**
   * Accumulates one batch. `sampleWeight` (shape `[batch]`, or broadcastable to the per-sample
   * values) weights the samples as Keras does.
   */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void;
  /** The current value: a new scalar the caller disposes. */
  result(): tf.Scalar;
  /** Clears the accumulated state (start of an epoch). */
  reset(): void;
  /** Frees the state variables. */
  dispose(): void;
  /** The Keras config (`name`, `dtype` and the class's own keys). */
  getConfig(): Record<string, unknown>;
}

/**
 * What the engine knows when it resolves a metric: the loss of the output and, where known, the
 * shapes of targets and predictions (`null` for unknown dimensions, such as the batch).
 * `'accuracy'` uses them to pick binary, categorical or sparse categorical accuracy.
 */
export interface MetricContext {
  /** The loss compiled for this output. */
  loss?: Loss;
  /** Shape of the targets, if known. */
  yTrueShape?: (number | null)[];
  /** Shape of the predictions (the model output), if known. */
  yPredShape?: (number | null)[];
}

/** A stateless metric function: returns per-sample (or per-element) values. */
export type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** The `name` option every metric factory accepts. */
export interface MetricNameOption {
  /** The log/history name. Default: the Keras default name of the metric. */
  name?: string;
}
