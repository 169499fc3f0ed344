import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from './errors';

/**
 * One-hot encodes integer class labels, as Keras's `to_categorical` (R: `to_categorical(y)`).
 *
 * @param y - integer labels in `[0, numClasses)`: a tensor of any shape, an array or a typed array.
 * @param numClasses - the number of classes; default `max(y) + 1`, as Keras.
 * @returns a float32 tensor of shape `[...y.shape, numClasses]` (a trailing dimension of 1 in a
 *   tensor `y` is dropped first, as Keras does for `y` of shape `[n, 1]`).
 * @throws DltsError `DLTS_VALUE` for negative, fractional or out-of-range labels.
 * @example
 * ```ts
 * toCategorical([5, 0, 4], 10).arraySync()[0]; // [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
 * ```
 */
export function toCategorical(y: tf.Tensor | ArrayLike<number>, numClasses?: number): tf.Tensor {
  let shape: number[];
  let values: ArrayLike<number>;
  if (y instanceof tf.Tensor) {
    shape = y.shape.length > 1 && y.shape[y.shape.length - 1] === 1 ? y.shape.slice(0, -1) : y.shape.slice();
    values = y.dataSync();
  } else {
    shape = [y.length];
    values = y;
  }
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new DltsError(
        'DLTS_VALUE',
        `toCategorical: labels must be non-negative integers. Received: y[${i}]=${received(v)}`,
      );
    }
    if (v > max) max = v;
  }
  const classes = numClasses ?? max + 1;
  if (!Number.isInteger(classes) || classes < 1) {
    throw new DltsError('DLTS_VALUE', `toCategorical: numClasses must be a positive integer. Received: numClasses=${received(numClasses)}`);
  }
  if (max >= classes) {
    throw new DltsError(
      'DLTS_VALUE',
      `toCategorical: every label must be < numClasses. Received: numClasses=${classes} with a label ${max}`,
    );
  }
  const out = new Float32Array(values.length * classes);
  for (let i = 0; i < values.length; i++) out[i * classes + values[i]] = 1;
  return tf.tensor(out, [...shape, classes], 'float32');
}
