import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Loss } from '../losses/index';
import { normalizeIdentifier, toSnakeCase } from '../losses/validate';
import {
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from './accuracy';
import { AUC } from './auc';
import { FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives } from './confusion_metrics';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  categoricalHinge,
  cosineSimilarity,
  hinge,
  klDivergence,
  logCoshError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
  poisson,
  sparseCategoricalCrossentropy,
  squaredHinge,
} from './loss_metrics';
import { MeanMetricWrapper } from './mean_metric_wrapper';
import type { Metric, MetricContext, MetricFn } from './metric';
import { RootMeanSquaredError } from './root_mean_squared_error';

/** Anything `getMetric` resolves. */
export type MetricIdentifier = string | Metric | MetricFn;

interface MetricEntry {
  keys: string[];
  create: (name: string) => Metric;
}

const ENTRIES: MetricEntry[] = [
  { keys: ['binary_accuracy'], create: (name) => binaryAccuracy({ name }) },
  { keys: ['categorical_accuracy'], create: (name) => categoricalAccuracy({ name }) },
  { keys: ['sparse_categorical_accuracy'], create: (name) => sparseCategoricalAccuracy({ name }) },
  { keys: ['top_k_categorical_accuracy'], create: (name) => topKCategoricalAccuracy({ name }) },
  { keys: ['sparse_top_k_categorical_accuracy'], create: (name) => sparseTopKCategoricalAccuracy({ name }) },
  { keys: ['mean_absolute_error', 'mae'], create: (name) => meanAbsoluteError({ name }) },
  { keys: ['mean_squared_error', 'mse'], create: (name) => meanSquaredError({ name }) },
  { keys: ['root_mean_squared_error', 'rmse'], create: (name) => new RootMeanSquaredError(name) },
  { keys: ['mean_absolute_percentage_error', 'mape'], create: (name) => meanAbsolutePercentageError({ name }) },
  { keys: ['mean_squared_logarithmic_error', 'msle'], create: (name) => meanSquaredLogarithmicError({ name }) },
  { keys: ['cosine_similarity'], create: (name) => cosineSimilarity({ name }) },
  { keys: ['logcosh', 'log_cosh', 'log_cosh_error'], create: (name) => logCoshError({ name }) },
  { keys: ['binary_crossentropy', 'bce'], create: (name) => binaryCrossentropy({ name }) },
  { keys: ['categorical_crossentropy'], create: (name) => categoricalCrossentropy({ name }) },
  { keys: ['sparse_categorical_crossentropy'], create: (name) => sparseCategoricalCrossentropy({ name }) },
  { keys: ['kl_divergence', 'kld', 'kullback_leibler_divergence'], create: (name) => klDivergence({ name }) },
  { keys: ['poisson'], create: (name) => poisson({ name }) },
  { keys: ['hinge'], create: (name) => hinge({ name }) },
  { keys: ['squared_hinge'], create: (name) => squaredHinge({ name }) },
  { keys: ['categorical_hinge'], create: (name) => categoricalHinge({ name }) },
  { keys: ['precision'], create: (name) => new Precision({ name }) },
  { keys: ['recall'], create: (name) => new Recall({ name }) },
  { keys: ['auc'], create: (name) => new AUC({ name }) },
  { keys: ['true_positives'], create: (name) => new TruePositives({ name }) },
  { keys: ['true_negatives'], create: (name) => new TrueNegatives({ name }) },
  { keys: ['false_positives'], create: (name) => new FalsePositives({ name }) },
  { keys: ['false_negatives'], create: (name) => new FalseNegatives({ name }) },
];

const BY_KEY = new Map<string, MetricEntry>();
for (const entry of ENTRIES) for (const key of entry.keys) BY_KEY.set(normalizeIdentifier(key), entry);

/** The metric names `getMetric` knows (snake_case; camelCase and Keras class names work too). */
export const METRIC_NAMES: readonly string[] = ['accuracy', 'acc', ...ENTRIES.flatMap((e) => e.keys)];

/** Which accuracy `'accuracy'` means. */
export type AccuracyKind = 'binary' | 'categorical' | 'sparse';

/**
 * Resolves a metric as `model.compile` does.
 *
 * Strings are Keras names in either spelling (`'categorical_accuracy'`, `'categoricalAccuracy'`,
 * `'CategoricalAccuracy'`) or aliases (`'mae'`, `'mse'`, `'rmse'`, `'mape'`, `'msle'`, `'kld'`,
 * `'bce'`, `'logcosh'`); the metric's `name` is exactly the string given, as in Keras. `'accuracy'`
 * and `'acc'` pick binary, categorical or sparse categorical accuracy from the loss (as Keras 2:
 * `binary_crossentropy` -> binary, `categorical_crossentropy` -> categorical,
 * `sparse_categorical_crossentropy` -> sparse), else from the shapes (Keras 3: `yPred` last
 * dimension 1 -> binary; `yTrue` of lower rank, or last dimension 1 against more than 1 ->
 * sparse; else categorical). When neither decides yet, the choice is made from the first batch.
 * A `Metric` is returned as is; a function becomes a mean metric named after it.
 *
 * @param identifier - the metric to resolve.
 * @param context - the output's loss and known shapes (for `'accuracy'`).
 * @returns the metric.
 * @throws DltsError `DLTS_VALUE` for an unknown name (the message lists the known ones).
 * @example
 * ```ts
 * const acc = getMetric('acc', { loss: getLoss('binary_crossentropy') }); // BinaryAccuracy named 'acc'
 * const mae = getMetric('mae');                                          // MeanAbsoluteError named 'mae'
 * ```
 */
