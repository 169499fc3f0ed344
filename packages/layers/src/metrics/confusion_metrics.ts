import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { checkInteger, checkKnownOptions, checkString } from '../losses/validate';
import type { Metric } from './metric';
import { stateVariable } from './state_variable';
import { ThresholdSet, isEvenlyDistributed, parseThresholds, updateConfusionMatrix, type ConfusionVariables } from './confusion_matrix';

/** Keras's `NEG_INF`: the default threshold of `Precision`/`Recall` with `topK`. */
const NEG_INF = -1e10;

/** Options of the confusion-count metrics (`truePositives`, ...). */
export interface ConfusionCountOptions {
  /** A threshold in [0, 1] or a list of them: a prediction above it counts as positive. Default `0.5`. */
  thresholds?: number | number[];
  /** The log name. Default: Keras's (`'true_positives'`, ...). */
  name?: string;
}

/** Options of `precision` and `recall`. */
export interface PrecisionRecallOptions extends ConfusionCountOptions {
  /** Only the `topK` highest predictions per sample count as positive. Default: all. */
  topK?: number;
  /** Only this class (column of `yPred`) is scored. Default: all elements. */
  classId?: number;
}

type Kind = 'tp' | 'fp' | 'tn' | 'fn';

/** Shared state of the confusion-matrix metrics: variables of shape `[numThresholds]`. */
abstract class ConfusionMetric implements Metric {
  readonly name: string;
  abstract readonly className: string;
  protected readonly thresholdSet: ThresholdSet;
  protected readonly vars: ConfusionVariables = {};
  protected readonly initThresholds: number | number[] | undefined;
  protected readonly topK: number | undefined;
  protected readonly classId: number | undefined;
  private disposed = false;

  protected constructor(fn: string, kinds: Kind[], defaultName: string, options: PrecisionRecallOptions, allowed: string[]) {
    checkKnownOptions(fn, options, allowed);
    this.name = options.name === undefined ? defaultName : checkString(fn, 'name', 'name', options.name);
    this.topK = options.topK === undefined || options.topK === null ? undefined : checkInteger(fn, 'top_k', 'topK', options.topK);
    this.classId =
      options.classId === undefined || options.classId === null ? undefined : checkInteger(fn, 'class_id', 'classId', options.classId, 0);
    this.initThresholds = options.thresholds;
    const thresholds = parseThresholds(fn, options.thresholds, this.topK === undefined ? 0.5 : NEG_INF);
    this.thresholdSet = new ThresholdSet(thresholds, isEvenlyDistributed(thresholds));
    for (const kind of kinds) this.vars[kind] = stateVariable(() => tf.zeros([thresholds.length]));
  }

  /** Adds the counts of one batch at every threshold. No read-back. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    this.checkAlive();
    tf.tidy(() =>
      updateConfusionMatrix(this.vars, this.thresholdSet, yTrue, yPred, {
        topK: this.topK,
        classId: this.classId,
        sampleWeight,
      }),
    );
  }

  abstract result(): tf.Scalar;

  /** Clears the counts. */
  reset(): void {
    this.checkAlive();
    tf.tidy(() => {
      for (const v of Object.values(this.vars)) v?.assign(tf.zerosLike(v));
    });
  }

  /** Frees the state. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.vars)) v?.dispose();
    this.thresholdSet.dispose();
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: 'float32', thresholds: this.initThresholds ?? null };
  }

  /** A scalar for one threshold; the vector `[numThresholds]` for several (as Keras). */
  protected pick(values: tf.Tensor): tf.Scalar {
    return (this.thresholdSet.size === 1 ? tf.reshape(values, []) : values) as tf.Scalar;
  }

  protected variable(kind: Kind): tf.Variable {
    this.checkAlive();
    return this.vars[kind] as tf.Variable;
  }

  private checkAlive(): void {
    if (this.disposed) throw new DltsError('DLTS_VALUE', `${this.name}: the metric was used after dispose(). Received: disposed=true`);
  }
}

/** A count of one cell of the confusion matrix (Keras `_ConfusionMatrixConditionCount`). */
class ConfusionCount extends ConfusionMetric {
  readonly className: string;

  constructor(
    private readonly kind: Kind,
    className: string,
    fn: string,
    defaultName: string,
    options: ConfusionCountOptions,
  ) {
    super(fn, [kind], defaultName, options, ['thresholds', 'name']);
    this.className = className;
  }

  /** The (weighted) count so far: a scalar for one threshold, else one per threshold. */
  result(): tf.Scalar {
    return tf.tidy(() => this.pick(tf.clone(this.variable(this.kind))));
  }
}

/**
 * Keras's `TruePositives`: the (weighted) number of positive targets predicted above the threshold.
 * @example
 * ```ts
 * const m = new TruePositives({ thresholds: 0.5 });
 * ```
 */
export class TruePositives extends ConfusionCount {
  /** @param options - `thresholds` (default `0.5`), `name` (default `'true_positives'`). */
  constructor(options: ConfusionCountOptions = {}) {
    super('tp', 'TruePositives', 'truePositives', 'true_positives', options);
  }
}

/**
 * Keras's `FalsePositives`: the (weighted) number of negative targets predicted above the threshold.
 * @example
 * ```ts
 * const m = new FalsePositives();
 * ```
 */
export class FalsePositives extends ConfusionCount {
  /** @param options - `thresholds` (default `0.5`), `name` (default `'false_positives'`). */
  constructor(options: ConfusionCountOptions = {}) {
    super('fp', 'FalsePositives', 'falsePositives', 'false_positives', options);
  }
}

