/**
 * Metrics: Keras's stateful metrics, accumulated over an epoch on the device.
 *
 * Note: the mean metrics of losses (`binaryCrossentropy`, `meanSquaredError`, ...) share their
 * names with the loss factories of `../losses`; export this folder as a namespace (`metrics`)
 * from the package root to keep both.
 * @packageDocumentation
 */
export type { Metric, MetricContext, MetricFn, MetricNameOption } from './metric';
export { Mean } from './mean';
export { MeanMetricWrapper } from './mean_metric_wrapper';
export type { MeanMetricWrapperOptions } from './mean_metric_wrapper';
export {
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
} from './accuracy';
export type { BinaryAccuracyOptions, TopKOptions } from './accuracy';
export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  cosineSimilarity,
  logCoshError,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  klDivergence,
  poisson,
  hinge,
  squaredHinge,
  categoricalHinge,
} from './loss_metrics';
export type { CrossentropyMetricOptions, CosineSimilarityMetricOptions } from './loss_metrics';
export { RootMeanSquaredError, rootMeanSquaredError } from './root_mean_squared_error';
export {
  Precision,
  Recall,
  TruePositives,
  TrueNegatives,
  FalsePositives,
  FalseNegatives,
  precision,
  recall,
  truePositives,
  trueNegatives,
  falsePositives,
  falseNegatives,
} from './confusion_metrics';
export type { ConfusionCountOptions, PrecisionRecallOptions } from './confusion_metrics';
export { AUC, auc } from './auc';
export type { AucOptions, AucCurve, AucSummationMethod } from './auc';
export { getMetric, accuracyKind, METRIC_NAMES } from './get_metric';
export type { MetricIdentifier, AccuracyKind } from './get_metric';
