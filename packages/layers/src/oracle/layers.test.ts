/**
 * Oracle comparisons, layer by layer: each dlts layer against the same layer of
 * `@tensorflow/tfjs-layers` (a dev dependency, on the same tfjs-core engine), with the same
 * weights: the inference output, and for layers with weights one SGD step of a one-layer model
 * (the loss it reports and the updated weights), within 1e-5.
 *
 * Where tfjs-layers deviates from Keras (or cannot train a case), the case says so
 * (`tfjsDeviates`, `forwardOnly`): ours is compared with Keras's formula instead, here or in the
 * layer's own test.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { input } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import { activation } from '../layers/activation';
import { batchNormalization } from '../layers/batch_normalization';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { embedding } from '../layers/embedding';
import { flatten } from '../layers/flatten';
import { globalAveragePooling2d, globalMaxPooling2d } from '../layers/global_pooling2d';
import { averagePooling2d, maxPooling2d } from '../layers/pooling2d';
import { reshape } from '../layers/reshape';
import { sequential } from '../models/sequential';
import { sgd } from '../optimizers/index';

const TOL = { atol: 1e-5, rtol: 1e-5 };

interface OracleCase {
  name: string;
  ours: () => Layer;
  theirs: () => tfl.layers.Layer;
  /** Input shape with the batch axis. */
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Integer inputs are drawn in [0, maxIndex). */
  maxIndex?: number;
  /** Why the training step is not compared (tfjs-layers cannot do it, or does it unlike Keras). */
  forwardOnly?: string;
  /** Why the forward pass is compared with Keras's formula rather than tfjs-layers. */
  tfjsDeviates?: string;
}

const CASES: OracleCase[] = [
  { name: 'dense relu', ours: () => dense({ units: 5, activation: 'relu' }), theirs: () => tfl.layers.dense({ units: 5, activation: 'relu' }), shape: [4, 6] },
  { name: 'dense softmax', ours: () => dense({ units: 3, activation: 'softmax' }), theirs: () => tfl.layers.dense({ units: 3, activation: 'softmax' }), shape: [4, 6] },
  { name: 'dense sigmoid, no bias', ours: () => dense({ units: 2, activation: 'sigmoid', useBias: false }), theirs: () => tfl.layers.dense({ units: 2, activation: 'sigmoid', useBias: false }), shape: [4, 6] },
  { name: 'dense tanh on rank 3', ours: () => dense({ units: 4, activation: 'tanh' }), theirs: () => tfl.layers.dense({ units: 4, activation: 'tanh' }), shape: [3, 5, 6] },
  { name: 'conv2d 3x3 relu', ours: () => conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), theirs: () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), shape: [2, 8, 7, 3] },
  {
    name: 'conv2d [3, 2] strides 2 same sigmoid',
    ours: () => conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'sigmoid' }),
    theirs: () => tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'sigmoid' }),
    shape: [2, 8, 7, 3],
  },
  {
    name: 'conv2d 1x1 linear, no bias',
    ours: () => conv2d({ filters: 2, kernelSize: 1, useBias: false }),
    theirs: () => tfl.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false }),
    shape: [2, 4, 4, 3],
  },
  {
    name: 'conv2d dilation 2, same',
    ours: () => conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }),
    theirs: () => tfl.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }),
    shape: [2, 9, 8, 3],
    forwardOnly: 'tfjs has no gradient for dilated convolutions; conv2d.test.ts checks ours against a direct computation',
  },
  { name: 'maxPooling2d default', ours: () => maxPooling2d(), theirs: () => tfl.layers.maxPooling2d({}), shape: [2, 7, 8, 3] },
  { name: 'maxPooling2d 3, strides 2, same', ours: () => maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), theirs: () => tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), shape: [2, 7, 8, 3] },
  { name: 'averagePooling2d default', ours: () => averagePooling2d(), theirs: () => tfl.layers.averagePooling2d({}), shape: [2, 7, 8, 3] },
  {
    name: 'averagePooling2d [3, 2], strides 1, same',
    ours: () => averagePooling2d({ poolSize: [3, 2], strides: 1, padding: 'same' }),
    theirs: () => tfl.layers.averagePooling2d({ poolSize: [3, 2], strides: 1, padding: 'same' }),
    shape: [2, 7, 8, 3],
  },
  { name: 'globalAveragePooling2d', ours: () => globalAveragePooling2d(), theirs: () => tfl.layers.globalAveragePooling2d({}), shape: [2, 5, 4, 3] },
  { name: 'globalMaxPooling2d', ours: () => globalMaxPooling2d(), theirs: () => tfl.layers.globalMaxPooling2d({}), shape: [2, 5, 4, 3] },
  { name: 'flatten', ours: () => flatten(), theirs: () => tfl.layers.flatten(), shape: [2, 3, 4, 5] },
  { name: 'dropout (inference)', ours: () => dropout({ rate: 0.5 }), theirs: () => tfl.layers.dropout({ rate: 0.5 }), shape: [3, 7] },
  { name: 'reshape', ours: () => reshape({ targetShape: [3, -1] }), theirs: () => tfl.layers.reshape({ targetShape: [3, -1] }), shape: [2, 12] },
  { name: 'batchNormalization rank 2', ours: () => batchNormalization(), theirs: () => tfl.layers.batchNormalization({}), shape: [8, 5] },
  { name: 'batchNormalization rank 4', ours: () => batchNormalization({ momentum: 0.9 }), theirs: () => tfl.layers.batchNormalization({ momentum: 0.9 }), shape: [4, 3, 3, 2] },
  {
    name: 'batchNormalization rank 4, axis 1',
    ours: () => batchNormalization({ axis: 1 }),
    theirs: () => tfl.layers.batchNormalization({ axis: 1 }),
    shape: [4, 3, 5, 2],
    // Measured: a difference of about 12 on unit-scale data.
    tfjsDeviates: "tfjs's batchNorm kernel broadcasts the statistics along the last axis only, so tfjs-layers is wrong for axis 1",
    forwardOnly: 'tfjs-layers trains through the same kernel; batch_normalization.test.ts checks our gradients against the explicit formula',
  },
  {
    name: 'embedding',
    ours: () => embedding({ inputDim: 12, outputDim: 4 }),
    theirs: () => tfl.layers.embedding({ inputDim: 12, outputDim: 4 }),
    shape: [4, 6],
    dtype: 'int32',
    maxIndex: 12,
  },
  // Activations where tfjs-layers computes Keras's formula. Not compared: hard_sigmoid (tfjs
  // keeps Keras 2's 0.2x + 0.5; Keras 3, and we, use x / 6 + 0.5), leaky_relu (no tfjs
  // activation string); activation.test.ts checks those against Keras 3's formulas.
  ...['relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'elu', 'selu', 'linear', 'swish', 'gelu'].map(
    (name): OracleCase => ({
      name: `activation ${name}`,
      ours: () => activation({ activation: name }),
      theirs: () => tfl.layers.activation({ activation: name as never }),
      shape: [3, 4, 5],
    }),
  ),
];

