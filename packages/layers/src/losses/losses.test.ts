import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@dlts/tensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  categoricalHinge,
  cosineSimilarity,
  getLoss,
  hinge,
  huber,
  klDivergence,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
  poisson,
  sparseCategoricalCrossentropy,
  squaredHinge,
  type Loss,
} from './index';

beforeAll(async () => {
  await initBackend('cpu', { log: false });
});

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so the data is the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function uniform(shape: number[], seed: number, lo = 0, hi = 1): tf.Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, () => lo + (hi - lo) * r()), shape);
}
function softmaxRows(shape: [number, number], seed: number): tf.Tensor {
  return tf.tidy(() => tf.softmax(uniform(shape, seed, -3, 3)));
}
function oneHotRows(labels: number[], depth: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), depth), 'float32'));
}
function expectClose(actual: tf.Tensor, expected: tf.Tensor | number[] | number, tol = 1e-5): void {
  const a = Array.from(actual.dataSync());
  const e = typeof expected === 'number' ? [expected] : Array.isArray(expected) ? expected : Array.from(expected.dataSync());
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const scale = Math.max(1, Math.abs(e[i]));
    if (Math.abs(v - e[i]) > tol * scale) {
      throw new Error(`element ${i}: ${v} vs ${e[i]} (tol ${tol * scale})\nactual   ${a}\nexpected ${e}`);
    }
  });
}

/**
 * Oracle: the loss function tfjs-layers uses for a compiled model (`model.lossFunctions[0]`).
 * tfjs-layers does not export its losses publicly; compiling a one-layer model is the public path.
 */
const oracleModels: tfl.LayersModel[] = [];
function tflLoss(name: string): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const input = tfl.input({ shape: [1] });
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 1 }).apply(input) as tfl.SymbolicTensor });
  model.compile({ optimizer: 'sgd', loss: name });
  oracleModels.push(model);
  return model.lossFunctions[0] as (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}
afterAll(() => {
  for (const m of oracleModels) m.dispose();
});

function compare(loss: Loss, oracle: string, yTrue: tf.Tensor, yPred: tf.Tensor, tol = 1e-5): void {
  const ours = loss.call(yTrue, yPred);
  const theirs = tflLoss(oracle)(yTrue, yPred);
  expect(ours.shape).toEqual(theirs.shape);
  expectClose(ours, theirs, tol);
  tf.dispose([ours, theirs]);
}

