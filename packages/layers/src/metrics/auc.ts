import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { EPSILON } from '../losses/loss';
import { checkBoolean, checkInteger, checkKnownOptions, checkString } from '../losses/validate';
import type { Metric } from './metric';
import { stateVariable } from './state_variable';
import { ThresholdSet, isEvenlyDistributed, parseThresholds, updateConfusionMatrix } from './confusion_matrix';

/** The curve `AUC` integrates. */
export type AucCurve = 'ROC' | 'PR' | 'PRGAIN';
/** How `AUC` sums the areas between thresholds. */
export type AucSummationMethod = 'interpolation' | 'minoring' | 'majoring';

/** Options of `auc`. */
export interface AucOptions {
  /** Number of thresholds (> 1) for the discretised curve. Default `200`. */
  numThresholds?: number;
  /** `'ROC'` (default), `'PR'` or `'PRGAIN'` (lower case accepted). */
  curve?: AucCurve | Lowercase<AucCurve>;
  /** `'interpolation'` (default), `'minoring'` or `'majoring'`. */
  summationMethod?: AucSummationMethod;
  /** Explicit thresholds in [0, 1] (overrides `numThresholds`; -eps and 1+eps are added). */
  thresholds?: number[];
  /** Apply a sigmoid to `yPred` first. Default `false`. */
  fromLogits?: boolean;
  /** The log name. Default `'auc'`. */
  name?: string;
}

function parseCurve(value: unknown): AucCurve {
  if (value === 'ROC' || value === 'roc') return 'ROC';
  if (value === 'PR' || value === 'pr') return 'PR';
  if (value === 'PRGAIN' || value === 'prgain') return 'PRGAIN';
  throw new DltsError(
    'DLTS_VALUE',
    `auc: Invalid AUC curve value; expected one of "PR", "ROC", "PRGAIN". Received: curve=${received(value)}`,
  );
}

function parseSummation(value: unknown): AucSummationMethod {
  if (value === 'interpolation' || value === 'Interpolation') return 'interpolation';
  if (value === 'minoring' || value === 'Minoring') return 'minoring';
  if (value === 'majoring' || value === 'Majoring') return 'majoring';
  throw new DltsError(
    'DLTS_VALUE',
    `auc: Invalid AUC summation method value; expected one of "interpolation", "majoring", "minoring". Received: summationMethod=${received(value)}`,
  );
}

/**
 * Keras's `AUC`: the area under the ROC (or PR) curve, approximated from confusion counts at
 * `numThresholds` thresholds accumulated over the epoch. Thresholds are Keras's: `i / (n - 1)`
 * for the inner ones, `-1e-7` and `1 + 1e-7` at the ends; predictions fall into Keras's buckets
 * (`ceil(p (n - 1)) - 1`); the ROC area uses the trapezoidal rule and the PR area Davis &
 * Goadrich's interpolation, exactly as Keras's `result`/`interpolate_pr_auc`.
 *
 * Single-label only (`multi_label=False`): all elements of `yPred` are pooled.
 *
 * @example
 * ```ts
 * const m = new AUC({ curve: 'PR' });
 * tf.tidy(() => m.update(tf.tensor1d([0, 1, 1]), tf.tensor1d([0.2, 0.7, 0.4])));
 * m.result().print();
 * ```
 */
export class AUC implements Metric {
  /** The log name (default `'auc'`). */
  readonly name: string;
  /** `'AUC'`. */
  readonly className: string = 'AUC';
  /** The number of thresholds, the two end ones included. */
  readonly numThresholds: number;
  /** The curve. */
  readonly curve: AucCurve;
  /** The summation method. */
  readonly summationMethod: AucSummationMethod;
  private readonly fromLogits: boolean;
  private readonly initThresholds: number[] | undefined;
  private readonly thresholdSet: ThresholdSet;
  private tp: tf.Variable | null;
  private fp: tf.Variable | null;
  private tn: tf.Variable | null;
  private fn: tf.Variable | null;

  /** @param options - see `AucOptions`. */
  constructor(options: AucOptions = {}) {
    const fnName = 'auc';
    checkKnownOptions(fnName, options, ['numThresholds', 'curve', 'summationMethod', 'thresholds', 'fromLogits', 'name']);
    this.name = options.name === undefined ? 'auc' : checkString(fnName, 'name', 'name', options.name);
    this.curve = parseCurve(options.curve ?? 'ROC');
    this.summationMethod = parseSummation(options.summationMethod ?? 'interpolation');
    this.fromLogits = checkBoolean(fnName, 'from_logits', 'fromLogits', options.fromLogits ?? false);
    let inner: number[];
    let evenly: boolean;
    if (options.thresholds !== undefined && options.thresholds !== null) {
      inner = [...parseThresholds(fnName, options.thresholds, 0.5)].sort((a, b) => a - b);
      this.initThresholds = inner;
      this.numThresholds = inner.length + 2;
      evenly = isEvenlyDistributed([0, ...inner, 1]);
    } else {
      const n = checkInteger(fnName, 'num_thresholds', 'numThresholds', options.numThresholds ?? 200, 2);
      this.numThresholds = n;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      evenly = true;
    }
    this.thresholdSet = new ThresholdSet([0 - EPSILON, ...inner, 1 + EPSILON], evenly);
    const zeros = () => stateVariable(() => tf.zeros([this.numThresholds]));
    this.tp = zeros();
    this.fp = zeros();
    this.tn = zeros();
    this.fn = zeros();
  }

