import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@dlts/tensors';
import { conv2d, input, maxPooling2d, model, type Model } from '@dlts/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFeatures, type FeatureBatch } from './extract_features';

setSeed(7);
const x = input({ shape: [6, 6, 3] });
const base: Model = model({ inputs: x, outputs: maxPooling2d({ poolSize: 2 }).apply(conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x)) });
const images = tf.randomUniform([10, 6, 6, 3], 0, 1, 'float32', 3);
const labels = tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1, 1, 1]);
afterAll(() => {
  base.dispose();
  tf.dispose([images, labels]);
});

/** An endless generator of batches of `size`, cycling through the 10 samples (as a flow does). */
function* flow(size: number, withLabels = true): Generator<FeatureBatch> {
  for (let start = 0; ; start = (start + size) % 10) {
    const n = Math.min(size, 10 - start);
    const xb = tf.slice(images, start, n);
    yield withLabels ? [xb, tf.slice(labels, start, n)] : xb;
  }
}

describe('extractFeatures', () => {
  it('collects exactly sampleCount samples, the last batch partial, and frees every batch', async () => {
    const reference = base.predict(images) as tf.Tensor;
    const before = tf.memory().numTensors;
    const { features, labels: y } = await extractFeatures(base, flow(3), 7);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(features.shape).toEqual([7, 3, 3, 4]);
    expect(y!.shape).toEqual([7]);
    expect(Array.from(y!.dataSync())).toEqual([0, 1, 1, 0, 1, 0, 0]);
    const want = tf.slice(reference, 0, 7);
    expect(Array.from(features.dataSync())).toEqual(Array.from(want.dataSync()));
    tf.dispose([features, y!, want, reference]);
  });

  it('takes async iterators and batches without labels; one-hot labels keep their shape', async () => {
    async function* asyncFlow(): AsyncGenerator<FeatureBatch> {
      yield* flow(4, false);
    }
    const a = await extractFeatures(base, asyncFlow(), 10);
    expect(a.features.shape).toEqual([10, 3, 3, 4]);
    expect(a.labels).toBeUndefined();
    function* oneHot(): Generator<FeatureBatch> {
      yield [tf.slice(images, 0, 5), tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3)];
    }
    const b = await extractFeatures(base, oneHot(), 5);
    expect(b.labels!.shape).toEqual([5, 3]);
    tf.dispose([a.features, b.features, b.labels!]);
  });

  it('fails clearly when the generator ends too soon or sampleCount is bad, without leaking', async () => {
    function* short(): Generator<FeatureBatch> {
      yield [tf.slice(images, 0, 4), tf.slice(labels, 0, 4)];
    }
    const before = tf.memory().numTensors;
    await expect(extractFeatures(base, short(), 6)).rejects.toThrow('extractFeatures: the generator ended after 4 sample(s), before sampleCount. Received: sampleCount=6');
    expect(tf.memory().numTensors).toBe(before);
    await expect(extractFeatures(base, flow(2), 0)).rejects.toThrow('extractFeatures: sampleCount must be a positive integer. Received: sampleCount=0');
    await expect(extractFeatures(base, 42 as never, 2)).rejects.toMatchObject({ code: 'DLTS_VALUE' });
  });
});
