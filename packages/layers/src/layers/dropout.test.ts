import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { expectValueError, runLayerTest } from '../testing/layer_harness';
import { dropout } from './dropout';

describe('dropout', () => {
  it.each([
    { name: 'rate 0.5, rank 2', args: { rate: 0.5 }, inputShape: [4, 6] },
    { name: 'rate 0.2, rank 4', args: { rate: 0.2 }, inputShape: [2, 3, 3, 2] },
    { name: 'rate 0', args: { rate: 0 }, inputShape: [2, 3] },
    { name: 'noiseShape and seed', args: { rate: 0.3, noiseShape: [null, 1, 4], seed: 3 }, inputShape: [2, 5, 4] },
  ])('passes the layer harness: $name', ({ args, inputShape }) => {
    runLayerTest({ make: () => dropout(args), inputShape, expectedOutputShape: [null, ...inputShape.slice(1)], expectedTrainableWeights: 0 });
  });

  it('is the identity at inference', () => {
    const layer = dropout({ rate: 0.5 });
    const x = tf.randomNormal([10, 10]);
    for (const options of [undefined, {}, { training: false }]) {
      const y = layer.apply(x, options);
      expectTensorsClose(y, x, { atol: 0 });
      if (y !== x) y.dispose();
    }
    x.dispose();
  });

  it.each([0.1, 0.3, 0.5, 0.8])('in training zeroes about `rate` = %s of the values and scales the rest by 1 / (1 - rate)', (rate) => {
    setSeed(123);
    const layer = dropout({ rate });
    const x = tf.randomUniform([200, 100], 1, 2, 'float32', 1);
    const y = layer.apply(x, { training: true });
    const xv = x.dataSync();
    const yv = y.dataSync();
    let zeros = 0;
    for (let i = 0; i < yv.length; i++) {
      if (yv[i] === 0) zeros++;
      else expect(Math.abs(yv[i] - xv[i] / (1 - rate))).toBeLessThan(1e-5);
    }
    // 20000 draws: the standard deviation of the fraction is below 0.0036.
    expect(Math.abs(zeros / yv.length - rate)).toBeLessThan(0.02);
    tf.dispose([x, y]);
  });

  it('is deterministic under setSeed, and draws a new mask on every call', () => {
    const layer = dropout({ rate: 0.5 });
    const x = tf.ones([8, 8]);
    setSeed(7);
    const a = layer.apply(x, { training: true });
    const b = layer.apply(x, { training: true });
    setSeed(7);
    const c = layer.apply(x, { training: true });
    expectTensorsClose(c, a, { atol: 0 });
    expect(Array.from(b.dataSync())).not.toEqual(Array.from(a.dataSync()));
    setSeed(8);
    const d = layer.apply(x, { training: true });
    expect(Array.from(d.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, c, d]);
  });

  it('with a seed, draws a new mask per call from its own reproducible stream (Keras 3 SeedGenerator)', () => {
    const x = tf.ones([8, 8]);
    const first = dropout({ rate: 0.5, seed: 11 });
    const second = dropout({ rate: 0.5, seed: 11 });
    setSeed(1);
    const a1 = first.apply(x, { training: true });
    const a2 = first.apply(x, { training: true });
    setSeed(2); // the global stream plays no part
    const b1 = second.apply(x, { training: true });
    const b2 = second.apply(x, { training: true });
    expect(Array.from(a2.dataSync())).not.toEqual(Array.from(a1.dataSync()));
    expectTensorsClose(b1, a1, { atol: 0 });
    expectTensorsClose(b2, a2, { atol: 0 });
    tf.dispose([x, a1, a2, b1, b2]);
  });

  it('shares one mask along the axes where noiseShape is 1', () => {
    setSeed(1);
    const layer = dropout({ rate: 0.5, noiseShape: [null, 1, 6] });
    const x = tf.ones([3, 5, 6]);
    const y = layer.apply(x, { training: true });
    const values = y.arraySync() as number[][][];
    for (const sample of values) for (const row of sample) expect(row).toEqual(sample[0]);
    expect(new Set(values.flat(2))).toEqual(new Set([0, 2]));
    tf.dispose([x, y]);
  });

  it('passes the gradient only through the kept values', () => {
    setSeed(2);
    const layer = dropout({ rate: 0.25 });
    const x = tf.ones([4, 4]);
    setSeed(2);
    const y = layer.apply(x, { training: true });
    setSeed(2);
    const g = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t, { training: true })))(x);
    expectTensorsClose(g, y, { atol: 1e-6 });
    tf.dispose([x, y, g]);
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    const layer = dropout({ rate: 0.5 });
    const x = tf.ones([4, 4]);
    const before = tf.memory().numTensors;
    const y = layer.apply(x, { training: true });
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });

  it('rejects bad arguments with Keras-style messages', () => {
    expectValueError(() => dropout({ rate: 1 }), 'dropout: rate must be a number in [0, 1). Received: rate=1');
    expectValueError(() => dropout({ rate: -0.1 }), /rate=-0.1/);
    expectValueError(() => dropout({ rate: '0.5' as never }), /rate="0.5"/);
    expectValueError(() => dropout({} as never), /rate=undefined/);
    expectValueError(() => dropout({ rate: 0.5, noiseShape: [null, 0] }), 'dropout: noiseShape must be positive integers or null. Received: noiseShape=[null,0]');
    expectValueError(() => dropout({ rate: 0.5, seed: 1.5 }), 'dropout: seed must be an integer. Received: seed=1.5');
  });

  it('rejects a noiseShape that does not broadcast to the input', () => {
    const layer = dropout({ rate: 0.5, noiseShape: [null, 3] });
    const x = tf.ones([2, 4]);
    expect(() => layer.apply(x, { training: true })).toThrow(/noiseShape must broadcast to the input shape \(2, 4\) .*Received: noiseShape=\[null,3\]/);
    x.dispose();
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = dropout({ rate: 0.5 });
    expect(layer.name).toBe('dropout');
    expect(dropout({ rate: 0.1 }).name).toBe('dropout_1');
    expect(layer.getConfig()).toEqual({ name: 'dropout', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null });
  });
});
