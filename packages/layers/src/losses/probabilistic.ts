import * as tf from '@tensorflow/tfjs-core';
import { EPSILON, LossFunctionWrapper, type Loss } from './loss';
import { squeezeOrExpandToSameRank, toFloat } from './same_rank';

/**
 * Poisson loss per sample: `mean(yPred - yTrue * log(yPred + 1e-7))` over the last axis.
 *
 * @returns the `Poisson` loss.
 * @example
 * ```ts
 * poisson().call(tf.tensor2d([[1, 0]]), tf.tensor2d([[1, 0.5]])).print(); // [0.25]
 * ```
 */
export function poisson(): Loss {
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      return tf.mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))), -1);
    });
  return new LossFunctionWrapper('poisson', 'Poisson', call);
}

/**
 * Kullback-Leibler divergence per sample: `sum(t * log(t / p))` over the last axis, with both
 * `t = clip(yTrue, 1e-7, 1)` and `p = clip(yPred, 1e-7, 1)` (Keras 3 clips both factors).
 *
 * @returns the `KLDivergence` loss (`'kl_divergence'`, aliases `'kld'`, `'kullback_leibler_divergence'`).
 * @example
 * ```ts
 * klDivergence().call(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0.9, 0.1]])).print(); // [0.5108]
 * ```
 */
export function klDivergence(): Loss {
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t0, p0] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      const t = tf.clipByValue(t0, EPSILON, 1);
      const p = tf.clipByValue(p0, EPSILON, 1);
      return tf.sum(tf.mul(t, tf.log(tf.div(t, p))), -1);
    });
  return new LossFunctionWrapper('kl_divergence', 'KLDivergence', call);
}
