/**
 * `DltsSoftmaxCrossEntropy`: the loss and gradient of a softmax crossentropy on logits in one
 * kernel (TensorFlow's `SoftmaxCrossEntropyWithLogits`), which @dlts/layers' crossentropy losses
 * use when the backend has it, in place of about ten elementwise ops and their gradients.
 *
 * Inputs `{logits, labels}`, float32 `[rows, classes]`; outputs `[loss, backprop]`:
 * `loss[r] = -sum(labels[r] * logSoftmax(logits[r]))` (shape `[rows]`) and
 * `backprop[r] = softmax(logits[r]) * sum(labels[r]) - labels[r]` (shape `[rows, classes]`).
 *
 * @packageDocumentation
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, nativeKernel, output, type NativeKernelArgs } from './kernel_util';

/**
 * Kernel name of the fused softmax crossentropy (see the module documentation).
 *
 * @example
 * ```ts
 * const [loss, backprop] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }, {}) as tf.Tensor[];
 * ```
 */
export const SOFTMAX_CROSS_ENTROPY = 'DltsSoftmaxCrossEntropy';

/** `DltsSoftmaxCrossEntropy` on the native backend. */
export const softmaxCrossEntropyConfig: KernelConfig = nativeKernel(SOFTMAX_CROSS_ENTROPY, ({ inputs, backend }: NativeKernelArgs): TensorInfo[] => {
  const { logits, labels } = inputs;
  const x = float32Values(backend, logits);
  const y = float32Values(backend, labels);
  const shape = logits?.shape ?? [];
  const sameShape = labels !== undefined && labels.shape.length === 2 && labels.shape[0] === shape[0] && labels.shape[1] === shape[1];
  if (!x || !y || shape.length !== 2 || !sameShape) {
    throw new Error(
      `@dlts/backend-native: ${SOFTMAX_CROSS_ENTROPY} needs float32 logits and labels of the same shape [rows, classes]. Received: logits ${logits?.dtype} ${JSON.stringify(shape)}, labels ${labels?.dtype} ${JSON.stringify(labels?.shape)}`,
    );
  }
  const [rows, classes] = shape;
  const loss = backend.outputFloat32(rows);
  const backprop = backend.outputFloat32(x.length);
  if (x.length > 0) backend.addon.softmaxCrossEntropy(x, y, loss, backprop, rows, classes);
  return [output(backend, [rows], loss), output(backend, [rows, classes], backprop)];
});
