/**
 * Oracle comparisons of the course's models against `@tensorflow/tfjs-layers` (same tfjs-core
 * engine, same weights): chapter 2's MNIST dense network and chapter 4's MNIST convnet (same
 * predictions; same loss and weights after two RMSprop steps), and chapter 3's binary classifier
 * and regression network (same `evaluate` loss and metric). Tolerance 1e-5 throughout.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { toCategorical } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import type { Model } from '../models/model';
import { sequential } from '../models/sequential';
import { rmsprop } from '../optimizers/index';

const TOL = { atol: 1e-5, rtol: 1e-5 };

/** Keras's RMSprop defaults in tfjs terms: learning rate 1e-3, rho 0.9, no momentum, epsilon 1e-7. */
const tfjsRmsprop = () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7);

/** Gives the tfjs model our initial weights (same order: layer by layer, kernel then bias). */
function copyWeights(ours: Model, theirs: tfl.LayersModel): void {
  const weights = ours.getWeights();
  theirs.setWeights(weights);
  tf.dispose(weights);
}

function expectSameWeights(ours: Model, theirs: tfl.LayersModel): void {
  const a = ours.getWeights();
  // tfjs-layers returns its variables' own tensors: not ours to dispose.
  const b = theirs.getWeights();
  expect(a.map((t) => t.shape)).toEqual(b.map((t) => t.shape));
  a.forEach((t, i) => expectTensorsClose(t, b[i], TOL));
  tf.dispose(a);
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(expected));
}

/** Two training steps on both models: the losses each step, then the weights. */
async function twoStepsAgree(ours: Model, theirs: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  const start = ours.getWeights();
  for (let step = 0; step < 2; step++) {
    const logs = ours.trainOnBatch(x, y);
    const out = (await theirs.trainOnBatch(x, y)) as number[];
    expectClose(logs.loss, out[0]);
    expectClose(logs.accuracy, out[1]);
  }
  expectSameWeights(ours, theirs);
  // Every weight moved (RMSprop's first steps are about lr = 1e-3 per weight), so the
  // comparison is not of two untouched copies.
  const after = ours.getWeights();
  after.forEach((t, i) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(t, start[i]))).dataSync()[0])).toBeGreaterThan(1e-4));
  tf.dispose([...start, ...after]);
}

/** Predictions of both models on `x`. */
function samePredictions(ours: Model, theirs: tfl.LayersModel, x: tf.Tensor): void {
  const a = ours.predict(x) as tf.Tensor;
  const b = theirs.predict(x) as tf.Tensor;
  expectTensorsClose(a, b, TOL);
  tf.dispose([a, b]);
}

function oneHotBatch(n: number, classes: number, seed: number): tf.Tensor {
  return tf.tidy(() => toCategorical(tf.randomUniform([n], 0, classes, 'int32', seed), classes));
}

