/**
 * Real Keras files that no one here wrote (../shared/data/keras-models): each must load with
 * `loadModelHdf5` and predict the real MNIST test digits with the accuracy and the first
 * predictions recorded when Keras ran them.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { sharedData } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { Sequential } from '../models/sequential';
import { loadModelHdf5 } from './hdf5_model';
import { loadWeightsHdf5 } from './hdf5_weights';

/** A tiny IDX reader for the test (layers must not import @dlts/datasets). */
function readIdxGz(path: string): { shape: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const rank = bytes[3];
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const data = bytes.subarray(offset);
  if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${path}: size does not match the header`);
  return { shape, data };
}

interface Expected {
  input_shape: number[];
  scale: string;
  accuracy: number;
  first_predictions: number[][];
}

const images = readIdxGz(sharedData('mnist', 't10k-images-idx3-ubyte.gz'));
const labels = readIdxGz(sharedData('mnist', 't10k-labels-idx1-ubyte.gz'));

describe.each(['keras-3.3.3-mlp', 'tfkeras-2.2.4-convnet'])('the real Keras file %s', (name) => {
  const file = sharedData('keras-models', `${name}.h5`);
  const expected = JSON.parse(readFileSync(sharedData('keras-models', `${name}.expected.json`), 'utf8')) as Expected;

  it('loads, compiles from its training config, and predicts MNIST as Keras did', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModelHdf5(file);
    expect(model).toBeInstanceOf(Sequential);
    expect(model.compiled).toBeDefined();
    expect(expected.scale).toBe('1/255');
    const n = labels.shape[0];
    const x = tf.tidy(() => tf.div(tf.reshape(tf.tensor(Float32Array.from(images.data), [n, 28 * 28]), [n, ...expected.input_shape]), 255));
    const probs = model.predict(x, { batchSize: 500 }) as tf.Tensor;
    const first = tf.tidy(() => tf.slice(probs, [0, 0], [expected.first_predictions.length, 10]));
    const got = first.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - expected.first_predictions[i][j])).toBeLessThanOrEqual(1e-4)));
    const argMax = tf.argMax(probs, 1);
    const predicted = argMax.dataSync();
    let correct = 0;
    for (let i = 0; i < n; i++) if (predicted[i] === labels.data[i]) correct++;
    expect(Math.abs(correct / n - expected.accuracy)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, probs, first, argMax]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives its weights to the same architecture with loadWeightsHdf5 (model_weights group)', async () => {
    const model = await loadModelHdf5(file, { compile: false });
    expect(model.compiled).toBeUndefined();
    const reference = model.getWeights();
    // Scramble, then load the weights back from the whole-model file.
    for (const w of model.weights) w.assign(tf.zerosLike(w.variable));
    await loadWeightsHdf5(model, file);
    const again = model.getWeights();
    again.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(reference[i].dataSync())));
    tf.dispose([...reference, ...again]);
    model.dispose();
  });
});
