import * as tf from '@tensorflow/tfjs-core';

/**
 * Name of the fused kernel a backend may provide (`@dlts/backend-native` does): inputs
 * `{logits, labels}` of shape `[rows, classes]`, outputs `[loss, backprop]` where
 * `loss[r] = -sum(labels[r] * logSoftmax(logits[r]))` and
 * `backprop[r] = softmax(logits[r]) * sum(labels[r]) - labels[r]` (TensorFlow's
 * `SoftmaxCrossEntropyWithLogits`, with the gradient exact for labels that do not sum to 1).
 *
 * @internal
 */
export const SOFTMAX_CROSS_ENTROPY = 'DltsSoftmaxCrossEntropy';

/**
 * Per-sample `-sum(labels * logSoftmax(logits))` over the last axis, with a fused gradient
 * (`softmax * sum(labels) - labels`, times the incoming gradient): TensorFlow's
 * `softmax_cross_entropy_with_logits`, which Keras's categorical crossentropy uses for logits.
 * Runs as one kernel when the backend has {@link SOFTMAX_CROSS_ENTROPY}, otherwise as a few tfjs
 * ops. The labels are constants for the gradient (only the logits are differentiated).
 *
 * @param labels - targets, the shape of `logits` (cast to float32).
 * @param logits - logits, last axis = classes (cast to float32).
 * @returns the loss, `logits`'s shape without its last axis.
 * @internal
 */
export function softmaxCrossEntropyWithLogits(labels: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const classes = logits.shape[logits.rank - 1];
  const lead = logits.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const flat = (t: tf.Tensor): tf.Tensor2D => {
    const f = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
    return f.rank === 2 ? (f as tf.Tensor2D) : tf.reshape(f, [rows, classes]);
  };
  const y = flat(labels);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [loss, backprop] = forward(y, x);
    save([backprop]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.reshape(dy, [rows, 1])),
    };
  });
  const loss = op(flat(logits)) as tf.Tensor;
  return lead.length === 1 ? loss : tf.reshape(loss, lead);
}

function forward(labels: tf.Tensor2D, logits: tf.Tensor2D): [tf.Tensor, tf.Tensor] {
  if (tf.getKernel(SOFTMAX_CROSS_ENTROPY, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }, {}) as [tf.Tensor, tf.Tensor];
  }
  const lse = tf.logSumExp(logits, -1, true);
  const logProbs = tf.sub(logits, lse);
  const loss = tf.neg(tf.sum(tf.mul(labels, logProbs), -1));
  const backprop = tf.sub(tf.mul(tf.exp(logProbs), tf.sum(labels, -1, true)), labels);
  return [loss, backprop];
}
