import * as tf from '@tensorflow/tfjs-core';
import { DltsError, check } from '@dlts/tensors';
import { EPSILON } from '../losses/loss';
import { squeezeOrExpandToSameRank } from '../losses/index';
import { stateVariable } from './state_variable';

/** Keras's `NEG_INF` for predictions outside the top k. */
const NEG_INF = -1e10;

/** The accumulators one update may add to, each of shape `[numThresholds]`. @internal */
export interface ConfusionVariables {
  tp?: tf.Variable;
  fp?: tf.Variable;
  tn?: tf.Variable;
  fn?: tf.Variable;
}

/**
 * The fixed comparison data of a confusion-matrix metric, kept in non-trainable variables so that
 * they survive the engine's `tf.tidy` and are never re-uploaded per batch. @internal
 */
export class ThresholdSet {
  /** The thresholds, as Keras lists them. */
  readonly thresholds: readonly number[];
  /** Whether Keras takes its bucketed fast path (evenly spaced thresholds). */
  readonly evenlyDistributed: boolean;
  /** Whether the end thresholds are -eps and 1+eps (AUC): buckets then start at 0. */
  private readonly withEpsilon: boolean;
  /** `[T, 1]`: bucket indices 0..T-1 (fast path) or the thresholds (general path). */
  private column: tf.Variable | null;

  constructor(thresholds: readonly number[], evenlyDistributed: boolean) {
    this.thresholds = [...thresholds];
    this.evenlyDistributed = evenlyDistributed;
    this.withEpsilon = evenlyDistributed && (thresholds[0] < 0 || thresholds[thresholds.length - 1] > 1);
    const values = evenlyDistributed ? thresholds.map((_, i) => i) : thresholds;
    this.column = stateVariable(() => tf.tensor2d([...values], [thresholds.length, 1]));
  }

  get size(): number {
    return this.thresholds.length;
  }

  /**
   * `[T, n]` float mask: prediction `j` is positive at threshold `i` (`pred > threshold`). The fast
   * path uses Keras's buckets `ceil(clip(pred, 0, 1) * (T - 1)) - 1`, which is what makes Keras's
   * AUC values what they are.
   */
  predictedPositive(predRow: tf.Tensor): tf.Tensor {
    if (this.column === null) throw new DltsError('DLTS_VALUE', 'metric: the metric was used after dispose(). Received: disposed=true');
    if (this.evenlyDistributed) {
      let bucket = tf.sub(tf.ceil(tf.mul(tf.clipByValue(predRow, 0, 1), this.size - 1)), 1);
      if (this.withEpsilon) bucket = tf.relu(bucket);
      return tf.cast(tf.greaterEqual(bucket, this.column), 'float32');
    }
    return tf.cast(tf.greater(predRow, this.column), 'float32');
  }

  dispose(): void {
    this.column?.dispose();
    this.column = null;
  }
}

/** Keras's `is_evenly_distributed_thresholds`: at least 3, equal to `i / (n - 1)` within `np.allclose`. @internal */
export function isEvenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => {
    const even = Math.fround(i / (n - 1));
    return Math.abs(t - even) <= EPSILON + 1e-5 * Math.abs(even);
  });
}

/** Keras's `parse_init_thresholds` + `assert_thresholds_range`. @internal */
export function parseThresholds(fn: string, thresholds: number | number[] | undefined, fallback: number): number[] {
  if (thresholds === undefined || thresholds === null) return [fallback];
  const list = Array.isArray(thresholds) ? thresholds : [thresholds];
  check(
    list.length > 0 && list.every((t) => typeof t === 'number' && t >= 0 && t <= 1),
    fn,
    'thresholds must be numbers in [0, 1]',
    'thresholds',
    thresholds,
  );
  return list;
}

/** Options of one update. @internal */
export interface ConfusionUpdate {
  topK?: number;
  classId?: number;
  sampleWeight?: tf.Tensor;
}

/**
 * Keras's `update_confusion_matrix_variables` for one batch: counts (weighted) true/false
 * positives/negatives at every threshold and adds them to the variables. Runs on the device with
 * one `[T, n] x [n, 1]` product per count; must be called inside `tf.tidy`. @internal
 */
export function updateConfusionMatrix(
  vars: ConfusionVariables,
  thresholds: ThresholdSet,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: ConfusionUpdate = {},
): void {
  let [p, t] = squeezeOrExpandToSameRank(tf.cast(yPred, 'float32'), tf.cast(yTrue, 'float32'));
  let sw: tf.Tensor | undefined;
  if (options.sampleWeight !== undefined && options.sampleWeight !== null) {
    sw = tf.expandDims(tf.cast(options.sampleWeight, 'float32'), -1);
    sw = squeezeOrExpandToSameRank(t, sw, false)[1];
  }
  if (options.topK !== undefined) p = filterTopK(p, options.topK);
  if (options.classId !== undefined) {
    if (p.rank < 2) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `metric: with class_id, yPred must have shape [numSamples, numClasses]. Received: yPred.shape=${JSON.stringify(yPred.shape)}`,
      );
    }
    const id = options.classId;
    t = sliceLast(t, id);
    p = sliceLast(p, id);
  }
  if (t.size !== p.size) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `metric: yTrue and yPred must have the same number of elements. Received: yTrue.shape=${JSON.stringify(yTrue.shape)}, yPred.shape=${JSON.stringify(yPred.shape)}`,
    );
  }
  const n = p.size;
  // Labels are positive when non-zero; weights broadcast against them by multiplication (a cpu
  // broadcastTo would read data back).
  const label = tf.cast(tf.notEqual(t, 0), 'float32');
  const weighted = (x: tf.Tensor) => tf.reshape(sw === undefined ? x : tf.mul(x, sw), [n, 1]);
  const predPos = thresholds.predictedPositive(tf.reshape(p, [1, n]));
  const T = thresholds.size;

  if (vars.tp || vars.fn) {
    const positives = weighted(label);
    const tp = tf.reshape(tf.matMul(predPos, positives), [T]);
    if (vars.tp) vars.tp.assign(tf.add(vars.tp, tp));
    if (vars.fn) vars.fn.assign(tf.add(vars.fn, tf.sub(tf.sum(positives), tp)));
  }
  if (vars.fp || vars.tn) {
    const negatives = weighted(tf.sub(1, label));
    const fp = tf.reshape(tf.matMul(predPos, negatives), [T]);
    if (vars.fp) vars.fp.assign(tf.add(vars.fp, fp));
    if (vars.tn) vars.tn.assign(tf.add(vars.tn, tf.sub(tf.sum(negatives), fp)));
  }
}

/** `x[..., id, None]`. */
function sliceLast(x: tf.Tensor, id: number): tf.Tensor {
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  begin[x.rank - 1] = id;
  size[x.rank - 1] = 1;
  return tf.slice(x, begin, size);
}

/** Keras's `_filter_top_k`: keeps the top k of the last axis, sets the others to -1e10. */
function filterTopK(x: tf.Tensor, k: number): tf.Tensor {
  const numClasses = x.shape[x.rank - 1];
  const { indices } = tf.topk(x, k);
  const mask = tf.sum(tf.oneHot(indices, numClasses, 1, 0, 'float32'), -2);
  return tf.add(tf.mul(x, mask), tf.mul(NEG_INF, tf.sub(1, mask)));
}