/**
 * Keras's `TrueNegatives`: the (weighted) number of negative targets predicted at or below the threshold.
 * @example
 * ```ts
 * const m = new TrueNegatives();
 * ```
 */
export class TrueNegatives extends ConfusionCount {
  /** @param options - `thresholds` (default `0.5`), `name` (default `'true_negatives'`). */
  constructor(options: ConfusionCountOptions = {}) {
    super('tn', 'TrueNegatives', 'trueNegatives', 'true_negatives', options);
  }
}

/**
 * Keras's `FalseNegatives`: the (weighted) number of positive targets predicted at or below the threshold.
 * @example
 * ```ts
 * const m = new FalseNegatives();
 * ```
 */
export class FalseNegatives extends ConfusionCount {
  /** @param options - `thresholds` (default `0.5`), `name` (default `'false_negatives'`). */
  constructor(options: ConfusionCountOptions = {}) {
    super('fn', 'FalseNegatives', 'falseNegatives', 'false_negatives', options);
  }
}

/**
 * Keras's `Precision`: `TP / (TP + FP)` accumulated over the epoch (0 when nothing was predicted
 * positive). A target counts as positive when non-zero; a prediction when above the threshold.
 *
 * @example
 * ```ts
 * const m = new Precision();              // threshold 0.5
 * const top1 = new Precision({ topK: 1 }); // multi-label: only the best class counts
 * ```
 */
export class Precision extends ConfusionMetric {
  /** `'Precision'`. */
  readonly className: string = 'Precision';

  /** @param options - `thresholds` (default `0.5`), `topK`, `classId`, `name` (default `'precision'`). */
  constructor(options: PrecisionRecallOptions = {}) {
    super('precision', ['tp', 'fp'], 'precision', options, ['thresholds', 'topK', 'classId', 'name']);
  }

  /** The precision so far: a new scalar (a vector with several thresholds). */
  result(): tf.Scalar {
    const tp = this.variable('tp');
    const fp = this.variable('fp');
    return tf.tidy(() => this.pick(tf.divNoNan(tp, tf.add(tp, fp))));
  }

  /** `{name, dtype, thresholds, top_k, class_id}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), top_k: this.topK ?? null, class_id: this.classId ?? null };
  }
}

/**
 * Keras's `Recall`: `TP / (TP + FN)` accumulated over the epoch (0 when there were no positives).
 *
 * @example
 * ```ts
 * const m = new Recall({ thresholds: 0.3 });
 * ```
 */
export class Recall extends ConfusionMetric {
  /** `'Recall'`. */
  readonly className: string = 'Recall';

  /** @param options - `thresholds` (default `0.5`), `topK`, `classId`, `name` (default `'recall'`). */
  constructor(options: PrecisionRecallOptions = {}) {
    super('recall', ['tp', 'fn'], 'recall', options, ['thresholds', 'topK', 'classId', 'name']);
  }

  /** The recall so far: a new scalar (a vector with several thresholds). */
  result(): tf.Scalar {
    const tp = this.variable('tp');
    const fn = this.variable('fn');
    return tf.tidy(() => this.pick(tf.divNoNan(tp, tf.add(tp, fn))));
  }

  /** `{name, dtype, thresholds, top_k, class_id}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), top_k: this.topK ?? null, class_id: this.classId ?? null };
  }
}

/**
 * Precision over the epoch (Keras `Precision`).
 * @param options - `thresholds` (default `0.5`), `topK`, `classId`, `name` (default `'precision'`).
 * @returns the metric.
 * @example
 * ```ts
 * model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: [precision(), recall()] });
 * ```
 */
export function precision(options: PrecisionRecallOptions = {}): Metric {
  return new Precision(options);
}

/**
 * Recall over the epoch (Keras `Recall`).
 * @param options - `thresholds` (default `0.5`), `topK`, `classId`, `name` (default `'recall'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = recall({ thresholds: 0.3 });
 * ```
 */
export function recall(options: PrecisionRecallOptions = {}): Metric {
  return new Recall(options);
}

/**
 * True positives over the epoch (Keras `TruePositives`).
 * @param options - `thresholds` (default `0.5`), `name` (default `'true_positives'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = truePositives();
 * ```
 */
export function truePositives(options: ConfusionCountOptions = {}): Metric {
  return new TruePositives(options);
}

/**
 * False positives over the epoch (Keras `FalsePositives`).
 * @param options - `thresholds` (default `0.5`), `name` (default `'false_positives'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = falsePositives();
 * ```
 */
export function falsePositives(options: ConfusionCountOptions = {}): Metric {
  return new FalsePositives(options);
}

/**
 * True negatives over the epoch (Keras `TrueNegatives`).
 * @param options - `thresholds` (default `0.5`), `name` (default `'true_negatives'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = trueNegatives();
 * ```
 */
export function trueNegatives(options: ConfusionCountOptions = {}): Metric {
  return new TrueNegatives(options);
}

/**
 * False negatives over the epoch (Keras `FalseNegatives`).
 * @param options - `thresholds` (default `0.5`), `name` (default `'false_negatives'`).
 * @returns the metric.
 * @example
 * ```ts
 * const m = falseNegatives();
 * ```
 */
export function falseNegatives(options: ConfusionCountOptions = {}): Metric {
  return new FalseNegatives(options);
}
