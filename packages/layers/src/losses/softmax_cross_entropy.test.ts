import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { expect, it } from 'vitest';
import { describeOnSuiteAndCpu } from '../testing/on_backends';
import { softmaxCrossEntropyWithLogits } from './softmax_cross_entropy';

/** -sum(labels * logSoftmax(logits)) over the last axis, differentiated by tfjs. */
const reference = (labels: tf.Tensor, logits: tf.Tensor): tf.Tensor => tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1));

// The suite's backend (the native kernel when DLTS_BACKEND=native) and the cpu backend (tfjs ops).
describeOnSuiteAndCpu('softmaxCrossEntropyWithLogits', () => {
  it.each([
    { name: 'one-hot labels', shape: [6, 10], labels: 'onehot' },
    { name: 'smoothed labels', shape: [4, 3], labels: 'smooth' },
    { name: 'labels not summing to 1', shape: [3, 5], labels: 'free' },
    { name: 'rank 3', shape: [2, 3, 4], labels: 'onehot' },
    { name: 'large logits', shape: [2, 3], labels: 'onehot', scale: 80 },
  ])('equals -sum(y logSoftmax(x)), value and gradient: $name', ({ shape, labels, scale }) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const logits = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), scale ?? 3);
      const classes = shape[shape.length - 1];
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const hot = tf.reshape(tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => (i * 7) % classes), 'int32'), classes), shape);
      const y = labels === 'onehot' ? hot : labels === 'smooth' ? tf.add(tf.mul(hot, 0.9), 0.1 / classes) : tf.randomUniform(shape, 0, 1, 'float32', 8);
      const dy = tf.randomNormal(shape.slice(0, -1), 0, 1, 'float32', 9);
      const got = softmaxCrossEntropyWithLogits(y, logits);
      expect(got.shape).toEqual(shape.slice(0, -1));
      expectTensorsClose(got, reference(y, logits), { atol: 1e-4, rtol: 1e-4 });
      const g = tf.grad((x: tf.Tensor) => tf.mul(softmaxCrossEntropyWithLogits(y, x), dy))(logits);
      const want = tf.grad((x: tf.Tensor) => tf.mul(reference(y, x), dy))(logits);
      expectTensorsClose(g, want, { atol: 1e-5, rtol: 1e-5 });
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