// Not compared with tfjs-layers at all: a frozen BatchNormalization (`trainable = false`). tfjs-layers
// still uses batch statistics in training; Keras 2.1+/3 (and we) run it in inference mode, which
// batch_normalization.test.ts checks.

function makeInput(c: OracleCase, seed: number): tf.Tensor {
  return c.dtype === 'int32' ? tf.randomUniform(c.shape, 0, c.maxIndex ?? 5, 'int32', seed) : tf.randomNormal(c.shape, 0, 1, 'float32', seed);
}

/** Non-trivial values for weights that start as constants (bias, BN statistics), so the comparison means something. */
function perturbed(weights: tf.Tensor[], names: string[]): tf.Tensor[] {
  return weights.map((w, i) => {
    const name = names[i];
    if (name.endsWith('kernel') || name.endsWith('embeddings')) return w;
    const noise = name.endsWith('variance') || name.endsWith('gamma') ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', 100 + i) : tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i);
    w.dispose();
    return noise;
  });
}

describe('layers agree with tfjs-layers', () => {
  it.each(CASES)('inference output: $name', (c) => {
    const x = makeInput(c, 1);
    const ours = c.ours();
    const theirs = c.theirs();
    // Build both (identity layers return their input: keep it).
    tf.dispose([ours.apply(x), theirs.apply(x) as tf.Tensor].filter((t) => t !== x));
    const weights = perturbed(ours.getWeights(), ours.weights.map((w) => w.name));
    ours.setWeights(weights);
    theirs.setWeights(weights);
    const a = ours.apply(x, { training: false });
    const b = theirs.apply(x, { training: false }) as tf.Tensor;
    if (c.tfjsDeviates) {
      // tfjs-layers deviates here: compare with Keras's formula instead,
      // gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta along axis 1.
      const [gamma, beta, mean, variance] = weights.map((w) => tf.reshape(w, [1, w.shape[0], 1, 1]));
      const keras = tf.tidy(() => tf.add(tf.mul(gamma, tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)))), beta));
      expectTensorsClose(a, keras, TOL);
      tf.dispose([gamma, beta, mean, variance, keras]);
    } else {
      expectTensorsClose(a, b, TOL);
    }
    tf.dispose([x, a, b, ...weights]); // (a and b may be x: disposing twice is harmless)
    ours.dispose();
    theirs.dispose();
  });

  const TRAINABLE = CASES.filter((c) => /^(dense|conv2d|batchNormalization|embedding)/.test(c.name) && !c.forwardOnly);

  it.each(TRAINABLE)('one SGD step of a one-layer model: $name', async (c) => {
    const x = makeInput(c, 2);
    const ourLayer = c.ours();
    const ourModel = sequential([input({ shape: c.shape.slice(1), dtype: c.dtype ?? 'float32' }), ourLayer]);
    const theirLayer = c.theirs();
    const theirModel = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: c.shape.slice(1), dtype: c.dtype ?? 'float32' }), theirLayer] });
    const weights = perturbed(ourLayer.getWeights(), ourLayer.weights.map((w) => w.name));
    ourLayer.setWeights(weights);
    theirLayer.setWeights(weights);
    const outShape = (theirLayer.outputShape as number[]).map((d, i) => (i === 0 ? c.shape[0] : d));
    const y = tf.randomNormal(outShape, 0, 1, 'float32', 3);

    ourModel.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    theirModel.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const ourLogs = ourModel.trainOnBatch(x, y);
    const theirLoss = (await theirModel.trainOnBatch(x, y)) as number;
    expect(Math.abs(ourLogs.loss - theirLoss)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(theirLoss));

    const ourAfter = ourLayer.getWeights();
    const theirAfter = theirLayer.getWeights();
    expect(ourAfter).toHaveLength(theirAfter.length);
    ourAfter.forEach((w, i) => expectTensorsClose(w, theirAfter[i], TOL));
    // Something was learnt (so the comparison is not of two untouched copies).
    expect(ourAfter.some((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w, weights[i]))).dataSync()[0]) > 1e-4)).toBe(true);

    // tfjs-layers' getWeights returns the variables' own tensors: theirModel.dispose frees them.
    tf.dispose([x, y, ...weights, ...ourAfter]);
    ourModel.dispose();
    theirModel.dispose();
  });
});
