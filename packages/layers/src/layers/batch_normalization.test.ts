import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { sequential } from '../models/sequential';
import { sgd } from '../optimizers/index';
import { expectDltsError, runLayerTest } from '../testing/layer_harness';
import { batchNormalization, type BatchNormalizationArgs } from './batch_normalization';
import { dense } from './dense';

/** Keras's formula, per feature along `axis`: gamma * (x - mean) / sqrt(var + eps) + beta. */
function normalize(x: tf.Tensor, axis: number, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape.map((d, i) => (i === axis ? d : 1));
    const r = (t: tf.Tensor) => tf.reshape(t, shape);
    return tf.add(tf.mul(r(gamma), tf.div(tf.sub(x, r(mean)), tf.sqrt(tf.add(r(variance), epsilon)))), r(beta));
  });
}

/** Batch mean and biased variance over every axis but `axis`. */
function batchMoments(x: tf.Tensor, axis: number): { mean: tf.Tensor; variance: tf.Tensor } {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
  return tf.moments(x, axes);
}

/** A layer with non-trivial gamma, beta and moving statistics. */
function randomized(args: BatchNormalizationArgs, x: tf.Tensor) {
  const layer = batchNormalization(args);
  tf.dispose(layer.apply(x));
  const values = layer.weights.map((w, i) =>
    // gamma and moving_variance positive, beta and moving_mean around 0.
    w.shortName === 'gamma' || w.shortName === 'moving_variance' ? tf.randomUniform(w.shape, 0.5, 2, 'float32', i + 1) : tf.randomNormal(w.shape, 0, 1, 'float32', i + 1),
  );
  layer.setWeights(values);
  tf.dispose(values);
  return layer;
}

