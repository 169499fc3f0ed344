import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from './errors';

/** Options of {@link fitStandardizer}. */
export interface StandardizerOptions {
  /**
   * Delta degrees of freedom of the standard deviation: 1 (the default) is R's `sd()`, which the
   * course uses; 0 is numpy's `std()` as in the Python edition of the book.
   */
  ddof?: 0 | 1;
}

/** Feature-wise standardisation fitted on training data: `(x - mean) / sd`. */
export interface Standardizer {
  /** Per-feature means of the training data, shape `[features]`. */
  readonly mean: tf.Tensor1D;
  /** Per-feature standard deviations of the training data, shape `[features]`. */
  readonly sd: tf.Tensor1D;
  /** Standardises `x` (training or test data) with the fitted mean and sd; the caller owns the result. */
  transform(x: tf.Tensor): tf.Tensor;
  /** Frees `mean` and `sd`. */
  dispose(): void;
}

/**
 * Fits feature-wise standardisation on training data (axis 0), to apply the same shift and scale
 * to test data, as the course does for Boston housing:
 * R `mean <- apply(train, 2, mean); std <- apply(train, 2, sd); scale(test, mean, std)`.
 *
 * A feature with sd 0 is left unscaled (divided by 1) rather than turned into NaN.
 *
 * @param x - training data, shape `[samples, ...features]`.
 * @example
 * ```ts
 * const s = fitStandardizer(trainX);
 * const train = s.transform(trainX), test = s.transform(testX);
 * ```
 */
export function fitStandardizer(x: tf.Tensor, options: StandardizerOptions = {}): Standardizer {
  const ddof = options.ddof ?? 1;
  if (x.rank < 1 || x.shape[0] <= ddof) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `fitStandardizer: need more than ${ddof} sample(s) along axis 0. Received: shape=[${x.shape.join(', ')}]`,
    );
  }
  const [mean, sd] = tf.tidy(() => {
    const xf = tf.cast(x, 'float32');
    const m = tf.mean(xf, 0);
    const n = x.shape[0];
    const variance = tf.div(tf.sum(tf.square(tf.sub(xf, m)), 0), n - ddof);
    const s = tf.sqrt(variance);
    const safe = tf.where(tf.equal(s, 0), tf.onesLike(s), s);
    return [m, safe] as [tf.Tensor1D, tf.Tensor1D];
  });
  return {
    mean,
    sd,
    transform: (data: tf.Tensor) => tf.tidy(() => tf.div(tf.sub(tf.cast(data, 'float32'), mean), sd)),
    dispose: () => {
      mean.dispose();
      sd.dispose();
    },
  };
}