describe('losses agree with tfjs-layers', () => {
  const B = 16;
  const C = 5;

  it('regression losses (mse, mae, mape, msle, logcosh, poisson)', () => {
    tf.tidy(() => {
      const yTrue = uniform([B, C], 1, -2, 2);
      const yPred = uniform([B, C], 2, -2, 2);
      compare(meanSquaredError(), 'meanSquaredError', yTrue, yPred);
      compare(meanAbsoluteError(), 'meanAbsoluteError', yTrue, yPred);
      compare(meanAbsolutePercentageError(), 'meanAbsolutePercentageError', yTrue, yPred, 1e-5);
      compare(logCosh(), 'logcosh', yTrue, yPred);
      const posTrue = uniform([B, C], 3, 0, 3);
      const posPred = uniform([B, C], 4, 0.01, 3);
      compare(meanSquaredLogarithmicError(), 'meanSquaredLogarithmicError', posTrue, posPred);
      compare(poisson(), 'poisson', posTrue, posPred);
    });
  });

  it('crossentropies from probabilities', () => {
    tf.tidy(() => {
      const labels = Array.from({ length: B }, (_, i) => (i * 7) % C);
      const probs = softmaxRows([B, C], 5);
      compare(categoricalCrossentropy(), 'categoricalCrossentropy', oneHotRows(labels, C), probs);
      compare(sparseCategoricalCrossentropy(), 'sparseCategoricalCrossentropy', tf.tensor1d(labels), probs);
      compare(sparseCategoricalCrossentropy(), 'sparseCategoricalCrossentropy', tf.tensor2d(labels, [B, 1]), probs);
      const binTrue = tf.tensor2d(Array.from({ length: B * 3 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [B, 3]);
      const binPred = uniform([B, 3], 6, 0.001, 0.999);
      compare(binaryCrossentropy(), 'binaryCrossentropy', binTrue, binPred);
    });
  });

  it('hinge losses with -1/1 labels, and kl divergence with labels inside (1e-7, 1]', () => {
    tf.tidy(() => {
      const signs = tf.tensor2d(Array.from({ length: B * C }, (_, i) => ((i * 5) % 3 === 0 ? 1 : -1)), [B, C]);
      const scores = uniform([B, C], 7, -2, 2);
      compare(hinge(), 'hinge', signs, scores);
      compare(squaredHinge(), 'squaredHinge', signs, scores);
      const labels = Array.from({ length: B }, (_, i) => (i * 3) % C);
      compare(categoricalHinge(), 'categoricalHinge', oneHotRows(labels, C), scores);
      compare(klDivergence(), 'kullbackLeiblerDivergence', softmaxRows([B, C], 8), softmaxRows([B, C], 9));
    });
  });

  it('cosine similarity (tfjs-layers cosineProximity) for vectors of ordinary size', () => {
    tf.tidy(() => {
      compare(cosineSimilarity(), 'cosineProximity', uniform([B, C], 10, -1, 1), uniform([B, C], 11, -1, 1));
    });
  });
});

describe('losses against Keras formulas computed in plain JS', () => {
  it('huber (keras/src/losses/losses.py huber): quadratic inside delta, linear outside', () => {
    tf.tidy(() => {
      const t = [0, 0, 0, 1, -1, 2];
      const p = [0.5, 3, -1.5, 1.2, 1, -2];
      for (const delta of [1, 0.5, 2.5]) {
        const perElem = t.map((ti, i) => {
          const e = Math.abs(p[i] - ti);
          return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
        });
        const expected = [0, 1].map((r) => (perElem[3 * r] + perElem[3 * r + 1] + perElem[3 * r + 2]) / 3);
        expectClose(huber({ delta }).call(tf.tensor2d(t, [2, 3]), tf.tensor2d(p, [2, 3])), expected);
      }
    });
  });

  it('hinge converts {0, 1} labels to {-1, 1} (convert_binary_labels_to_hinge), and leaves others', () => {
    tf.tidy(() => {
      const p = [-0.5, 0.3, 2, -0.2];
      const binary = [0, 1, 1, 0];
      const expectedHinge = binary.map((y, i) => Math.max(1 - (2 * y - 1) * p[i], 0));
      expectClose(hinge().call(tf.tensor2d(binary, [2, 2]), tf.tensor2d(p, [2, 2])), [
        (expectedHinge[0] + expectedHinge[1]) / 2,
        (expectedHinge[2] + expectedHinge[3]) / 2,
      ]);
      const sq = expectedHinge.map((v) => v * v);
      expectClose(squaredHinge().call(tf.tensor2d(binary, [2, 2]), tf.tensor2d(p, [2, 2])), [(sq[0] + sq[1]) / 2, (sq[2] + sq[3]) / 2]);
      // -1/1 labels are used as they are: identical to the converted 0/1 labels.
      const signs = binary.map((y) => 2 * y - 1);
      expectClose(hinge().call(tf.tensor2d(signs, [2, 2]), tf.tensor2d(p, [2, 2])), [
        (expectedHinge[0] + expectedHinge[1]) / 2,
        (expectedHinge[2] + expectedHinge[3]) / 2,
      ]);
    });
  });

  it('kl divergence clips yTrue in both factors (Keras 3), so zero labels contribute 1e-7 log(1e-7 / p)', () => {
    tf.tidy(() => {
      const t = [1, 0];
      const p = [0.8, 0.2];
      const eps = 1e-7;
      const expected = 1 * Math.log(1 / 0.8) + eps * Math.log(eps / 0.2);
      expectClose(klDivergence().call(tf.tensor2d([t]), tf.tensor2d([p])), [expected]);
    });
  });

  it('binary crossentropy from logits equals the probability form on sigmoid(x), and clips at 1e-7', () => {
    tf.tidy(() => {
      const x = [-2.5, 3, 0.1, -0.7];
      const y = [0, 1, 1, 0];
      const expected = x.map((xi, i) => Math.max(xi, 0) - xi * y[i] + Math.log1p(Math.exp(-Math.abs(xi))));
      expectClose(binaryCrossentropy({ fromLogits: true }).call(tf.tensor2d(y, [4, 1]), tf.tensor2d(x, [4, 1])), expected);
      // p = 0 and p = 1: clipped to [1e-7, 1 - 1e-7] (float32 1 - 1e-7 = 0.99999988).
      const clipped = binaryCrossentropy().call(tf.tensor2d([[1], [0]]), tf.tensor2d([[0], [1]]));
      expectClose(clipped, [-Math.log(1e-7), -Math.log(1 - Math.fround(1 - 1e-7))], 1e-4);
    });
  });

  it('label smoothing: binary towards 0.5, categorical towards 1/numClasses', () => {
    tf.tidy(() => {
      const p = [0.7, 0.2, 0.1];
      const t = [1, 0, 0];
      const ls = 0.2;
      const tc = t.map((v) => v * (1 - ls) + ls / 3);
      const expectedCce = -tc.reduce((s, v, i) => s + v * Math.log(p[i]), 0);
      expectClose(categoricalCrossentropy({ labelSmoothing: ls }).call(tf.tensor2d([t]), tf.tensor2d([p])), [expectedCce]);
      const tb = t.map((v) => v * (1 - ls) + 0.5 * ls);
      const expectedBce = -tb.reduce((s, v, i) => s + v * Math.log(p[i]) + (1 - v) * Math.log(1 - p[i]), 0) / 3;
      expectClose(binaryCrossentropy({ labelSmoothing: ls }).call(tf.tensor2d([t]), tf.tensor2d([p])), [expectedBce]);
    });
  });

  it('categorical and sparse crossentropy from logits use log-softmax', () => {
    tf.tidy(() => {
      const logits = [
        [2, -1, 0.5],
        [-0.3, 0.2, 4],
      ];
      const labels = [0, 2];
      const expected = logits.map((row, r) => {
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        return lse - row[labels[r]];
      });
      expectClose(sparseCategoricalCrossentropy({ fromLogits: true }).call(tf.tensor1d(labels), tf.tensor2d(logits)), expected);
      expectClose(categoricalCrossentropy({ fromLogits: true }).call(oneHotRows(labels, 3), tf.tensor2d(logits)), expected);
    });
  });

  it('sparse crossentropy ignoreClass: ignored samples give 0, the others are scaled by total/valid', () => {
    tf.tidy(() => {
      const probs = [
        [0.7, 0.2, 0.1],
        [0.1, 0.1, 0.8],
        [0.3, 0.3, 0.4],
        [0.25, 0.5, 0.25],
      ];
      const labels = [0, 2, -1, 1];
      const out = sparseCategoricalCrossentropy({ ignoreClass: -1 }).call(tf.tensor1d(labels), tf.tensor2d(probs));
      const valid = [-Math.log(0.7), -Math.log(0.8), 0, -Math.log(0.5)];
      expectClose(out, valid.map((v) => (v * 4) / 3));
      // The engine's mean over the batch equals Keras's masked mean: sum over valid / #valid.
      expectClose(tf.mean(out), (valid[0] + valid[1] + valid[3]) / 3);
    });
  });

  it('categorical hinge and cosine similarity (Keras normalisation) on a worked example', () => {
    tf.tidy(() => {
      expectClose(categoricalHinge().call(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.6, 0.4]])), [1.2]);
      expectClose(cosineSimilarity().call(tf.tensor2d([[0, 1], [1, 1]]), tf.tensor2d([[1, 0], [2, 2]])), [0, -1]);
      // A zero vector gives 0, not NaN.
      expectClose(cosineSimilarity().call(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 2]])), [0]);
    });
  });

  it('expands yTrue of shape [batch] against yPred [batch, 1] (LossFunctionWrapper rank handling)', () => {
    tf.tidy(() => {
      const out = meanSquaredError().call(tf.tensor1d([1, 2, 3]), tf.tensor2d([[1], [2], [5]]));
      expect(out.shape).toEqual([3]);
      expectClose(out, [0, 0, 4]);
      const bce = binaryCrossentropy().call(tf.tensor1d([1, 0]), tf.tensor2d([[0.9], [0.2]]));
      expectClose(bce, [-Math.log(0.9), -Math.log(0.8)]);
    });
  });

  it('rejects mismatched shapes with DLTS_SHAPE_MISMATCH', () => {
    expect(() => categoricalCrossentropy().call(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
      expect.objectContaining({ code: 'DLTS_SHAPE_MISMATCH' }),
    );
    expect(() => sparseCategoricalCrossentropy().call(tf.zeros([3]), tf.zeros([2, 4]))).toThrow(/sparse_categorical_crossentropy/);
  });
});

