import * as tf from '@tensorflow/tfjs-core';
import { squeezeOrExpandToSameRank } from '../losses/index';
import { checkInteger, checkKnownOptions, checkNumber, checkString } from '../losses/validate';
import { MeanMetricWrapper } from './mean_metric_wrapper';
import type { Metric, MetricNameOption } from './metric';

/** Options of `binaryAccuracy`. */
export interface BinaryAccuracyOptions extends MetricNameOption {
  /** A prediction above it counts as 1. Default `0.5`. */
  threshold?: number;
}

/** Options of `topKCategoricalAccuracy` and `sparseTopKCategoricalAccuracy`. */
export interface TopKOptions extends MetricNameOption {
  /** How many top predictions may contain the target. Default `5`. */
  k?: number;
}

function float(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

function nameOf(fn: string, options: MetricNameOption, fallback: string): string {
  return options.name === undefined ? fallback : checkString(fn, 'name', 'name', options.name);
}

/** Keras `binary_accuracy`: elementwise `yTrue == (yPred > threshold)`. @internal */
export function binaryAccuracyValues(threshold: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(float(yTrue), float(yPred));
      return tf.cast(tf.equal(t, tf.cast(tf.greater(p, threshold), 'float32')), 'float32');
    });
}

/** Keras `categorical_accuracy`: `argmax(yTrue) == argmax(yPred)` per sample. @internal */
export function categoricalAccuracyValues(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32'));
}

/** Keras `sparse_categorical_accuracy`: `yTrue == argmax(yPred)` per sample. @internal */
export function sparseCategoricalAccuracyValues(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let t = float(yTrue);
    if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = tf.squeeze(t, [t.rank - 1]);
    return tf.cast(tf.equal(t, tf.cast(tf.argMax(yPred, -1), 'float32')), 'float32');
  });
}

/**
 * Keras's `in_top_k`: whether the prediction at the target ranks among the `k` largest, ties
 * counted in the target's favour (rank = 1 + number of strictly larger predictions; NaN never
 * ranks high).
 */
function inTopK(targets: tf.Tensor, predictions: tf.Tensor, k: number): tf.Tensor {
  // A one-hot select rather than tf.gather: the cpu gather kernel reads the indices back to check them.
  const numClasses = predictions.shape[predictions.rank - 1];
  const isTarget = tf.cast(tf.oneHot(targets, numClasses), 'bool');
  const atLabel = tf.sum(tf.where(isTarget, predictions, tf.zerosLike(predictions)), -1, true);
  const safe = tf.where(tf.isNaN(atLabel), tf.fill(atLabel.shape, -Infinity), atLabel);
  const larger = tf.sum(tf.cast(tf.greater(predictions, safe), 'int32'), -1);
  return tf.cast(tf.less(larger, k), 'float32');
}

/** Keras `top_k_categorical_accuracy` on one-hot targets. @internal */
export function topKCategoricalAccuracyValues(k: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const targets = tf.argMax(yTrue, -1);
      const numClasses = yPred.shape[yPred.rank - 1];
      const matches = inTopK(tf.reshape(targets, [-1]), tf.reshape(float(yPred), [-1, numClasses]), k);
      return tf.reshape(matches, targets.shape);
    });
}

/** Keras `sparse_top_k_categorical_accuracy` on integer targets. @internal */
export function sparseTopKCategoricalAccuracyValues(k: number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const numClasses = yPred.shape[yPred.rank - 1];
      const targets = tf.reshape(tf.cast(yTrue, 'int32'), [-1]);
      const matches = inTopK(targets, tf.reshape(float(yPred), [-1, numClasses]), k);
      return tf.reshape(matches, yTrue.shape);
    });
}

/**
 * Binary accuracy: how often `yPred > threshold` equals the 0/1 target (Keras `BinaryAccuracy`).
 *
 * @param options - `threshold` (default `0.5`), `name` (default `'binary_accuracy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = binaryAccuracy({ threshold: 0.7 });
 * ```
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): Metric {
  const fn = 'binaryAccuracy';
  checkKnownOptions(fn, options, ['threshold', 'name']);
  const threshold = checkNumber(fn, 'threshold', 'threshold', options.threshold ?? 0.5);
  return new MeanMetricWrapper(binaryAccuracyValues(threshold), {
    name: nameOf(fn, options, 'binary_accuracy'),
    className: 'BinaryAccuracy',
    config: { threshold },
  });
}

/**
 * Categorical accuracy: how often the arg-max of the prediction is the arg-max of the one-hot
 * target (Keras `CategoricalAccuracy`).
 *
 * @param options - `name` (default `'categorical_accuracy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = categoricalAccuracy();
 * ```
 */
export function categoricalAccuracy(options: MetricNameOption = {}): Metric {
  const fn = 'categoricalAccuracy';
  checkKnownOptions(fn, options, ['name']);
  return new MeanMetricWrapper(categoricalAccuracyValues, {
    name: nameOf(fn, options, 'categorical_accuracy'),
    className: 'CategoricalAccuracy',
  });
}

/**
 * Sparse categorical accuracy: how often the arg-max of the prediction equals the integer target
 * (`[batch]` or `[batch, 1]`) (Keras `SparseCategoricalAccuracy`).
 *
 * @param options - `name` (default `'sparse_categorical_accuracy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = sparseCategoricalAccuracy();
 * ```
 */
export function sparseCategoricalAccuracy(options: MetricNameOption = {}): Metric {
  const fn = 'sparseCategoricalAccuracy';
  checkKnownOptions(fn, options, ['name']);
  return new MeanMetricWrapper(sparseCategoricalAccuracyValues, {
    name: nameOf(fn, options, 'sparse_categorical_accuracy'),
    className: 'SparseCategoricalAccuracy',
  });
}

/**
 * Top-k categorical accuracy: how often the one-hot target is among the `k` highest predictions
 * (Keras `TopKCategoricalAccuracy`).
 *
 * @param options - `k` (default `5`), `name` (default `'top_k_categorical_accuracy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = topKCategoricalAccuracy({ k: 3 });
 * ```
 */
export function topKCategoricalAccuracy(options: TopKOptions = {}): Metric {
  const fn = 'topKCategoricalAccuracy';
  checkKnownOptions(fn, options, ['k', 'name']);
  const k = checkInteger(fn, 'k', 'k', options.k ?? 5);
  return new MeanMetricWrapper(topKCategoricalAccuracyValues(k), {
    name: nameOf(fn, options, 'top_k_categorical_accuracy'),
    className: 'TopKCategoricalAccuracy',
    config: { k },
  });
}

/**
 * Sparse top-k categorical accuracy: how often the integer target is among the `k` highest
 * predictions (Keras `SparseTopKCategoricalAccuracy`).
 *
 * @param options - `k` (default `5`), `name` (default `'sparse_top_k_categorical_accuracy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = sparseTopKCategoricalAccuracy({ k: 3 });
 * ```
 */
export function sparseTopKCategoricalAccuracy(options: TopKOptions = {}): Metric {
  const fn = 'sparseTopKCategoricalAccuracy';
  checkKnownOptions(fn, options, ['k', 'name']);
  const k = checkInteger(fn, 'k', 'k', options.k ?? 5);
  return new MeanMetricWrapper(sparseTopKCategoricalAccuracyValues(k), {
    name: nameOf(fn, options, 'sparse_top_k_categorical_accuracy'),
    className: 'SparseTopKCategoricalAccuracy',
    config: { k },
  });
}
