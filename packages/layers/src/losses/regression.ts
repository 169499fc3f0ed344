import * as tf from '@tensorflow/tfjs-core';
import { check } from '@dlts/tensors';
import { EPSILON, LossFunctionWrapper, type Loss, type LossFn } from './loss';
import { squeezeOrExpandToSameRank, toFloat } from './same_rank';
import { checkKnownOptions, checkNumber } from './validate';

/** Options of `huber`. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. Default `1`. */
  delta?: number;
}

/** Options of `cosineSimilarity`. */
export interface CosineSimilarityOptions {
  /** The axis along which similarity is computed. Default `-1`. */
  axis?: number;
}

/** Wraps an elementwise body with Keras's `LossFunctionWrapper` rank handling and a float cast. */
function perSample(body: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor): LossFn {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      return body(t, p);
    });
}

/**
 * Mean squared error per sample: `mean((yTrue - yPred)^2)` over the last axis.
 *
 * @returns the `MeanSquaredError` loss (`'mean_squared_error'`, alias `'mse'`).
 * @example
 * ```ts
 * meanSquaredError().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print(); // [0.5]
 * ```
 */
export function meanSquaredError(): Loss {
  const call = perSample((t, p) => tf.mean(tf.squaredDifference(t, p), -1));
  return new LossFunctionWrapper('mean_squared_error', 'MeanSquaredError', call);
}

/**
 * Mean absolute error per sample: `mean(|yTrue - yPred|)` over the last axis.
 *
 * @returns the `MeanAbsoluteError` loss (`'mean_absolute_error'`, alias `'mae'`).
 * @example
 * ```ts
 * meanAbsoluteError().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print(); // [0.5]
 * ```
 */
export function meanAbsoluteError(): Loss {
  const call = perSample((t, p) => tf.mean(tf.abs(tf.sub(t, p)), -1));
  return new LossFunctionWrapper('mean_absolute_error', 'MeanAbsoluteError', call);
}

/**
 * Mean absolute percentage error per sample: `100 * mean(|(yTrue - yPred) / max(|yTrue|, 1e-7)|)`.
 *
 * @returns the `MeanAbsolutePercentageError` loss (alias `'mape'`).
 * @example
 * ```ts
 * meanAbsolutePercentageError().call(tf.tensor2d([[2, 4]]), tf.tensor2d([[1, 4]])).print(); // [25]
 * ```
 */
export function meanAbsolutePercentageError(): Loss {
  const call = perSample((t, p) =>
    tf.mul(100, tf.mean(tf.abs(tf.div(tf.sub(t, p), tf.maximum(tf.abs(t), EPSILON))), -1)),
  );
  return new LossFunctionWrapper('mean_absolute_percentage_error', 'MeanAbsolutePercentageError', call);
}

/**
 * Mean squared logarithmic error per sample:
 * `mean((log(max(yPred, 1e-7) + 1) - log(max(yTrue, 1e-7) + 1))^2)`.
 *
 * @returns the `MeanSquaredLogarithmicError` loss (alias `'msle'`).
 * @example
 * ```ts
 * meanSquaredLogarithmicError().call(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 3]]));
 * ```
 */
export function meanSquaredLogarithmicError(): Loss {
  const call = perSample((t, p) => {
    const first = tf.log(tf.add(tf.maximum(p, EPSILON), 1));
    const second = tf.log(tf.add(tf.maximum(t, EPSILON), 1));
    return tf.mean(tf.squaredDifference(first, second), -1);
  });
  return new LossFunctionWrapper('mean_squared_logarithmic_error', 'MeanSquaredLogarithmicError', call);
}

/**
 * Huber loss per sample: the mean over the last axis of `0.5 e^2` where `|e| <= delta` and
 * `delta |e| - 0.5 delta^2` elsewhere, with `e = yPred - yTrue`.
 *
 * @param options - `delta` (default `1`).
 * @returns the `Huber` loss (`'huber'`, alias `'huber_loss'`).
 * @example
 * ```ts
 * huber({ delta: 1 }).call(tf.tensor2d([[0, 0]]), tf.tensor2d([[0.5, 3]])).print(); // [1.3125]
 * ```
 */
export function huber(options: HuberOptions = {}): Loss {
  const fn = 'huber';
  checkKnownOptions(fn, options, ['delta']);
  const delta = checkNumber(fn, 'delta', 'delta', options.delta ?? 1, { min: 0 });
  const call = perSample((t, p) => {
    const error = tf.sub(p, t);
    const absError = tf.abs(error);
    const quadratic = tf.mul(0.5, tf.square(error));
    const linear = tf.sub(tf.mul(delta, absError), 0.5 * delta * delta);
    return tf.mean(tf.where(tf.lessEqual(absError, delta), quadratic, linear), -1);
  });
  return new LossFunctionWrapper('huber', 'Huber', call, { delta });
}

/**
 * Log-cosh loss per sample: `mean(log(cosh(yPred - yTrue)))`, computed stably as
 * `x + softplus(-2x) - log(2)`.
 *
 * @returns the `LogCosh` loss (`'log_cosh'`, alias `'logcosh'`).
 * @example
 * ```ts
 * logCosh().call(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, -1]])).print(); // [0.4338]
 * ```
 */
export function logCosh(): Loss {
  const log2 = Math.log(2);
  const call = perSample((t, p) => {
    const x = tf.sub(p, t);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), log2), -1);
  });
  return new LossFunctionWrapper('log_cosh', 'LogCosh', call);
}

/**
 * Cosine similarity loss: `-sum(l2normalize(yTrue) * l2normalize(yPred))` along `axis` (Keras's
 * normalisation: `x * rsqrt(max(sum(x^2), 1e-7^2))`). Values lie in [-1, 1]; -1 is best.
 *
 * @param options - `axis` (default `-1`).
 * @returns the `CosineSimilarity` loss.
 * @example
 * ```ts
 * cosineSimilarity().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[0, 2]])).print(); // [-1]
 * ```
 */
export function cosineSimilarity(options: CosineSimilarityOptions = {}): Loss {
  const fn = 'cosineSimilarity';
  checkKnownOptions(fn, options, ['axis']);
  const axis = options.axis ?? -1;
  check(Number.isInteger(axis), fn, 'axis must be an integer', 'axis', axis);
  const call = perSample((t, p) => tf.neg(cosine(t, p, axis)));
  return new LossFunctionWrapper('cosine_similarity', 'CosineSimilarity', call, { axis });
}

/** `sum(l2normalize(a) * l2normalize(b))` along `axis`, Keras's normalisation. @internal */
export function cosine(a: tf.Tensor, b: tf.Tensor, axis: number): tf.Tensor {
  return tf.sum(tf.mul(l2Normalize(a, axis), l2Normalize(b, axis)), axis);
}

function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  const squareSum = tf.sum(tf.square(x), axis, true);
  return tf.mul(x, tf.rsqrt(tf.maximum(squareSum, EPSILON * EPSILON)));
}
