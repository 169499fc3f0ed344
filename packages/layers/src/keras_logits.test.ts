import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense } from './layers/dense';
import { getLoss } from './losses/get_loss';
import { sequential } from './models/sequential';

/**
 * A one-input network whose output layer maps x = 1 to the logits `logits` (kernel = logits,
 * bias 0), then `activation`.
 */
function net(logits: number[], activation: 'softmax' | 'sigmoid', loss: string) {
  const m = sequential([dense({ units: logits.length, activation, inputShape: [1] })]);
  m.setWeights([tf.tensor2d([logits]), tf.zeros([logits.length])]);
  m.compile({ optimizer: 'sgd', loss });
  return m;
}

describe("Keras's _keras_logits: crossentropy on a softmax/sigmoid output uses the logits in fit and evaluate", () => {
  const x = tf.ones([1, 1]);
  // Keras 3 (TensorFlow backend) gives log(1 + e^40) = 40 for these; the clipped probability
  // path would give about -log(1e-7) = 16.118.
  it.each([
    { loss: 'categorical_crossentropy', activation: 'softmax' as const, logits: [0, 40], y: tf.tensor2d([[1, 0]]), clipped: 16.118 },
    { loss: 'sparse_categorical_crossentropy', activation: 'softmax' as const, logits: [0, 40], y: tf.tensor1d([0]), clipped: 16.118 },
    // 1 - 1e-7 in float32 is 1 - 1.19e-7: -log(1.19e-7) = 15.942.
    { loss: 'binary_crossentropy', activation: 'sigmoid' as const, logits: [40], y: tf.tensor2d([[0]]), clipped: 15.942 },
  ])('$loss after $activation: unclipped loss, finite gradient, no leak', async ({ loss, activation, logits, y, clipped }) => {
    const m = net(logits, activation, loss);
    const before = tf.memory().numTensors;
    const evaluated = (await m.evaluate(x, y)) as Record<string, number>;
    expect(evaluated.loss).toBeCloseTo(40, 4);
    const trained = m.trainOnBatch(x, y);
    expect(trained.loss).toBeCloseTo(40, 4);
    expect(tf.memory().numTensors).toBe(before);
    // SGD at lr 0.01 moved the logits by 0.01 * d loss / d logit = 0.01 * (p - y): finite, about 0.01.
    const kernel = m.getWeights()[0].arraySync() as number[][];
    const moved = kernel[0].map((v, i) => v - logits[i]);
    expect(moved.every(Number.isFinite)).toBe(true);
    expect(Math.max(...moved.map(Math.abs))).toBeCloseTo(0.01, 4);
    // Outside fit/evaluate (no recording) the loss sees the probabilities, clipped as Keras's are.
    const p = m.predict(x) as tf.Tensor;
    expect((getLoss(loss).call(y, p).arraySync() as number[])[0]).toBeCloseTo(clipped, 2);
    tf.dispose(p);
    m.dispose();
  });
});