  /** The thresholds, as Keras lists them (with the end ones at -1e-7 and 1 + 1e-7). */
  get thresholds(): number[] {
    return [...this.thresholdSet.thresholds];
  }

  /** Adds the confusion counts of one batch at every threshold. No read-back. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const [tp, fp, tn, fn] = this.vars();
    tf.tidy(() => {
      const p = this.fromLogits ? tf.sigmoid(yPred) : yPred;
      updateConfusionMatrix({ tp, fp, tn, fn }, this.thresholdSet, yTrue, p, { sampleWeight });
    });
  }

  /** The area so far: a new scalar the caller disposes. */
  result(): tf.Scalar {
    const [tp, fp, tn, fn] = this.vars();
    const n = this.numThresholds;
    const head = (x: tf.Tensor) => tf.slice(x, [0], [n - 1]);
    const tail = (x: tf.Tensor) => tf.slice(x, [1], [n - 1]);
    return tf.tidy(() => {
      if (this.curve === 'PR' && this.summationMethod === 'interpolation') {
        // Keras interpolate_pr_auc (Davis & Goadrich 2006).
        const dtp = tf.sub(head(tp), tail(tp));
        const p = tf.add(tp, fp);
        const dp = tf.sub(head(p), tail(p));
        const precSlope = tf.divNoNan(dtp, tf.maximum(dp, 0));
        const intercept = tf.sub(tail(tp), tf.mul(precSlope, tail(p)));
        const bothPositive = tf.logicalAnd(tf.greater(head(p), 0), tf.greater(tail(p), 0));
        const safePRatio = tf.where(bothPositive, tf.divNoNan(head(p), tf.maximum(tail(p), 0)), tf.onesLike(tail(p)));
        const increment = tf.divNoNan(
          tf.mul(precSlope, tf.add(dtp, tf.mul(intercept, tf.log(safePRatio)))),
          tf.maximum(tf.add(tail(tp), tail(fn)), 0),
        );
        return tf.sum(increment) as tf.Scalar;
      }
      const recall = tf.divNoNan(tp, tf.add(tp, fn));
      let x: tf.Tensor;
      let y: tf.Tensor;
      if (this.curve === 'ROC') {
        x = tf.divNoNan(fp, tf.add(fp, tn));
        y = recall;
      } else if (this.curve === 'PR') {
        x = recall;
        y = tf.divNoNan(tp, tf.add(tp, fp));
      } else {
        const scaling = tf.divNoNan(tf.add(tp, fn), tf.add(tn, fp));
        const isZero = tf.equal(tp, 0);
        const recallGain = tf.sub(1, tf.mul(scaling, tf.divNoNan(fn, tp)));
        const precisionGain = tf.sub(1, tf.mul(scaling, tf.divNoNan(fp, tp)));
        x = tf.maximum(tf.where(isZero, tf.zerosLike(recallGain), recallGain), 0);
        y = tf.where(isZero, tf.onesLike(precisionGain), precisionGain);
      }
      let heights: tf.Tensor;
      if (this.summationMethod === 'interpolation') heights = tf.div(tf.add(head(y), tail(y)), 2);
      else if (this.summationMethod === 'minoring') heights = tf.minimum(head(y), tail(y));
      else heights = tf.maximum(head(y), tail(y));
      return tf.sum(tf.mul(tf.sub(head(x), tail(x)), heights)) as tf.Scalar;
    });
  }

  /** Clears the counts. */
  reset(): void {
    const vars = this.vars();
    tf.tidy(() => {
      for (const v of vars) v.assign(tf.zerosLike(v));
    });
  }

  /** Frees the state. */
  dispose(): void {
    for (const v of [this.tp, this.fp, this.tn, this.fn]) v?.dispose();
    this.tp = this.fp = this.tn = this.fn = null;
    this.thresholdSet.dispose();
  }

  /** Keras's config keys (`num_thresholds`, `curve`, `summation_method`, ...). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      name: this.name,
      dtype: 'float32',
      num_thresholds: this.numThresholds,
      curve: this.curve,
      summation_method: this.summationMethod,
      multi_label: false,
      num_labels: null,
      label_weights: null,
      from_logits: this.fromLogits,
    };
    if (this.initThresholds) config.thresholds = [...this.initThresholds];
    return config;
  }

  private vars(): [tf.Variable, tf.Variable, tf.Variable, tf.Variable] {
    if (!this.tp || !this.fp || !this.tn || !this.fn) {
      throw new DltsError('DLTS_VALUE', `${this.name}: the metric was used after dispose(). Received: disposed=true`);
    }
    return [this.tp, this.fp, this.tn, this.fn];
  }
}

/**
 * Area under the ROC or PR curve over the epoch (Keras `AUC`).
 * @param options - `numThresholds` (200), `curve` (`'ROC'`), `summationMethod` (`'interpolation'`),
 *   `thresholds`, `fromLogits`, `name` (`'auc'`).
 * @returns the metric.
 * @example
 * ```ts
 * model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: [auc({ curve: 'PR' })] });
 * ```
 */
export function auc(options: AucOptions = {}): Metric {
  return new AUC(options);
}
