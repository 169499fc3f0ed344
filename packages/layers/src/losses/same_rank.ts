import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks of `x1` and `x2` differ by one and the
 * longer one ends in a dimension of 1, squeezes that dimension, or (when the shorter one has rank 1
 * and `expandRank1` is true) expands the shorter one instead. Otherwise returns both unchanged.
 *
 * @param x1 - first tensor (for losses: `yTrue`).
 * @param x2 - second tensor (for losses: `yPred`).
 * @param expandRank1 - expand a rank-1 tensor rather than squeeze the other. Default `true`.
 * @returns the pair, possibly reshaped (new tensors when reshaped; the caller tidies).
 * @example
 * ```ts
 * const [t, p] = squeezeOrExpandToSameRank(tf.zeros([4]), tf.zeros([4, 1])); // t: [4, 1]
 * ```
 */
export function squeezeOrExpandToSameRank(
  x1: tf.Tensor,
  x2: tf.Tensor,
  expandRank1 = true,
): [tf.Tensor, tf.Tensor] {
  const r1 = x1.rank;
  const r2 = x2.rank;
  if (r1 === r2) return [x1, x2];
  if (r1 === r2 + 1 && x1.shape[r1 - 1] === 1) {
    if (r2 === 1 && expandRank1) return [x1, tf.expandDims(x2, -1)];
    return [tf.squeeze(x1, [r1 - 1]), x2];
  }
  if (r2 === r1 + 1 && x2.shape[r2 - 1] === 1) {
    if (r1 === 1 && expandRank1) return [tf.expandDims(x1, -1), x2];
    return [x1, tf.squeeze(x2, [r2 - 1])];
  }
  return [x1, x2];
}

/**
 * Throws `DLTS_SHAPE_MISMATCH` unless `a` and `b` have the same shape (tfjs would broadcast
 * silently where Keras raises).
 * @internal
 */
export function assertSameShape(fn: string, a: tf.Tensor, b: tf.Tensor, aName = 'yTrue', bName = 'yPred'): void {
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `${fn}: ${aName} and ${bName} must have the same shape. Received: ${aName}.shape=${JSON.stringify(a.shape)}, ${bName}.shape=${JSON.stringify(b.shape)}`,
    );
  }
}

/** Casts to float32 unless already float32. @internal */
export function toFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}
