import * as tf from '@tensorflow/tfjs-core';

/**
 * Keras's `_keras_logits`: a `softmax` or `sigmoid` activation remembers its input, and the
 * crossentropy losses computed on its output use those logits instead (`from_logits`), as Keras 3
 * does on its TensorFlow backend (and tf.keras did in graph mode). Same loss, but more stable
 * (no clipping at 1e-7) and much cheaper to differentiate: one fused softmax-crossentropy instead
 * of the softmax, clip, log, multiply and sum chain and their gradients.
 *
 * Remembering keeps a tensor alive, so it happens only inside {@link recordKerasLogits} (the
 * training and test steps of `fit`/`evaluate`), whose caller disposes what was kept.
 *
 * @packageDocumentation
 * @internal
 */

/** The tensors kept by the active recording, if one is running. */
let recording: tf.Tensor[] | undefined;
const registry = new WeakMap<tf.Tensor, tf.Tensor>();

/**
 * Runs `fn` while `softmax`/`sigmoid` activations remember their logits; the logits kept are
 * pushed to `kept`, which the caller disposes when the step is over.
 *
 * @internal
 */
export function recordKerasLogits<T>(kept: tf.Tensor[], fn: () => T): T {
  const previous = recording;
  recording = kept;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/**
 * Called by the `softmax` and `sigmoid` activations: remembers `logits` for `output` when a
 * recording is running.
 *
 * @returns `output`.
 * @internal
 */
export function withKerasLogits(output: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  if (recording !== undefined) {
    // A clone: `logits` may be a tensor the caller owns (or one a layer's tidy disposes); the
    // clone stays on the gradient tape (Identity), so gradients reach the weights through it.
    const kept = tf.keep(tf.clone(logits));
    recording.push(kept);
    registry.set(output, kept);
  }
  return output;
}

/**
 * The logits `output` was computed from by a `softmax`/`sigmoid` activation during a recording
 * that is still alive, if any.
 *
 * @internal
 */
export function kerasLogits(output: tf.Tensor): tf.Tensor | undefined {
  const logits = registry.get(output);
  return logits !== undefined && !logits.isDisposed && !output.isDisposed ? logits : undefined;
}
