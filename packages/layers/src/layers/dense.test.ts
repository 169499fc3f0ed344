import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { l2 } from '../regularizers';
import { expectValueError, runLayerTest } from '../testing/layer_harness';
import { dense } from './dense';

describe('dense', () => {
  it.each([
    { name: 'rank 2, relu', make: () => dense({ units: 5, activation: 'relu' }), inputShape: [3, 4], out: [null, 5], weights: 2 },
    { name: 'rank 2, softmax', make: () => dense({ units: 3, activation: 'softmax' }), inputShape: [2, 6], out: [null, 3], weights: 2 },
    { name: 'rank 2, sigmoid, no bias', make: () => dense({ units: 1, activation: 'sigmoid', useBias: false }), inputShape: [4, 3], out: [null, 1], weights: 1 },
    { name: 'rank 2, l2 regularizer', make: () => dense({ units: 2, kernelRegularizer: l2(0.01) }), inputShape: [2, 3], out: [null, 2], weights: 2 },
    { name: 'rank 3, linear', make: () => dense({ units: 5 }), inputShape: [2, 3, 4], out: [null, 3, 5], weights: 2 },
    { name: 'rank 3, tanh, he_normal', make: () => dense({ units: 2, activation: 'tanh', kernelInitializer: 'he_normal' }), inputShape: [2, 3, 4], out: [null, 3, 2], weights: 2 },
    { name: 'rank 4, relu', make: () => dense({ units: 3, activation: 'relu' }), inputShape: [2, 2, 3, 4], out: [null, 2, 3, 3], weights: 2 },
  ])('passes the layer harness: $name', ({ make, inputShape, out, weights }) => {
    runLayerTest({ make, inputShape, expectedOutputShape: out, expectedTrainableWeights: weights });
  });

  it('computes activation(x . kernel + bias) on the last axis, for rank 2 and rank 3', () => {
    const layer = dense({ units: 2, activation: 'relu', kernelInitializer: 'ones', biasInitializer: { className: 'Constant', config: { value: -1 } } });
    const x2 = tf.tensor2d([
      [1, 2],
      [-3, 0.5],
    ]);
    const y2 = layer.apply(x2);
    expectTensorsClose(y2, tf.tensor2d([
      [2, 2],
      [0, 0],
    ]));
    const x3 = tf.reshape(tf.tensor1d([1, 2, -3, 0.5, 0, 1]), [1, 3, 2]);
    const y3 = layer.apply(x3);
    expectTensorsClose(y3, tf.reshape(tf.tensor1d([2, 2, 0, 0, 0, 0]), [1, 3, 2]));
    tf.dispose([x2, y2, x3, y3]);
    layer.dispose();
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    for (const activation of ['relu', 'sigmoid', 'softmax']) {
      for (const shape of [[2, 3], [2, 4, 3]]) {
        const layer = dense({ units: 2, activation });
        const x = tf.ones(shape);
        tf.dispose(layer.apply(x)); // build
        const before = tf.memory().numTensors;
        const y = layer.apply(x);
        expect(tf.memory().numTensors).toBe(before + 1);
        tf.dispose([x, y]);
        layer.dispose();
      }
    }
  });

  it('rejects bad arguments with Keras-style messages', () => {
    expectValueError(() => dense({ units: 0 }), 'dense: units must be a positive integer. Received: units=0');
    expectValueError(() => dense({ units: -3 }), /units=-3/);
    expectValueError(() => dense({ units: 2.5 }), /units=2\.5/);
    expectValueError(() => dense({} as never), /units=undefined/);
    expectValueError(() => dense({ units: 2, activation: 'nope' }), /activation="nope"/);
    expectValueError(() => dense({ units: 2, kernelInitializer: 'nope' }), /Received: "nope"/);
    expectValueError(() => dense({ units: 2, inputShape: 'x' as never }), /inputShape="x"/);
  });

  it('rejects an input whose last axis does not match the kernel', () => {
    const layer = dense({ units: 2 });
    const a = tf.ones([1, 3]);
    const b = tf.ones([1, 4]);
    tf.dispose(layer.apply(a));
    expect(() => layer.apply(b)).toThrow(/expected axis -1 of input shape to have value 3. Received: input shape \(1, 4\)/);
    tf.dispose([a, b]);
    layer.dispose();
  });

  it('is named as in Keras: dense, dense_1, ...', () => {
    clearSession();
    expect(dense({ units: 1 }).name).toBe('dense');
    expect(dense({ units: 1 }).name).toBe('dense_1');
    expect(dense({ units: 1, name: 'out' }).name).toBe('out');
    expect(dense({ units: 1 }).name).toBe('dense_2');
  });

  it('writes a Keras config', () => {
    clearSession();
    const config = dense({ units: 4, activation: 'relu', inputShape: [8] }).getConfig();
    expect(config).toMatchObject({
      name: 'dense',
      trainable: true,
      dtype: 'float32',
      batch_input_shape: [null, 8],
      units: 4,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
    });
  });
});