describe('getLoss', () => {
  it('resolves both spellings, class names and the Keras aliases', () => {
    const cases: [string, string, string][] = [
      ['categorical_crossentropy', 'categorical_crossentropy', 'CategoricalCrossentropy'],
      ['categoricalCrossentropy', 'categorical_crossentropy', 'CategoricalCrossentropy'],
      ['CategoricalCrossentropy', 'categorical_crossentropy', 'CategoricalCrossentropy'],
      ['binary_crossentropy', 'binary_crossentropy', 'BinaryCrossentropy'],
      ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy'],
      ['mse', 'mean_squared_error', 'MeanSquaredError'],
      ['MSE', 'mean_squared_error', 'MeanSquaredError'],
      ['mae', 'mean_absolute_error', 'MeanAbsoluteError'],
      ['mape', 'mean_absolute_percentage_error', 'MeanAbsolutePercentageError'],
      ['msle', 'mean_squared_logarithmic_error', 'MeanSquaredLogarithmicError'],
      ['kld', 'kl_divergence', 'KLDivergence'],
      ['kullback_leibler_divergence', 'kl_divergence', 'KLDivergence'],
      ['klDivergence', 'kl_divergence', 'KLDivergence'],
      ['huber_loss', 'huber', 'Huber'],
      ['huber', 'huber', 'Huber'],
      ['logcosh', 'log_cosh', 'LogCosh'],
      ['log_cosh', 'log_cosh', 'LogCosh'],
      ['poisson', 'poisson', 'Poisson'],
      ['hinge', 'hinge', 'Hinge'],
      ['squared_hinge', 'squared_hinge', 'SquaredHinge'],
      ['categoricalHinge', 'categorical_hinge', 'CategoricalHinge'],
      ['cosine_similarity', 'cosine_similarity', 'CosineSimilarity'],
      ['meanAbsolutePercentageError', 'mean_absolute_percentage_error', 'MeanAbsolutePercentageError'],
    ];
    for (const [id, name, className] of cases) {
      const loss = getLoss(id);
      expect([id, loss.name, loss.className]).toEqual([id, name, className]);
    }
  });

  it('throws DLTS_VALUE listing the known names for an unknown one', () => {
    expect(() => getLoss('categorical_crossentropyy')).toThrow(expect.objectContaining({ code: 'DLTS_VALUE' }));
    expect(() => getLoss('nope')).toThrow(/known losses: binary_crossentropy, bce, categorical_crossentropy/);
  });

  it('returns Loss objects as they are and wraps functions', () => {
    const loss = huber({ delta: 2 });
    expect(getLoss(loss)).toBe(loss);
    function myLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
      return tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1);
    }
    const wrapped = getLoss(myLoss);
    expect([wrapped.name, wrapped.className]).toEqual(['my_loss', 'LossFunctionWrapper']);
  });

  it('round-trips Keras configs', () => {
    const cce = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    expect(cce.getConfig()).toEqual({
      name: 'categorical_crossentropy',
      reduction: 'sum_over_batch_size',
      from_logits: true,
      label_smoothing: 0.1,
      axis: -1,
    });
    const back = getLoss({ className: cce.className, config: cce.getConfig() });
    expect(back.getConfig()).toEqual(cce.getConfig());
    expect(getLoss({ className: 'Huber', config: { delta: 2.5, reduction: 'sum_over_batch_size', name: 'huber_loss' } }).getConfig()).toMatchObject({
      delta: 2.5,
    });
    expect(getLoss({ className: 'function', config: 'mean_squared_error' as unknown as Record<string, unknown> }).className).toBe('MeanSquaredError');
    expect(() => getLoss({ className: 'BinaryCrossentropy', config: { reduction: 'sum' } })).toThrow(
      expect.objectContaining({ code: 'DLTS_UNSUPPORTED' }),
    );
  });

  it('validates options with Keras-style messages', () => {
    expect(() => binaryCrossentropy({ labelSmoothing: 2 })).toThrow(
      'binaryCrossentropy: label_smoothing must be a number in [0, 1]. Received: labelSmoothing=2',
    );
    expect(() => categoricalCrossentropy({ fromLogits: 'yes' as unknown as boolean })).toThrow(
      'categoricalCrossentropy: from_logits must be a boolean. Received: fromLogits="yes"',
    );
    expect(() => huber({ delta: -1 })).toThrow('huber: delta must be a number >= 0. Received: delta=-1');
    expect(() => binaryCrossentropy({ from_logits: true } as unknown as { fromLogits: boolean })).toThrow(/argument\(s\) not recognized: from_logits/);
  });
});

