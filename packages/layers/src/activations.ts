import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { withKerasLogits } from './keras_logits';

/** An elementwise (or, for softmax, last-axis) activation function. */
export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

const SELU_ALPHA = 1.6732632423543772; // 1.6732632423543772848170429916717, to double precision
const SELU_SCALE = 1.0507009873554805; // 1.0507009873554804934193349852946, to double precision

const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  // Both remember their input for the crossentropy losses, as Keras's `_keras_logits`.
  sigmoid: (x) => withKerasLogits(tf.sigmoid(x), x),
  softmax: (x) => withKerasLogits(tf.softmax(x, -1), x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  tanh: (x) => tf.tanh(x),
  selu: (x) => tf.selu(x),
  elu: (x) => tf.elu(x),
  exponential: (x) => tf.exp(x),
  hard_sigmoid: (x) => tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  gelu: (x) =>
    // Keras's default gelu (approximate=False): 0.5 * x * (1 + erf(x / sqrt(2)))
    tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
};

/** Names accepted for `activation`: Keras's, in snake_case or camelCase. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS);

/** Keras's SELU constants, exposed for tests and docs. */
export const SELU = { alpha: SELU_ALPHA, scale: SELU_SCALE } as const;

/**
 * Resolves an activation: a Keras name (`'relu'`, `'softmax'`, `'hardSigmoid'`), a function, or
 * `null`/`undefined` for linear.
 *
 * @throws DltsError `DLTS_VALUE` for an unknown name.
 * @example
 * ```ts
 * getActivation('relu')(tf.tensor1d([-1, 2])); // [0, 2]
 * ```
 */
export function getActivation(identifier: string | ActivationFn | null | undefined): { name: string; fn: ActivationFn } {
  if (identifier === null || identifier === undefined) return { name: 'linear', fn: ACTIVATIONS.linear };
  if (typeof identifier === 'function') return { name: identifier.name || 'custom', fn: identifier };
  const key = identifier.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const fn = ACTIVATIONS[key];
  if (!fn) {
    throw new DltsError(
      'DLTS_VALUE',
      `getActivation: unknown activation (known: ${ACTIVATION_NAMES.join(', ')}). Received: activation=${received(identifier)}`,
    );
  }
  return { name: key, fn };
}