describe('course models agree with tfjs-layers', () => {
  it('chapter 2: MNIST dense network (784-512-10, rmsprop, categorical crossentropy)', async () => {
    const ours = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
    ours.compile({ optimizer: rmsprop(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const theirs = tfl.sequential({
      layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })],
    });
    theirs.compile({ optimizer: tfjsRmsprop(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    copyWeights(ours, theirs);

    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 21);
    const y = oneHotBatch(8, 10, 22);
    samePredictions(ours, theirs, x);
    await twoStepsAgree(ours, theirs, x, y);
    samePredictions(ours, theirs, x);

    tf.dispose([x, y]);
    ours.dispose();
    theirs.dispose();
  });

  it('chapter 4: MNIST convnet (conv 32-64-64, max pooling, dense 64-10, rmsprop)', async () => {
    const ours = sequential([
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: [2, 2] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
      maxPooling2d({ poolSize: [2, 2] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
      flatten(),
      dense({ units: 64, activation: 'relu' }),
      dense({ units: 10, activation: 'softmax' }),
    ]);
    ours.compile({ optimizer: rmsprop(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1] }),
        tfl.layers.maxPooling2d({ poolSize: [2, 2] }),
        tfl.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: [2, 2] }),
        tfl.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 64, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    theirs.compile({ optimizer: tfjsRmsprop(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    copyWeights(ours, theirs);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(ours.countParams()).toBe(93322);

    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 31);
    const y = oneHotBatch(8, 10, 32);
    samePredictions(ours, theirs, x);
    await twoStepsAgree(ours, theirs, x, y);
    samePredictions(ours, theirs, x);

    tf.dispose([x, y]);
    ours.dispose();
    theirs.dispose();
  });

  it('chapter 3: binary classification (16-16-1, binary crossentropy, accuracy): evaluate', async () => {
    const features = 200;
    const ours = sequential([
      dense({ units: 16, activation: 'relu', inputShape: [features] }),
      dense({ units: 16, activation: 'relu' }),
      dense({ units: 1, activation: 'sigmoid' }),
    ]);
    ours.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [features] }),
        tfl.layers.dense({ units: 16, activation: 'relu' }),
        tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    theirs.compile({ optimizer: tfjsRmsprop(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    copyWeights(ours, theirs);

    // Multi-hot "reviews" and labels; 100 samples so the last evaluation batch is partial.
    const x = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([100, features], 0, 1, 'float32', 41), 0.1), 'float32'));
    const y = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([100, 1], 0, 1, 'float32', 42), 0.5), 'float32'));
    const batchX = tf.slice(x, [0, 0], [16, features]);
    const batchY = tf.slice(y, [0, 0], [16, 1]);
    await twoStepsAgree(ours, theirs, batchX, batchY);

    const result = await ours.evaluate(x, y, { batchSize: 32 });
    const [loss, accuracy] = (await theirs.evaluate(x, y, { batchSize: 32 })) as tf.Scalar[];
    expect(Object.keys(result)).toEqual(['loss', 'accuracy']);
    expectClose(result.loss, loss.dataSync()[0]);
    expectClose(result.accuracy, accuracy.dataSync()[0]);

    tf.dispose([x, y, batchX, batchY, loss, accuracy]);
    ours.dispose();
    theirs.dispose();
  });

  it('chapter 3: regression (64-64-1, mse with mae): evaluate', async () => {
    const ours = sequential([dense({ units: 64, activation: 'relu', inputShape: [13] }), dense({ units: 64, activation: 'relu' }), dense({ units: 1 })]);
    ours.compile({ optimizer: 'rmsprop', loss: 'mse', metrics: ['mae'] });
    const theirs = tfl.sequential({
      layers: [tfl.layers.dense({ units: 64, activation: 'relu', inputShape: [13] }), tfl.layers.dense({ units: 64, activation: 'relu' }), tfl.layers.dense({ units: 1 })],
    });
    theirs.compile({ optimizer: tfjsRmsprop(), loss: 'meanSquaredError', metrics: ['mae'] });
    copyWeights(ours, theirs);

    // Standardised features and house prices around 22 (Boston-like); 50 samples, batches of 16.
    const x = tf.randomNormal([50, 13], 0, 1, 'float32', 51);
    const y = tf.randomNormal([50, 1], 22, 9, 'float32', 52);
    for (let step = 0; step < 2; step++) {
      const logs = ours.trainOnBatch(x, y);
      const out = (await theirs.trainOnBatch(x, y)) as number[];
      expectClose(logs.loss, out[0]);
      expectClose(logs.mae, out[1]);
    }
    expectSameWeights(ours, theirs);

    const result = await ours.evaluate(x, y, { batchSize: 16 });
    const [loss, mae] = (await theirs.evaluate(x, y, { batchSize: 16 })) as tf.Scalar[];
    expect(Object.keys(result)).toEqual(['loss', 'mae']);
    expectClose(result.loss, loss.dataSync()[0]);
    expectClose(result.mae, mae.dataSync()[0]);

    tf.dispose([x, y, loss, mae]);
    ours.dispose();
    theirs.dispose();
  });
});
