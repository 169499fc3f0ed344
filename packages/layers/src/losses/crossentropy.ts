import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { kerasLogits } from '../keras_logits';
import { EPSILON, LossFunctionWrapper, type Loss } from './loss';
import { softmaxCrossEntropyWithLogits } from './softmax_cross_entropy';
import { assertSameShape, squeezeOrExpandToSameRank, toFloat } from './same_rank';
import { checkBoolean, checkKnownOptions, checkNumber } from './validate';

/** Options of `binaryCrossentropy` and `categoricalCrossentropy`. */
export interface CrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default `false`. */
  fromLogits?: boolean;
  /** In [0, 1]: squeezes the targets towards 0.5 (binary) or 1/numClasses (categorical). Default `0`. */
  labelSmoothing?: number;
}

/** Options of `sparseCategoricalCrossentropy`. */
export interface SparseCategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default `false`. */
  fromLogits?: boolean;
  /**
   * A label to leave out of the loss (for example a padding class): its samples contribute 0 and
   * the others are scaled by `total / valid`, so that the engine's mean over the batch equals
   * Keras's masked mean (sum over valid entries / number of valid entries). Default: none.
   */
  ignoreClass?: number | null;
}

const CE_OPTIONS = ['fromLogits', 'labelSmoothing'] as const;

/**
 * Binary crossentropy, per sample: the mean over the last axis of
 * `-(y log p + (1 - y) log(1 - p))` with `p` clipped to `[1e-7, 1 - 1e-7]` (Keras's backend), or,
 * with `fromLogits`, TensorFlow's stable `max(x, 0) - x y + log(1 + exp(-|x|))`.
 *
 * @param options - `fromLogits` (default `false`), `labelSmoothing` (default `0`).
 * @returns the `BinaryCrossentropy` loss.
 * @example
 * ```ts
 * const loss = binaryCrossentropy({ fromLogits: true });
 * const perSample = loss.call(tf.tensor2d([[0], [1]]), tf.tensor2d([[-2.5], [3]])); // shape [2]
 * ```
 */
export function binaryCrossentropy(options: CrossentropyOptions = {}): Loss {
  const fn = 'binaryCrossentropy';
  checkKnownOptions(fn, options, CE_OPTIONS);
  const fromLogits = checkBoolean(fn, 'from_logits', 'fromLogits', options.fromLogits ?? false);
  const smoothing = checkNumber(fn, 'label_smoothing', 'labelSmoothing', options.labelSmoothing ?? 0, { min: 0, max: 1 });
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      // The output of a sigmoid activation: its logits, as Keras does (see keras_logits.ts).
      const logits = fromLogits ? undefined : kerasLogits(yPred);
      let [t, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(logits ?? yPred));
      assertSameShape('binary_crossentropy', t, p);
      if (smoothing) t = tf.add(tf.mul(t, 1 - smoothing), 0.5 * smoothing);
      let elementwise: tf.Tensor;
      if (fromLogits || logits) {
        elementwise = tf.add(tf.sub(tf.relu(p), tf.mul(p, t)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
      } else {
        p = tf.clipByValue(p, EPSILON, 1 - EPSILON);
        elementwise = tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))));
      }
      return tf.mean(elementwise, -1);
    });
  return new LossFunctionWrapper('binary_crossentropy', 'BinaryCrossentropy', call, {
    from_logits: fromLogits,
    label_smoothing: smoothing,
    axis: -1,
  });
}

/**
 * Categorical crossentropy, per sample: `-sum(y log p)` over the last axis, with `p` first
 * renormalised to sum to 1 and clipped to `[1e-7, 1 - 1e-7]` (Keras's backend), or, with
 * `fromLogits`, `-sum(y logSoftmax(x))`. Targets are one-hot (or any distribution).
 *
 * As in Keras 3 (TensorFlow backend), when `yPred` is the output of a `softmax` activation in
 * `fit`/`evaluate`, the loss is computed from that activation's input (the logits): the same value
 * without the clipping, and a fused gradient (`softmax - y`). The sparse and binary (after a
 * `sigmoid`) crossentropies do the same.
 *
 * @param options - `fromLogits` (default `false`), `labelSmoothing` (default `0`).
 * @returns the `CategoricalCrossentropy` loss.
 * @example
 * ```ts
 * const loss = categoricalCrossentropy();
 * loss.call(tf.tensor2d([[0, 1, 0]]), tf.tensor2d([[0.05, 0.95, 0]])).print(); // [0.0513]
 * ```
 */