describe('no leaked tensors', () => {
  it('every loss call leaves only its result', () => {
    const yTrue = oneHotRows([0, 1, 2, 1], 3);
    const yPred = softmaxRows([4, 3], 12);
    const labels = tf.tensor1d([0, 1, 2, 1]);
    const losses = [
      'binary_crossentropy',
      'categorical_crossentropy',
      'mse',
      'mae',
      'mape',
      'msle',
      'huber',
      'logcosh',
      'poisson',
      'kld',
      'hinge',
      'squared_hinge',
      'categorical_hinge',
      'cosine_similarity',
    ].map((n) => getLoss(n));
    const before = tf.memory().numTensors;
    for (const loss of losses) loss.call(yTrue, yPred).dispose();
    sparseCategoricalCrossentropy({ ignoreClass: 2 }).call(labels, yPred).dispose();
    sparseCategoricalCrossentropy().call(labels, yPred).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred, labels]);
  });

  it('gradients flow through the crossentropies (used by the engine)', () => {
    tf.tidy(() => {
      const y = oneHotRows([0, 2], 3);
      const logits = tf.tensor2d([
        [1, 2, 3],
        [0.5, -1, 2],
      ]);
      const g = tf.grad((x: tf.Tensor) => tf.mean(categoricalCrossentropy({ fromLogits: true }).call(y, x)))(logits);
      // d/dx mean(CE) = (softmax(x) - y) / batch
      expectClose(g, tf.div(tf.sub(tf.softmax(logits), y), 2));
    });
  });
});
