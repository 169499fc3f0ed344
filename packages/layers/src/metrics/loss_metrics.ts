import * as tf from '@tensorflow/tfjs-core';
import * as losses from '../losses/index';
import { cosine } from '../losses/regression';
import { squeezeOrExpandToSameRank } from '../losses/index';
import { checkKnownOptions, checkString } from '../losses/validate';
import { MeanMetricWrapper } from './mean_metric_wrapper';
import type { Metric, MetricNameOption } from './metric';

/** Options of the crossentropy metrics. */
export interface CrossentropyMetricOptions extends MetricNameOption {
  /** Whether `yPred` holds logits. Default `false`. */
  fromLogits?: boolean;
  /** Label smoothing in [0, 1] (not for the sparse variant). Default `0`. */
  labelSmoothing?: number;
}

/** Options of the cosine similarity metric. */
export interface CosineSimilarityMetricOptions extends MetricNameOption {
  /** The axis along which similarity is computed. Default `-1`. */
  axis?: number;
}

function lossMetric(
  fn: string,
  options: MetricNameOption,
  loss: losses.Loss,
  defaultName: string,
  className: string,
  config: Record<string, unknown> = {},
): Metric {
  const name = options.name === undefined ? defaultName : checkString(fn, 'name', 'name', options.name);
  return new MeanMetricWrapper(loss.call, { name, className, config });
}

function nameOnly(fn: string, options: MetricNameOption): void {
  checkKnownOptions(fn, options, ['name']);
}

/**
 * Mean squared error over the epoch (Keras metric `MeanSquaredError`, `'mse'`).
 * @param options - `name` (default `'mean_squared_error'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = meanSquaredError();
 * ```
 */
export function meanSquaredError(options: MetricNameOption = {}): Metric {
  nameOnly('meanSquaredError', options);
  return lossMetric('meanSquaredError', options, losses.meanSquaredError(), 'mean_squared_error', 'MeanSquaredError');
}

/**
 * Mean absolute error over the epoch (Keras metric `MeanAbsoluteError`, `'mae'`).
 * @param options - `name` (default `'mean_absolute_error'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = meanAbsoluteError({ name: 'mae' });
 * ```
 */
export function meanAbsoluteError(options: MetricNameOption = {}): Metric {
  nameOnly('meanAbsoluteError', options);
  return lossMetric('meanAbsoluteError', options, losses.meanAbsoluteError(), 'mean_absolute_error', 'MeanAbsoluteError');
}

/**
 * Mean absolute percentage error over the epoch (Keras `MeanAbsolutePercentageError`, `'mape'`).
 * @param options - `name` (default `'mean_absolute_percentage_error'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = meanAbsolutePercentageError();
 * ```
 */
export function meanAbsolutePercentageError(options: MetricNameOption = {}): Metric {
  nameOnly('meanAbsolutePercentageError', options);
  return lossMetric(
    'meanAbsolutePercentageError',
    options,
    losses.meanAbsolutePercentageError(),
    'mean_absolute_percentage_error',
    'MeanAbsolutePercentageError',
  );
}

/**
 * Mean squared logarithmic error over the epoch (Keras `MeanSquaredLogarithmicError`, `'msle'`).
 * @param options - `name` (default `'mean_squared_logarithmic_error'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = meanSquaredLogarithmicError();
 * ```
 */
export function meanSquaredLogarithmicError(options: MetricNameOption = {}): Metric {
  nameOnly('meanSquaredLogarithmicError', options);
  return lossMetric(
    'meanSquaredLogarithmicError',
    options,
    losses.meanSquaredLogarithmicError(),
    'mean_squared_logarithmic_error',
    'MeanSquaredLogarithmicError',
  );
}

/**
 * Mean cosine similarity over the epoch (Keras metric `CosineSimilarity`: the similarity itself,
 * in [-1, 1], 1 is best; the loss of the same name is its negative).
 * @param options - `axis` (default `-1`), `name` (default `'cosine_similarity'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = cosineSimilarity();
 * ```
 */
export function cosineSimilarity(options: CosineSimilarityMetricOptions = {}): Metric {
  const fn = 'cosineSimilarity';
  checkKnownOptions(fn, options, ['axis', 'name']);
  const axis = options.axis ?? -1;
  // Validates the axis the same way as the loss.
  losses.cosineSimilarity({ axis });
  const values = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(tf.cast(yTrue, 'float32'), tf.cast(yPred, 'float32'));
      return cosine(t, p, axis);
    });
  const name = options.name === undefined ? 'cosine_similarity' : checkString(fn, 'name', 'name', options.name);
  return new MeanMetricWrapper(values, { name, className: 'CosineSimilarity', config: { axis } });
}

/**
 * Mean log-cosh error over the epoch (Keras `LogCoshError`, default name `'logcosh'`).
 * @param options - `name` (default `'logcosh'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = logCoshError();
 * ```
 */
