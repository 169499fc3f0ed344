import * as tf from '@tensorflow/tfjs-core';

/**
 * A non-trainable variable holding `init()`, without leaking the initial tensor: the variable
 * shares its data, the temporary is tidied away. Variables survive the engine's `tf.tidy`.
 * @internal
 */
export function stateVariable(init: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(init(), false));
}
