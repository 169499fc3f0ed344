import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nativeAvailable, onBothBackends, randomTensor } from '../test_util';
import { SOFTMAX_CROSS_ENTROPY } from './softmax_cross_entropy';

/** The kernel's two outputs written with tfjs ops: -sum(y logSoftmax(x)), softmax(x) sum(y) - y. */
function reference(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor[] {
  const loss = tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1));
  const backprop = tf.sub(tf.mul(tf.softmax(logits), tf.sum(labels, -1, true)), labels);
  return [loss, backprop];
}

describe.skipIf(!nativeAvailable)('DltsSoftmaxCrossEntropy (native) vs tfjs ops (cpu)', () => {
  it.each([
    { rows: 1, classes: 1, scale: 1, labels: 'uniform' },
    { rows: 1, classes: 10, scale: 1, labels: 'onehot' },
    { rows: 128, classes: 10, scale: 5, labels: 'onehot' },
    { rows: 7, classes: 46, scale: 30, labels: 'free' },
    { rows: 300, classes: 129, scale: 2, labels: 'free' },
  ])('$rows x $classes, logits x$scale, $labels labels', async ({ rows, classes, scale, labels }) => {
    let first = true;
    const { native, cpu } = await onBothBackends(() => {
      const logits = tf.mul(randomTensor([rows, classes], 11), scale);
      const y =
        labels === 'onehot'
          ? tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => (i * 5) % classes), 'int32'), classes, 1, 0, 'float32')
          : labels === 'uniform'
            ? tf.fill([rows, classes], 1 / classes)
            : randomTensor([rows, classes], 12, 0, 1);
      const out = first ? (tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels: y }, {}) as tf.Tensor[]) : reference(logits, y);
      first = false;
      return out;
    });
    expect(native.map((o) => o.shape)).toEqual([[rows], [rows, classes]]);
    native.forEach((n, i) => {
      expect(n.shape).toEqual(cpu[i].shape);
      n.data.forEach((v, j) => expect(Math.abs(v - cpu[i].data[j])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(cpu[i].data[j])));
    });
  });

  it('rejects inputs it cannot take, with the shapes in the message', async () => {
    const previous = tf.getBackend();
    await tf.setBackend('native');
    try {
      const logits = tf.zeros([2, 3]);
      const labels = tf.zeros([2, 4]);
      expect(() => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, labels }, {})).toThrow(/same shape \[rows, classes\].*\[2,3\].*\[2,4\]/);
      tf.dispose([logits, labels]);
    } finally {
      await tf.setBackend(previous);
    }
  });
});
