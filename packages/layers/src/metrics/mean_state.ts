import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { squeezeOrExpandToSameRank } from '../losses/index';
import { stateVariable } from './state_variable';

/**
 * The device-side state of a weighted running mean (Keras's `Mean`): a `total` and a `count`
 * variable, updated without any read-back.
 * @internal
 */
export class MeanState {
  private total: tf.Variable | null = stateVariable(() => tf.scalar(0));
  private count: tf.Variable | null = stateVariable(() => tf.scalar(0));

  /**
   * Adds values with Keras's `reduce_to_samplewise_values`: the values are reduced (mean) to one
   * per sample, each sample weighted by `sampleWeight`; `count` grows by the batch size or by the
   * sum of the weights. Must run inside `tf.tidy` (callers wrap it).
   */
  add(values: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const [total, count] = this.vars();
    let v = values.dtype === 'float32' ? values : tf.cast(values, 'float32');
    let sw: tf.Tensor | undefined;
    if (sampleWeight !== undefined && sampleWeight !== null) {
      sw = sampleWeight.dtype === 'float32' ? sampleWeight : tf.cast(sampleWeight, 'float32');
      [v, sw] = squeezeOrExpandToSameRank(v, sw);
      const weightRank = sw.rank;
      if (v.rank > weightRank) v = tf.mean(v, range(weightRank, v.rank));
      // Broadcast by multiplication (the cpu broadcastTo kernel reads data back).
      if (!sameShape(sw.shape, v.shape)) sw = tf.mul(tf.onesLike(v), sw);
      v = tf.mul(v, sw);
      if (weightRank > 1) sw = tf.mean(sw, range(1, weightRank));
    }
    if (v.rank > 1) v = tf.mean(v, range(1, v.rank));
    total.assign(tf.add(total, tf.sum(v)));
    if (sw !== undefined) {
      count.assign(tf.add(count, tf.sum(sw)));
    } else {
      count.assign(tf.add(count, v.rank >= 1 ? v.shape[0] : 1));
    }
  }

  /** `total / count`, 0 when nothing was counted (Keras's `divide_no_nan`). */
  result(): tf.Scalar {
    const [total, count] = this.vars();
    return tf.tidy(() => tf.divNoNan(total, count) as tf.Scalar);
  }

  reset(): void {
    const [total, count] = this.vars();
    tf.tidy(() => {
      total.assign(tf.scalar(0));
      count.assign(tf.scalar(0));
    });
  }

  dispose(): void {
    this.total?.dispose();
    this.count?.dispose();
    this.total = null;
    this.count = null;
  }

  /** `[total, count]` for saving (copies the caller disposes). */
  values(): tf.Tensor[] {
    const [total, count] = this.vars();
    return [tf.clone(total), tf.clone(count)];
  }

  private vars(): [tf.Variable, tf.Variable] {
    if (this.total === null || this.count === null) throw new DltsError('DLTS_VALUE', 'metric: the metric was used after dispose(). Received: disposed=true');
    return [this.total, this.count];
  }
}

/** `[from, from + 1, ..., to - 1]`. @internal */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
