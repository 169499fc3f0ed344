import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { SELU } from '../activations';
import { clearSession } from '../engine/naming';
import { runLayerTest } from '../testing/layer_harness';
import { activation } from './activation';

/** erf from Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7). */
const erf = (x: number): number => {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
};
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Keras 3's activation formulas, elementwise in float64. */
const FORMULAS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  sigmoid,
  tanh: Math.tanh,
  softplus: (v) => Math.log1p(Math.exp(v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => SELU.scale * (v > 0 ? v : SELU.alpha * Math.expm1(v)),
  exponential: Math.exp,
  hard_sigmoid: (v) => Math.min(Math.max(v / 6 + 0.5, 0), 1),
  swish: (v) => v * sigmoid(v),
  silu: (v) => v * sigmoid(v),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  leaky_relu: (v) => (v > 0 ? v : 0.2 * v),
};

describe('activation', () => {
  it.each(['relu', 'sigmoid', 'softmax', 'tanh'])('passes the layer harness: %s', (name) => {
    runLayerTest({ make: () => activation({ activation: name }), inputShape: [3, 4], expectedOutputShape: [null, 4], expectedTrainableWeights: 0 });
  });

  it('passes the layer harness on rank 4 input', () => {
    runLayerTest({ make: () => activation({ activation: 'relu' }), inputShape: [2, 3, 3, 2], expectedOutputShape: [null, 3, 3, 2], expectedTrainableWeights: 0 });
  });

  it.each(Object.keys(FORMULAS))('computes Keras\'s %s', (name) => {
    const values = Array.from({ length: 41 }, (_, i) => -8 + i * 0.4);
    const x = tf.tensor2d(values, [1, values.length]);
    const y = activation({ activation: name }).apply(x);
    expectTensorsClose(y, values.map(FORMULAS[name]), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('computes softmax along the last axis', () => {
    const x = tf.tensor3d([1, 2, 3, -1, 0, 1, 5, 5, 5, 0, 0, 10], [2, 2, 3]);
    const y = activation({ activation: 'softmax' }).apply(x);
    const rows = (x.arraySync() as number[][][]).flat();
    const expected = rows.map((r) => {
      const e = r.map((v) => Math.exp(v - Math.max(...r)));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    expectTensorsClose(y, expected.flat(), { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('accepts camelCase names and functions', () => {
    const x = tf.tensor2d([[-1, 1]]);
    const y = activation({ activation: 'hardSigmoid' }).apply(x);
    expectTensorsClose(y, [[FORMULAS.hard_sigmoid(-1), FORMULAS.hard_sigmoid(1)]]);
    const double = (t: tf.Tensor) => tf.mul(t, 2);
    const z = activation({ activation: double }).apply(x);
    expectTensorsClose(z, [[-2, 2]]);
    tf.dispose([x, y, z]);
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    const x = tf.randomNormal([3, 4]);
    for (const name of Object.keys(FORMULAS)) {
      const before = tf.memory().numTensors;
      const y = activation({ activation: name }).apply(x);
      expect(tf.memory().numTensors).toBe(before + (y === x ? 0 : 1));
      if (y !== x) y.dispose();
    }
    x.dispose();
  });

  it('rejects an unknown activation with a Keras-style message', () => {
    let error: unknown;
    try {
      activation({ activation: 'relux' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DltsError);
    expect((error as DltsError).code).toBe('DLTS_VALUE');
    expect((error as DltsError).message).toMatch(/unknown activation .*Received: activation="relux"/);
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = activation({ activation: 'relu' });
    expect(layer.name).toBe('activation');
    expect(activation({ activation: 'tanh' }).name).toBe('activation_1');
    expect(layer.getConfig()).toEqual({ name: 'activation', trainable: true, dtype: 'float32', activation: 'relu' });
  });
});