export function categoricalCrossentropy(options: CrossentropyOptions = {}): Loss {
  const fn = 'categoricalCrossentropy';
  checkKnownOptions(fn, options, CE_OPTIONS);
  const fromLogits = checkBoolean(fn, 'from_logits', 'fromLogits', options.fromLogits ?? false);
  const smoothing = checkNumber(fn, 'label_smoothing', 'labelSmoothing', options.labelSmoothing ?? 0, { min: 0, max: 1 });
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      // The output of a softmax activation: its logits, as Keras does (see keras_logits.ts).
      const logits = fromLogits ? undefined : kerasLogits(yPred);
      const [t0, p] = squeezeOrExpandToSameRank(toFloat(yTrue), toFloat(logits ?? yPred));
      assertSameShape('categorical_crossentropy', t0, p);
      let t = t0;
      if (smoothing) {
        const numClasses = p.shape[p.rank - 1];
        t = tf.add(tf.mul(t, 1 - smoothing), smoothing / numClasses);
      }
      if (fromLogits || logits) return softmaxCrossEntropyWithLogits(t, p);
      return tf.neg(tf.sum(tf.mul(t, probabilityLogs(p)), -1));
    });
  return new LossFunctionWrapper('categorical_crossentropy', 'CategoricalCrossentropy', call, {
    from_logits: fromLogits,
    label_smoothing: smoothing,
    axis: -1,
  });
}

/**
 * Sparse categorical crossentropy, per sample: `-log p[label]` with integer labels (`yTrue` of
 * shape `[batch]` or `[batch, 1]`, ints or integral floats), `p` renormalised and clipped to
 * `[1e-7, 1 - 1e-7]` as Keras does, or `-logSoftmax(x)[label]` with `fromLogits`.
 *
 * @param options - `fromLogits` (default `false`), `ignoreClass` (default none).
 * @returns the `SparseCategoricalCrossentropy` loss.
 * @example
 * ```ts
 * const loss = sparseCategoricalCrossentropy();
 * loss.call(tf.tensor1d([1, 2]), tf.tensor2d([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])); // shape [2]
 * ```
 */
export function sparseCategoricalCrossentropy(options: SparseCategoricalCrossentropyOptions = {}): Loss {
  const fn = 'sparseCategoricalCrossentropy';
  checkKnownOptions(fn, options, ['fromLogits', 'ignoreClass']);
  const fromLogits = checkBoolean(fn, 'from_logits', 'fromLogits', options.fromLogits ?? false);
  const ignoreClass =
    options.ignoreClass === undefined || options.ignoreClass === null
      ? null
      : checkNumber(fn, 'ignore_class', 'ignoreClass', options.ignoreClass);
  const call = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      // The output of a softmax activation: its logits, as Keras does (see keras_logits.ts).
      const logits = fromLogits ? undefined : kerasLogits(yPred);
      const useLogits = fromLogits || logits !== undefined;
      let t = toFloat(yTrue);
      let p = toFloat(logits ?? yPred);
      if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = tf.squeeze(t, [t.rank - 1]);
      const labelShapeOk = t.rank === p.rank - 1 && t.shape.every((d, i) => d === p.shape[i]);
      if (!labelShapeOk) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `sparse_categorical_crossentropy: yTrue must have the shape of yPred without its last axis (or with a last axis of 1). Received: yTrue.shape=${JSON.stringify(yTrue.shape)}, yPred.shape=${JSON.stringify(yPred.shape)}`,
        );
      }
      const numClasses = p.shape[p.rank - 1];
      let valid: tf.Tensor | undefined;
      if (ignoreClass !== null) {
        valid = tf.notEqual(t, ignoreClass);
        t = tf.where(valid, t, tf.zerosLike(t));
        // Keras zeroes masked rows; a uniform row gives the same (masked) result without 0/0.
        p = tf.where(tf.expandDims(valid, -1), p, tf.onesLike(p));
      }
      const oneHot = tf.oneHot(tf.cast(t, 'int32'), numClasses, 1, 0, 'float32');
      let res: tf.Tensor = useLogits ? softmaxCrossEntropyWithLogits(oneHot, p) : tf.neg(tf.sum(tf.mul(oneHot, probabilityLogs(p)), -1));
      if (valid !== undefined) {
        // Keras masks the result and reduces with weight total/valid on valid entries.
        const validF = tf.cast(valid, 'float32');
        const scale = tf.divNoNan(tf.scalar(validF.size), tf.sum(validF));
        res = tf.mul(tf.mul(res, validF), scale);
      }
      return res;
    });
  return new LossFunctionWrapper('sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy', call, {
    from_logits: fromLogits,
    ignore_class: ignoreClass,
    axis: -1,
  });
}

/** Logs of probabilities along the last axis, renormalised and clipped as Keras's backends do. */
function probabilityLogs(p: tf.Tensor): tf.Tensor {
  const normalised = tf.div(p, tf.sum(p, -1, true));
  return tf.log(tf.clipByValue(normalised, EPSILON, 1 - EPSILON));
}