export function logCoshError(options: MetricNameOption = {}): Metric {
  nameOnly('logCoshError', options);
  return lossMetric('logCoshError', options, losses.logCosh(), 'logcosh', 'LogCoshError');
}

/**
 * Mean binary crossentropy over the epoch (Keras metric `BinaryCrossentropy`).
 * @param options - `fromLogits`, `labelSmoothing`, `name` (default `'binary_crossentropy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = binaryCrossentropy({ fromLogits: true });
 * ```
 */
export function binaryCrossentropy(options: CrossentropyMetricOptions = {}): Metric {
  const fn = 'binaryCrossentropy';
  checkKnownOptions(fn, options, ['fromLogits', 'labelSmoothing', 'name']);
  const loss = losses.binaryCrossentropy({ fromLogits: options.fromLogits, labelSmoothing: options.labelSmoothing });
  const { from_logits, label_smoothing } = loss.getConfig();
  return lossMetric(fn, options, loss, 'binary_crossentropy', 'BinaryCrossentropy', { from_logits, label_smoothing });
}

/**
 * Mean categorical crossentropy over the epoch (Keras metric `CategoricalCrossentropy`).
 * @param options - `fromLogits`, `labelSmoothing`, `name` (default `'categorical_crossentropy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = categoricalCrossentropy();
 * ```
 */
export function categoricalCrossentropy(options: CrossentropyMetricOptions = {}): Metric {
  const fn = 'categoricalCrossentropy';
  checkKnownOptions(fn, options, ['fromLogits', 'labelSmoothing', 'name']);
  const loss = losses.categoricalCrossentropy({ fromLogits: options.fromLogits, labelSmoothing: options.labelSmoothing });
  const { from_logits, label_smoothing } = loss.getConfig();
  return lossMetric(fn, options, loss, 'categorical_crossentropy', 'CategoricalCrossentropy', {
    from_logits,
    label_smoothing,
    axis: -1,
  });
}

/**
 * Mean sparse categorical crossentropy over the epoch (Keras metric `SparseCategoricalCrossentropy`).
 * @param options - `fromLogits`, `name` (default `'sparse_categorical_crossentropy'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = sparseCategoricalCrossentropy();
 * ```
 */
export function sparseCategoricalCrossentropy(options: Omit<CrossentropyMetricOptions, 'labelSmoothing'> = {}): Metric {
  const fn = 'sparseCategoricalCrossentropy';
  checkKnownOptions(fn, options, ['fromLogits', 'name']);
  const loss = losses.sparseCategoricalCrossentropy({ fromLogits: options.fromLogits });
  return lossMetric(fn, options, loss, 'sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy', {
    from_logits: loss.getConfig().from_logits,
    axis: -1,
  });
}

/**
 * Mean Kullback-Leibler divergence over the epoch (Keras metric `KLDivergence`).
 * @param options - `name` (default `'kl_divergence'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = klDivergence();
 * ```
 */
export function klDivergence(options: MetricNameOption = {}): Metric {
  nameOnly('klDivergence', options);
  return lossMetric('klDivergence', options, losses.klDivergence(), 'kl_divergence', 'KLDivergence');
}

/**
 * Mean Poisson loss over the epoch (Keras metric `Poisson`).
 * @param options - `name` (default `'poisson'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = poisson();
 * ```
 */
export function poisson(options: MetricNameOption = {}): Metric {
  nameOnly('poisson', options);
  return lossMetric('poisson', options, losses.poisson(), 'poisson', 'Poisson');
}

/**
 * Mean hinge loss over the epoch (Keras metric `Hinge`).
 * @param options - `name` (default `'hinge'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = hinge();
 * ```
 */
export function hinge(options: MetricNameOption = {}): Metric {
  nameOnly('hinge', options);
  return lossMetric('hinge', options, losses.hinge(), 'hinge', 'Hinge');
}

/**
 * Mean squared hinge loss over the epoch (Keras metric `SquaredHinge`).
 * @param options - `name` (default `'squared_hinge'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = squaredHinge();
 * ```
 */
export function squaredHinge(options: MetricNameOption = {}): Metric {
  nameOnly('squaredHinge', options);
  return lossMetric('squaredHinge', options, losses.squaredHinge(), 'squared_hinge', 'SquaredHinge');
}

/**
 * Mean categorical hinge loss over the epoch (Keras metric `CategoricalHinge`).
 * @param options - `name` (default `'categorical_hinge'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = categoricalHinge();
 * ```
 */
export function categoricalHinge(options: MetricNameOption = {}): Metric {
  nameOnly('categoricalHinge', options);
  return lossMetric('categoricalHinge', options, losses.categoricalHinge(), 'categorical_hinge', 'CategoricalHinge');
}
