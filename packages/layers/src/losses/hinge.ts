import * as tf from '@tensorflow/tfjs-core';
import { LossFunctionWrapper, type Loss } from './loss';
import { squeezeOrExpandToSameRank, toFloat } from './same_rank';

/**
 * Keras's `convert_binary_labels_to_hinge`: when every label is 0 or 1, maps them to -1 and 1;
 * otherwise leaves them as they are. Decided on the device (no read-back): `y + isBinary (y - 1)`.
 */
function toHingeLabels(y: tf.Tensor): tf.Tensor {
  const isBinary = tf.cast(tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1))), 'float32');
  return tf.add(y, tf.mul(isBinary, tf.sub(y, 1)));
}

/**
 * Hinge loss per sample: `mean(max(1 - yTrue * yPred, 0))` over the last axis. Labels should be
 * -1 or 1; labels given as 0/1 are converted to -1/1 as Keras does.
 *
 * @returns the `Hinge` loss.
 * @example
 * ```ts
 * hinge().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[-0.5, 0.3]])).print(); // [0.6]
 * ```
 */
export function hinge(): Loss {
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      return tf.mean(tf.relu(tf.sub(1, tf.mul(toHingeLabels(t), p))), -1);
    });
  return new LossFunctionWrapper('hinge', 'Hinge', call);
}

/**
 * Squared hinge loss per sample: `mean(max(1 - yTrue * yPred, 0)^2)` over the last axis, with
 * 0/1 labels converted to -1/1 as Keras does.
 *
 * @returns the `SquaredHinge` loss.
 * @example
 * ```ts
 * squaredHinge().call(tf.tensor2d([[-1, 1]]), tf.tensor2d([[-0.5, 0.3]])).print(); // [0.37]
 * ```
 */
export function squaredHinge(): Loss {
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      return tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(toHingeLabels(t), p)))), -1);
    });
  return new LossFunctionWrapper('squared_hinge', 'SquaredHinge', call);
}

/**
 * Categorical hinge loss per sample: `max(max((1 - yTrue) * yPred) - sum(yTrue * yPred) + 1, 0)`
 * with one-hot `yTrue`.
 *
 * @returns the `CategoricalHinge` loss.
 * @example
 * ```ts
 * categoricalHinge().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.6, 0.4]])).print(); // [1.2]
 * ```
 */
export function categoricalHinge(): Loss {
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(yPred));
      const pos = tf.sum(tf.mul(t, p), -1);
      const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
      return tf.relu(tf.add(tf.sub(neg, pos), 1));
    });
  return new LossFunctionWrapper('categorical_hinge', 'CategoricalHinge', call);
}