export function getMetric(identifier: MetricIdentifier, context: MetricContext = {}): Metric {
  if (typeof identifier === 'string') {
    const key = normalizeIdentifier(identifier);
    if (key === 'accuracy' || key === 'acc') return accuracyFor(identifier, context);
    const entry = BY_KEY.get(key);
    if (!entry) {
      throw new DltsError(
        'DLTS_VALUE',
        `getMetric: unknown metric ${JSON.stringify(identifier)}; known metrics: ${METRIC_NAMES.join(', ')}. Received: identifier=${received(identifier)}`,
      );
    }
    return entry.create(identifier);
  }
  if (isMetric(identifier)) return identifier;
  if (typeof identifier === 'function') {
    const name = identifier.name ? toSnakeCase(identifier.name) : 'metric';
    return new MeanMetricWrapper(identifier, { name });
  }
  throw new DltsError(
    'DLTS_VALUE',
    `getMetric: could not interpret metric identifier; expected a metric name, a Metric or a function. Received: identifier=${received(identifier)}`,
  );
}

/**
 * The accuracy `'accuracy'` stands for, from the loss (Keras 2) or else the shapes (Keras 3);
 * `undefined` when neither is known well enough.
 *
 * @param context - the loss and the known shapes.
 * @returns `'binary'`, `'categorical'`, `'sparse'` or `undefined`.
 * @example
 * ```ts
 * accuracyKind({ yTrueShape: [null], yPredShape: [null, 10] }); // 'sparse'
 * ```
 */
export function accuracyKind(context: MetricContext): AccuracyKind | undefined {
  return kindFromLoss(context.loss) ?? kindFromShapes(context.yTrueShape, context.yPredShape);
}

function kindFromLoss(loss: Loss | undefined): AccuracyKind | undefined {
  if (!loss) return undefined;
  for (const id of [loss.className, loss.name]) {
    switch (normalizeIdentifier(id ?? '')) {
      case 'binarycrossentropy':
        return 'binary';
      case 'categoricalcrossentropy':
        return 'categorical';
      case 'sparsecategoricalcrossentropy':
        return 'sparse';
    }
  }
  return undefined;
}

function kindFromShapes(
  yTrueShape: readonly (number | null)[] | undefined,
  yPredShape: readonly (number | null)[] | undefined,
): AccuracyKind | undefined {
  if (!yPredShape || yPredShape.length === 0) return undefined;
  const predLast = yPredShape[yPredShape.length - 1];
  if (predLast === 1) return 'binary';
  if (!yTrueShape) return undefined;
  const trueLast = yTrueShape.length > 0 ? yTrueShape[yTrueShape.length - 1] : null;
  if (yTrueShape.length < yPredShape.length || (trueLast === 1 && predLast !== null && predLast > 1)) return 'sparse';
  return 'categorical';
}

function createAccuracy(kind: AccuracyKind, name: string): Metric {
  if (kind === 'binary') return binaryAccuracy({ name });
  if (kind === 'sparse') return sparseCategoricalAccuracy({ name });
  return categoricalAccuracy({ name });
}

function accuracyFor(name: string, context: MetricContext): Metric {
  const kind = accuracyKind(context);
  return kind ? createAccuracy(kind, name) : new DeferredAccuracy(name);
}

/**
 * `'accuracy'` when neither the loss nor the known shapes decide: resolved with Keras 3's shape
 * rule from the first batch it sees. Until then `className` is `'Accuracy'` and `result()` is 0.
 */
class DeferredAccuracy implements Metric {
  private inner: Metric | undefined;

  constructor(readonly name: string) {}

  get className(): string {
    return this.inner?.className ?? 'Accuracy';
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    if (!this.inner) {
      const kind = kindFromShapes(yTrue.shape, yPred.shape) ?? 'categorical';
      this.inner = createAccuracy(kind, this.name);
    }
    this.inner.update(yTrue, yPred, sampleWeight);
  }

  result(): tf.Scalar {
    return this.inner ? this.inner.result() : tf.scalar(0);
  }

  reset(): void {
    this.inner?.reset();
  }

  dispose(): void {
    this.inner?.dispose();
  }

  getConfig(): Record<string, unknown> {
    return this.inner ? this.inner.getConfig() : { name: this.name, dtype: 'float32' };
  }
}

function isMetric(x: unknown): x is Metric {
  const m = x as Metric;
  return (
    m !== null &&
    typeof m === 'object' &&
    typeof m.update === 'function' &&
    typeof m.result === 'function' &&
    typeof m.reset === 'function' &&
    typeof m.name === 'string'
  );
}
