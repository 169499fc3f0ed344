import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from './errors';

/**
 * Reshapes in row-major (C) order, as R keras's `array_reshape()` and numpy's `reshape`: the last
 * axis varies fastest. This is how the course turns `[60000, 28, 28]` images into `[60000, 784]`
 * rows, and it is what `tf.reshape` does.
 *
 * R's own `dim(x) <- c(...)` refills in column-major (Fortran) order instead, which scrambles
 * images laid out by Keras; use {@link reshapeColumnMajor} when you need R's `dim<-` behaviour.
 *
 * @param x - the tensor.
 * @param shape - the new shape; one entry may be -1.
 * @example
 * ```ts
 * const rows = arrayReshape(images, [images.shape[0], 28 * 28]);
 * ```
 */
export function arrayReshape(x: tf.Tensor, shape: number[]): tf.Tensor {
  checkShape('arrayReshape', x, shape);
  return tf.reshape(x, shape);
}

/**
 * Reshapes in column-major (Fortran) order, as R's `dim(x) <- shape`: the first axis varies
 * fastest. Provided to reproduce R code exactly and to show how it differs from
 * {@link arrayReshape}.
 *
 * @example
 * ```ts
 * // R: x <- 1:6; dim(x) <- c(3, 2)   =>  columns (1 2 3) and (4 5 6)
 * reshapeColumnMajor(tf.tensor1d([1, 2, 3, 4, 5, 6]), [3, 2]).arraySync(); // [[1,4],[2,5],[3,6]]
 * ```
 */
export function reshapeColumnMajor(x: tf.Tensor, shape: number[]): tf.Tensor {
  checkShape('reshapeColumnMajor', x, shape);
  return tf.tidy(() => {
    const flat = tf.reshape(x.rank > 1 ? tf.transpose(x) : x, [-1]);
    const reversed = shape.slice().reverse();
    const filled = tf.reshape(flat, reversed);
    return shape.length > 1 ? tf.transpose(filled) : filled;
  });
}

function checkShape(fn: string, x: tf.Tensor, shape: number[]): void {
  const unknown = shape.filter((d) => d === -1).length;
  const bad = shape.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const fits = unknown === 0 ? known === x.size : unknown === 1 && known > 0 && x.size % known === 0;
  if (bad || unknown > 1 || !fits) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `${fn}: cannot reshape a tensor of shape [${x.shape.join(', ')}] (${x.size} values). Received: shape=[${shape.join(', ')}]`,
    );
  }
}