describe('batchNormalization', () => {
  it.each([
    { name: 'rank 2', args: {}, inputShape: [4, 5], trainable: 2 },
    { name: 'rank 4, channels last', args: {}, inputShape: [3, 4, 4, 2], trainable: 2 },
    { name: 'rank 4, axis 1', args: { axis: 1 }, inputShape: [3, 2, 4, 5], trainable: 2 },
    { name: 'rank 4, axis -3', args: { axis: -3 }, inputShape: [3, 2, 4, 5], trainable: 2 },
    { name: 'rank 3, no center', args: { center: false }, inputShape: [3, 4, 5], trainable: 1 },
    { name: 'rank 2, no scale, momentum 0.9', args: { scale: false, momentum: 0.9, epsilon: 1e-5 }, inputShape: [6, 3], trainable: 1 },
  ])('passes the layer harness: $name', ({ args, inputShape, trainable }) => {
    runLayerTest({
      make: () => batchNormalization(args),
      inputShape,
      expectedOutputShape: [null, ...inputShape.slice(1)],
      expectedTrainableWeights: trainable,
      expectedNonTrainableWeights: 2,
    });
  });

  it.each([
    { name: 'rank 2', axis: -1, shape: [8, 5] },
    { name: 'rank 4, axis -1', axis: -1, shape: [3, 4, 4, 2] },
    { name: 'rank 4, axis 1', axis: 1, shape: [3, 2, 4, 5] },
  ])('trains on batch statistics and moves the moving averages with momentum: $name', ({ axis, shape }) => {
    const x = tf.randomNormal(shape, 2, 3, 'float32', 9);
    const momentum = 0.8;
    const layer = randomized({ axis, momentum }, x);
    const a = axis < 0 ? shape.length + axis : axis;
    const [gamma, beta, movingMean, movingVariance] = layer.getWeights();
    const { mean, variance } = batchMoments(x, a);

    const y = layer.apply(x, { training: true });
    const expected = normalize(x, a, mean, variance, gamma, beta, 1e-3);
    expectTensorsClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
    // moving = moving * momentum + batch * (1 - momentum), with the biased batch variance (Keras 3).
    const mm = tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum));
    const mv = tf.add(tf.mul(movingVariance, momentum), tf.mul(variance, 1 - momentum));
    expectTensorsClose(layer.movingMean!.variable, mm, { atol: 1e-5, rtol: 1e-5 });
    expectTensorsClose(layer.movingVariance!.variable, mv, { atol: 1e-5, rtol: 1e-5 });

    // Inference uses (and keeps) the moving statistics.
    const z = layer.apply(x, { training: false });
    expectTensorsClose(z, normalize(x, a, mm, mv, gamma, beta, 1e-3), { atol: 1e-5, rtol: 1e-5 });
    expectTensorsClose(layer.movingMean!.variable, mm);
    tf.dispose([x, gamma, beta, movingMean, movingVariance, mean, variance, y, expected, mm, mv, z]);
    layer.dispose();
  });

  it('runs in inference mode when frozen, even with training: true, and keeps its moving statistics (Keras 2.1+/3)', () => {
    const x = tf.randomNormal([8, 3], 1, 2, 'float32', 5);
    const layer = randomized({}, x);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(4);
    const [gamma, beta, movingMean, movingVariance] = layer.getWeights();
    const y = layer.apply(x, { training: true });
    const expected = normalize(x, 1, movingMean, movingVariance, gamma, beta, 1e-3);
    expectTensorsClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
    expectTensorsClose(layer.movingMean!.variable, movingMean, { atol: 0 });
    expectTensorsClose(layer.movingVariance!.variable, movingVariance, { atol: 0 });
    tf.dispose([x, y, expected, gamma, beta, movingMean, movingVariance]);
    layer.dispose();
  });

  it('keeps a frozen layer frozen inside fit: no weight moves, and the output uses the moving statistics', async () => {
    const bn = batchNormalization({ inputShape: [4] });
    const m = sequential([bn, dense({ units: 1 })]);
    bn.trainable = false;
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    const x = tf.randomNormal([16, 4], 3, 2, 'float32', 1);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    const before = bn.getWeights();
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    bn.getWeights().forEach((w, i) => {
      expectTensorsClose(w, before[i], { atol: 0 });
      w.dispose();
    });
    // Unfrozen (and recompiled), the same fit moves the moving statistics.
    bn.trainable = true;
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const moved = bn.movingMean!.variable.dataSync();
    expect(Array.from(moved).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y, ...before]);
    m.dispose();
  });

  it.each([
    { name: 'axis -1 (fused kernel)', axis: -1, shape: [6, 4], args: {} },
    { name: 'axis -1, no center, no scale', axis: -1, shape: [6, 4], args: { center: false, scale: false } },
    { name: 'axis 1 of rank 4', axis: 1, shape: [2, 3, 2, 4], args: { axis: 1 } },
    { name: 'axis 1 of rank 4, no center', axis: 1, shape: [2, 3, 2, 4], args: { axis: 1, center: false } },
  ])('has the gradients of the explicit formula in training mode: $name', ({ axis, shape, args }) => {
    const x = tf.randomNormal(shape, 1, 2, 'float32', 12);
    const layer = randomized({ center: true, scale: true, ...args }, x);
    const a = axis < 0 ? shape.length + axis : axis;
    const r = tf.randomNormal(shape, 0, 1, 'float32', 13);
    const vars = layer.trainableWeights.map((w) => w.variable);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }), r)))(x);
    const oursW = vars.length > 0 ? tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }), r)) as tf.Scalar, vars) : { value: tf.scalar(0), grads: {} };
    const reference = (t: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = batchMoments(t, a);
      return tf.sum(tf.mul(normalize(t, a, mean, variance, gamma, beta, 1e-3), r));
    };
    const n = shape[a];
    const gamma = layer.gamma?.variable ?? tf.ones([n]);
    const beta = layer.beta?.variable ?? tf.zeros([n]);
    const [gx, gg, gb] = tf.grads((t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => reference(t, g, b))([x, gamma, beta]);
    expectTensorsClose(ours, gx, { atol: 1e-4, rtol: 1e-4 });
    if (layer.gamma) expectTensorsClose(oursW.grads[layer.gamma.variable.name], gg, { atol: 1e-4, rtol: 1e-4 });
    if (layer.beta) expectTensorsClose(oursW.grads[layer.beta.variable.name], gb, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, r, ours, oursW.value, ...Object.values(oursW.grads), gx, gg, gb]);
    if (!layer.gamma) gamma.dispose();
    if (!layer.beta) beta.dispose();
    layer.dispose();
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    for (const [axis, training] of [
      [-1, false],
      [-1, true],
      [1, false],
      [1, true],
    ] as const) {
      const layer = batchNormalization({ axis });
      const x = tf.randomNormal([2, 3, 4, 5]);
      tf.dispose(layer.apply(x));
      const before = tf.memory().numTensors;
      const y = layer.apply(x, { training });
      expect(tf.memory().numTensors).toBe(before + 1);
      tf.dispose([x, y]);
      layer.dispose();
    }
  });

  it('rejects bad arguments with Keras-style messages', () => {
    expectDltsError(() => batchNormalization({ momentum: 1.5 }), 'batchNormalization: momentum must be in [0, 1]. Received: momentum=1.5');
    expectDltsError(() => batchNormalization({ momentum: Number.NaN }), /momentum must be in \[0, 1\]. Received: momentum=/);
    expectDltsError(() => batchNormalization({ epsilon: 0 }), 'batchNormalization: epsilon must be positive. Received: epsilon=0');
    expectDltsError(() => batchNormalization({ gammaInitializer: 'nope' }), /Received: "nope"/);
    expectDltsError(() => batchNormalization({ axis: 1.5 }), 'batchNormalization: axis must be an integer. Received: axis=1.5');
  });

  it('rejects an input of another rank or another size along the axis', () => {
    const layer = batchNormalization();
    const x = tf.ones([2, 3]);
    tf.dispose(layer.apply(x));
    const wide = tf.ones([2, 4]);
    const deep = tf.ones([2, 5, 3]);
    expectDltsError(() => layer.apply(wide), /expected rank 2 with axis -1 of size 3. Received: input shape \(2, 4\)/, 'DLTS_SHAPE_MISMATCH');
    expectDltsError(() => layer.apply(deep), /Received: input shape \(2, 5, 3\)/, 'DLTS_SHAPE_MISMATCH');
    tf.dispose([x, wide, deep]);
    layer.dispose();
  });

  it('rejects the batch axis or an axis outside the input', () => {
    expectDltsError(() => batchNormalization({ axis: 0 }).build([null, 3]), /axis 0 must be a known, non-batch axis. Received: input shape \(None, 3\)/, 'DLTS_SHAPE_MISMATCH');
    expectDltsError(() => batchNormalization({ axis: 3 }).build([null, 3]), /axis 3/, 'DLTS_SHAPE_MISMATCH');
    expectDltsError(() => batchNormalization({ axis: -3 }).build([null, 3]), /axis -3/, 'DLTS_SHAPE_MISMATCH');
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = batchNormalization();
    expect(layer.name).toBe('batch_normalization');
    expect(batchNormalization().name).toBe('batch_normalization_1');
    expect(layer.getConfig()).toMatchObject({
      name: 'batch_normalization',
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} },
      gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} },
      moving_variance_initializer: { class_name: 'Ones', config: {} },
    });
  });

  it('names its weights as Keras: gamma, beta, moving_mean, moving_variance', () => {
    clearSession();
    const layer = batchNormalization();
    const x = tf.ones([2, 3]);
    tf.dispose(layer.apply(x));
    expect(layer.weights.map((w) => w.name)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
    x.dispose();
    layer.dispose();
  });
});
