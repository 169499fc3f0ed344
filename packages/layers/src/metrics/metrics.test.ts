import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@dlts/tensors';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getLoss } from '../losses/index';
import {
  AUC,
  Mean,
  Precision,
  Recall,
  accuracyKind,
  auc,
  binaryAccuracy,
  categoricalAccuracy,
  falseNegatives,
  falsePositives,
  getMetric,
  precision,
  recall,
  rootMeanSquaredError,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
  trueNegatives,
  truePositives,
  type Metric,
} from './index';

beforeAll(async () => {
  await initBackend('cpu', { log: false });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function randoms(n: number, seed: number, lo = 0, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}
/** Runs `metric.update` over `batches` (each inside tf.tidy, as the engine does) and returns `result()` as a number. */
function run(metric: Metric, batches: [tf.Tensor, tf.Tensor, tf.Tensor?][]): number {
  for (const [t, p, w] of batches) tf.tidy(() => metric.update(t, p, w));
  const r = metric.result();
  const v = r.dataSync()[0];
  r.dispose();
  return v;
}
function close(actual: number, expected: number, tol = 1e-5): void {
  if (!(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${actual} vs ${expected} (tol ${tol})`);
  }
}
/** Splits rows of a 2-D array into tensors of `size` rows. */
function batchesOf(rows: number[][], size: number): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(tf.tensor2d(rows.slice(i, i + size)));
  return out;
}
function rowsOf(values: number[], width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}
function oneHot(labels: number[], depth: number): number[][] {
  return labels.map((l) => Array.from({ length: depth }, (_, j) => (j === l ? 1 : 0)));
}
/** The mean, over all samples, of a tfjs-layers metric function's per-sample values (the oracle). */
function tflMean(fn: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor, yTrue: number[][], yPred: number[][]): number {
  return tf.tidy(() => tf.mean(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred))).dataSync()[0]);
}

const N = 40;
const C = 4;
const labels = Array.from({ length: N }, (_, i) => (i * 7 + 3) % C);
const probs = rowsOf(randoms(N * C, 11), C).map((row) => {
  const s = row.reduce((a, b) => a + b, 0);
  return row.map((v) => v / s);
});
const binTrue = rowsOf(
  Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  1,
);
const binPred = rowsOf(randoms(N, 12, 0.01, 0.99), 1);
const regTrue = rowsOf(randoms(N * 3, 13, -2, 2), 3);
const regPred = rowsOf(randoms(N * 3, 14, -2, 2), 3);

function epoch(metric: Metric, yTrue: number[][], yPred: number[][], batch = 16): number {
  const t = batchesOf(yTrue, batch);
  const p = batchesOf(yPred, batch);
  const v = run(
    metric,
    t.map((x, i) => [x, p[i]]),
  );
  tf.dispose([...t, ...p]);
  return v;
}

describe('metrics agree with tfjs-layers over an epoch of uneven batches', () => {
  it('accuracies', () => {
    close(epoch(getMetric('binary_accuracy'), binTrue, binPred), tflMean(tfl.metrics.binaryAccuracy, binTrue, binPred));
    close(
      epoch(getMetric('categorical_accuracy'), oneHot(labels, C), probs),
      tflMean(tfl.metrics.categoricalAccuracy, oneHot(labels, C), probs),
    );
    const sparseTrue = labels.map((l) => [l]);
    close(
      epoch(getMetric('sparse_categorical_accuracy'), sparseTrue, probs),
      tflMean(tfl.metrics.sparseCategoricalAccuracy, sparseTrue, probs),
    );
  });

  it('regression and crossentropy metrics', () => {
    close(epoch(getMetric('mae'), regTrue, regPred), tflMean(tfl.metrics.meanAbsoluteError, regTrue, regPred));
    close(epoch(getMetric('mse'), regTrue, regPred), tflMean(tfl.metrics.meanSquaredError, regTrue, regPred));
    close(epoch(getMetric('mape'), regTrue, regPred), tflMean(tfl.metrics.MAPE, regTrue, regPred), 1e-5);
    close(epoch(getMetric('binary_crossentropy'), binTrue, binPred), tflMean(tfl.metrics.binaryCrossentropy, binTrue, binPred));
    close(
      epoch(getMetric('categorical_crossentropy'), oneHot(labels, C), probs),
      tflMean(tfl.metrics.categoricalCrossentropy, oneHot(labels, C), probs),
    );
    // The Keras metric is the similarity itself; tfjs-layers' cosineProximity is its negative.
    close(epoch(getMetric('cosine_similarity'), regTrue, regPred), -tflMean(tfl.metrics.cosineProximity, regTrue, regPred));
  });

  it('precision and recall at 0.5 equal tfjs-layers on thresholded predictions', () => {
    const thresholded = binPred.map((r) => [r[0] > 0.5 ? 1 : 0]);
    const pOracle = tf.tidy(() => tfl.metrics.precision(tf.tensor2d(binTrue), tf.tensor2d(thresholded)).dataSync()[0]);
    const rOracle = tf.tidy(() => tfl.metrics.recall(tf.tensor2d(binTrue), tf.tensor2d(thresholded)).dataSync()[0]);
    close(epoch(getMetric('precision'), binTrue, binPred, 7), pOracle);
    close(epoch(getMetric('recall'), binTrue, binPred, 7), rOracle);
  });
});

describe('metrics against Keras formulas computed in plain JS', () => {
  it('top-k accuracies (keras in_top_k: ties count for the target)', () => {
    const preds = [
      [0.1, 0.5, 0.4, 0.0],
      [0.3, 0.3, 0.3, 0.1],
      [0.7, 0.1, 0.1, 0.1],
    ];
    const targets = [2, 1, 3];
    // k = 1: row 0 no (0.5 > 0.4), row 1 yes (tie at the top), row 2 no (0.1 tied but 0.7 larger: rank 2).
    close(epoch(sparseTopKCategoricalAccuracy({ k: 1 }), targets.map((t) => [t]), preds), 1 / 3);
    close(epoch(topKCategoricalAccuracy({ k: 2 }), oneHot(targets, 4), preds), 1);
    close(epoch(getMetric('top_k_categorical_accuracy'), oneHot(targets, 4), preds), 1); // k = 5 >= 4 classes
    const rank1 = tf.tidy(() => {
      const m = sparseTopKCategoricalAccuracy({ k: 1 });
      m.update(tf.tensor1d(targets), tf.tensor2d(preds));
      const r = m.result().dataSync()[0];
      m.dispose();
      return r;
    });
    close(rank1, 1 / 3);
  });

  it('root mean squared error: sqrt of the mean of squared errors over the epoch', () => {
    let sum = 0;
    regTrue.forEach((row, i) => row.forEach((v, j) => (sum += (regPred[i][j] - v) ** 2)));
    close(epoch(rootMeanSquaredError(), regTrue, regPred), Math.sqrt(sum / (N * 3)));
    close(epoch(getMetric('rmse'), regTrue, regPred), Math.sqrt(sum / (N * 3)));
  });

  it('binary accuracy with a custom threshold', () => {
    const t = [[1], [0], [1], [0]];
    const p = [[0.6], [0.6], [0.9], [0.1]];
    // > 0.7: [0, 0, 1, 0] against [1, 0, 1, 0]: 3 of 4 right.
    close(epoch(binaryAccuracy({ threshold: 0.7 }), t, p), 3 / 4);
  });

  it('sample weights: Keras weighted mean sum(v w) / sum(w) over batches', () => {
    const m = categoricalAccuracy();
    const t1 = tf.tensor2d(oneHot([0, 1, 2], 3));
    const p1 = tf.tensor2d([
      [0.9, 0.05, 0.05],
      [0.8, 0.1, 0.1],
      [0.1, 0.1, 0.8],
    ]);
    const w1 = tf.tensor1d([1, 3, 0.5]);
    const t2 = tf.tensor2d(oneHot([1], 3));
    const p2 = tf.tensor2d([[0.2, 0.7, 0.1]]);
    const w2 = tf.tensor1d([2]);
    // correct: 1, 0, 1 | 1
    close(
      run(m, [
        [t1, p1, w1],
        [t2, p2, w2],
      ]),
      (1 * 1 + 0 * 3 + 1 * 0.5 + 1 * 2) / (1 + 3 + 0.5 + 2),
    );
    m.dispose();
    const mean = new Mean('loss');
    tf.tidy(() => mean.update(tf.scalar(0.5)));
    tf.tidy(() => mean.update(tf.tensor1d([1, 2]), tf.tensor1d([1, 3])));
    close(run(mean, []), (0.5 + 1 + 6) / (1 + 1 + 3));
    mean.reset();
    close(run(mean, []), 0);
    tf.tidy(() => mean.update(tf.tensor2d([[1, 3], [5, 7]])));
    close(run(mean, []), (2 + 6) / 2); // values of rank 2: per-sample means, counted per sample
    // The epoch loss as Keras's trainer tracks it: batch losses weighted by batch size (32, 32, 8).
    mean.reset();
    for (const [loss, size] of [[1, 32], [2, 32], [4, 8]]) tf.tidy(() => mean.update(tf.scalar(loss), tf.scalar(size)));
    close(run(mean, []), (32 + 64 + 32) / 72);
    mean.dispose();
    tf.dispose([t1, p1, w1, t2, p2, w2]);
  });

  it('precision, recall and the counts with thresholds, weights, classId and topK', () => {
    const yTrue = tf.tensor2d([[1], [0], [1], [1], [0], [0]]);
    const yPred = tf.tensor2d([[0.8], [0.6], [0.4], [0.55], [0.2], [0.51]]);
    const w = tf.tensor1d([1, 2, 1, 0.5, 1, 3]);
    // At 0.5: TP rows 0,3 (w 1 + 0.5); FP rows 1,5 (w 2 + 3); FN row 2 (w 1); TN row 4 (w 1).
    const counts: [Metric, number][] = [
      [truePositives(), 1.5],
      [falsePositives(), 5],
      [falseNegatives(), 1],
      [trueNegatives(), 1],
      [precision(), 1.5 / 6.5],
      [recall(), 1.5 / 2.5],
    ];
    for (const [m, expected] of counts) {
      close(run(m, [[yTrue, yPred, w]]), expected);
      m.dispose();
    }
    // Several thresholds: one value per threshold (evenly spaced thresholds use Keras's buckets).
    const multi = new Precision({ thresholds: [0, 0.5, 1] });
    tf.tidy(() => multi.update(yTrue, yPred));
    const r = multi.result();
    expect(Array.from(r.dataSync())).toEqual([3 / 6, 2 / 4, 0]);
    r.dispose();
    multi.dispose();
    // classId: only column 1 counts.
    const byClass = new Recall({ classId: 1 });
    close(
      run(byClass, [[tf.tensor2d([[0, 1], [0, 1], [1, 0]]), tf.tensor2d([[0.2, 0.9], [0.7, 0.3], [0.1, 0.8]])]]),
      1 / 2,
    );
    byClass.dispose();
    // topK = 1: only the best class of each sample may be positive.
    const top1 = new Precision({ topK: 1 });
    close(run(top1, [[tf.tensor2d([[0, 1, 1], [1, 0, 0]]), tf.tensor2d([[0.2, 0.9, 0.8], [0.1, 0.6, 0.5]])]]), 1 / 2);
    top1.dispose();
    tf.dispose([yTrue, yPred, w]);
  });

  /**
   * Keras AUC (keras/src/metrics/confusion_metrics.py AUC + metrics_utils.py), computed in plain
   * float64 JS: thresholds [-eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps], a prediction p counts as
   * positive at threshold i when its bucket ceil(clip(p,0,1) (n-1)) - 1 (relu'd) is >= i;
   * ROC: trapezoids of (fpr, tpr); PR: interpolate_pr_auc.
   */
  function kerasAuc(yTrue: number[], yPred: number[], weights: number[] | null, n: number, curve: 'ROC' | 'PR'): number {
    const tp = new Array(n).fill(0);
    const fp = new Array(n).fill(0);
    let totalPos = 0;
    let totalNeg = 0;
    yTrue.forEach((y, k) => {
      const w = weights ? weights[k] : 1;
      const p = Math.min(Math.max(yPred[k], 0), 1);
      const bucket = Math.max(Math.ceil(Math.fround(Math.fround(p) * (n - 1))) - 1, 0);
      for (let i = 0; i <= bucket && i < n; i++) {
        if (y !== 0) tp[i] += w;
        else fp[i] += w;
      }
      if (y !== 0) totalPos += w;
      else totalNeg += w;
    });
    const fn = tp.map((v) => totalPos - v);
    const tn = fp.map((v) => totalNeg - v);
    const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
    let area = 0;
    if (curve === 'ROC') {
      const tpr = tp.map((v, i) => div(v, v + fn[i]));
      const fpr = fp.map((v, i) => div(v, v + tn[i]));
      for (let i = 0; i < n - 1; i++) area += (fpr[i] - fpr[i + 1]) * ((tpr[i] + tpr[i + 1]) / 2);
      return area;
    }
    const pos = tp.map((v, i) => v + fp[i]);
    for (let i = 0; i < n - 1; i++) {
      const dtp = tp[i] - tp[i + 1];
      const dp = pos[i] - pos[i + 1];
      const slope = div(dtp, Math.max(dp, 0));
      const intercept = tp[i + 1] - slope * pos[i + 1];
      const ratio = pos[i] > 0 && pos[i + 1] > 0 ? div(pos[i], Math.max(pos[i + 1], 0)) : 1;
      area += div(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
    }
    return area;
  }

  it('AUC (ROC and PR, interpolation) matches the Keras algorithm, with and without weights', () => {
    const yTrue = Array.from({ length: 60 }, (_, i) => ((i * 5) % 7 < 3 ? 1 : 0));
    const yPred = randoms(60, 21).map((v, i) => (yTrue[i] ? 0.3 + 0.7 * v : 0.8 * v));
    yPred[0] = 0;
    yPred[1] = 1;
    yPred[2] = 0.5;
    const weights = randoms(60, 22, 0.1, 2);
    for (const curve of ['ROC', 'PR'] as const) {
      for (const n of [200, 7]) {
        const m = auc({ curve, numThresholds: n });
        const t = tf.tensor1d(yTrue);
        const p = tf.tensor1d(yPred);
        const value = run(m, [[tf.slice(t, 0, 25), tf.slice(p, 0, 25)], [tf.slice(t, 25), tf.slice(p, 25)]]);
        close(value, kerasAuc(yTrue, yPred, null, n, curve));
        m.reset();
        const weighted = run(m, [[t, p, tf.tensor1d(weights)]]);
        close(weighted, kerasAuc(yTrue, yPred, weights, n, curve));
        m.dispose();
        tf.dispose([t, p]);
      }
    }
  });

  it('AUC with 200 thresholds is close to the exact ROC area (Mann-Whitney)', () => {
    const yTrue = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const yPred = randoms(200, 31).map((v, i) => (yTrue[i] ? 0.25 + 0.75 * v : 0.9 * v));
    let wins = 0;
    let pairs = 0;
    yTrue.forEach((a, i) =>
      yTrue.forEach((b, j) => {
        if (a === 1 && b === 0) {
          pairs += 1;
          wins += yPred[i] > yPred[j] ? 1 : yPred[i] === yPred[j] ? 0.5 : 0;
        }
      }),
    );
    const m = new AUC();
    const value = run(m, [[tf.tensor1d(yTrue), tf.tensor1d(yPred)]]);
    expect(Math.abs(value - wins / pairs)).toBeLessThan(5e-3);
    expect(m.thresholds[0]).toBeCloseTo(-1e-7, 12);
    expect(m.thresholds[199]).toBeCloseTo(1 + 1e-7, 12);
    expect(m.thresholds[1]).toBeCloseTo(1 / 199, 12);
    expect(m.getConfig()).toMatchObject({ num_thresholds: 200, curve: 'ROC', summation_method: 'interpolation' });
    m.dispose();
  });

  it('AUC minoring/majoring bracket the interpolated value; explicit thresholds work', () => {
    const t = tf.tensor1d([0, 0, 1, 1, 0, 1]);
    const p = tf.tensor1d([0.1, 0.4, 0.35, 0.8, 0.6, 0.7]);
    const values = (['minoring', 'interpolation', 'majoring'] as const).map((summationMethod) => {
      const m = auc({ summationMethod, numThresholds: 11 });
      const v = run(m, [[t, p]]);
      m.dispose();
      return v;
    });
    expect(values[0]).toBeLessThanOrEqual(values[1]);
    expect(values[1]).toBeLessThanOrEqual(values[2]);
    // Thresholds 0.1, 0.2, ..., 0.9 are the evenly spaced ones of numThresholds 11.
    const explicit = auc({ thresholds: [0.5, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9] });
    close(run(explicit, [[t, p]]), values[1]);
    expect(explicit.getConfig().thresholds).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    explicit.dispose();
    tf.dispose([t, p]);
  });
});

describe('getMetric', () => {
  it("resolves 'accuracy'/'acc' from the loss and keeps the name the user wrote", () => {
    const cases: [string, string, string][] = [
      ['binary_crossentropy', 'acc', 'BinaryAccuracy'],
      ['categorical_crossentropy', 'accuracy', 'CategoricalAccuracy'],
      ['sparse_categorical_crossentropy', 'acc', 'SparseCategoricalAccuracy'],
      ['binaryCrossentropy', 'accuracy', 'BinaryAccuracy'],
    ];
    for (const [loss, id, className] of cases) {
      const m = getMetric(id, { loss: getLoss(loss) });
      expect([loss, m.name, m.className]).toEqual([loss, id, className]);
      m.dispose();
    }
  });

  it('falls back to the Keras 3 shape rule for other losses', () => {
    expect(accuracyKind({ loss: getLoss('mse'), yPredShape: [null, 1] })).toBe('binary');
    expect(accuracyKind({ yTrueShape: [null], yPredShape: [null, 10] })).toBe('sparse');
    expect(accuracyKind({ yTrueShape: [null, 1], yPredShape: [null, 10] })).toBe('sparse');
    expect(accuracyKind({ yTrueShape: [null, 10], yPredShape: [null, 10] })).toBe('categorical');
    expect(accuracyKind({ yPredShape: [null, 10] })).toBeUndefined();
    const m = getMetric('accuracy', { loss: getLoss('hinge'), yPredShape: [null, 1] });
    expect(m.className).toBe('BinaryAccuracy');
    m.dispose();
  });

  it('decides from the first batch when nothing is known yet', () => {
    const m = getMetric('acc', { loss: getLoss('mse') });
    expect(m.className).toBe('Accuracy');
    close(run(m, [[tf.tensor1d([2, 0]), tf.tensor2d([[0, 0, 1], [0, 1, 0]])]]), 0.5);
    expect([m.name, m.className]).toEqual(['acc', 'SparseCategoricalAccuracy']);
    m.dispose();
  });

  it('resolves both spellings and class names; the name is what was written', () => {
    const cases: [string, string][] = [
      ['binary_accuracy', 'BinaryAccuracy'],
      ['binaryAccuracy', 'BinaryAccuracy'],
      ['BinaryAccuracy', 'BinaryAccuracy'],
      ['categorical_accuracy', 'CategoricalAccuracy'],
      ['sparseCategoricalAccuracy', 'SparseCategoricalAccuracy'],
      ['top_k_categorical_accuracy', 'TopKCategoricalAccuracy'],
      ['sparse_top_k_categorical_accuracy', 'SparseTopKCategoricalAccuracy'],
      ['mae', 'MeanAbsoluteError'],
      ['mean_absolute_error', 'MeanAbsoluteError'],
      ['mse', 'MeanSquaredError'],
      ['meanSquaredError', 'MeanSquaredError'],
      ['rmse', 'RootMeanSquaredError'],
      ['root_mean_squared_error', 'RootMeanSquaredError'],
      ['mape', 'MeanAbsolutePercentageError'],
      ['msle', 'MeanSquaredLogarithmicError'],
      ['cosine_similarity', 'CosineSimilarity'],
      ['logcosh', 'LogCoshError'],
      ['binary_crossentropy', 'BinaryCrossentropy'],
      ['categorical_crossentropy', 'CategoricalCrossentropy'],
      ['sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy'],
      ['kl_divergence', 'KLDivergence'],
      ['poisson', 'Poisson'],
      ['hinge', 'Hinge'],
      ['squared_hinge', 'SquaredHinge'],
      ['categorical_hinge', 'CategoricalHinge'],
      ['precision', 'Precision'],
      ['recall', 'Recall'],
      ['auc', 'AUC'],
      ['AUC', 'AUC'],
      ['truePositives', 'TruePositives'],
      ['true_negatives', 'TrueNegatives'],
      ['falsePositives', 'FalsePositives'],
      ['false_negatives', 'FalseNegatives'],
    ];
    for (const [id, className] of cases) {
      const m = getMetric(id);
      expect([id, m.name, m.className]).toEqual([id, id, className]);
      m.dispose();
    }
    expect(binaryAccuracy().name).toBe('binary_accuracy');
  });

  it('unknown names throw DLTS_VALUE listing the known ones; Metric objects and functions pass', () => {
    expect(() => getMetric('accuracyy')).toThrow(expect.objectContaining({ code: 'DLTS_VALUE' }));
    expect(() => getMetric('nope')).toThrow(/known metrics: accuracy, acc, binary_accuracy/);
    const m = auc();
    expect(getMetric(m)).toBe(m);
    m.dispose();
    function meanDiff(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
      return tf.mean(tf.sub(p, t), -1);
    }
    const f = getMetric(meanDiff);
    expect([f.name, f.className]).toEqual(['mean_diff', 'MeanMetricWrapper']);
    close(run(f, [[tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 3]])]]), 2);
    f.dispose();
  });

  it('validates options with Keras-style messages', () => {
    expect(() => auc({ numThresholds: 1 })).toThrow('auc: num_thresholds must be an integer >= 2. Received: numThresholds=1');
    expect(() => auc({ curve: 'XY' as 'ROC' })).toThrow(/Invalid AUC curve value.*Received: curve="XY"/);
    expect(() => precision({ thresholds: [0.5, 1.5] })).toThrow('precision: thresholds must be numbers in [0, 1]. Received: thresholds=[0.5,1.5]');
    expect(() => topKCategoricalAccuracy({ k: 0 })).toThrow('topKCategoricalAccuracy: k must be an integer >= 1. Received: k=0');
  });
});

describe('state, performance and memory', () => {
  const all = (): Metric[] =>
    [
      'acc',
      'binary_accuracy',
      'categorical_accuracy',
      'top_k_categorical_accuracy',
      'mae',
      'mse',
      'rmse',
      'mape',
      'msle',
      'cosine_similarity',
      'logcosh',
      'binary_crossentropy',
      'categorical_crossentropy',
      'kl_divergence',
      'poisson',
      'hinge',
      'squared_hinge',
      'categorical_hinge',
      'precision',
      'recall',
      'auc',
      'true_positives',
      'true_negatives',
      'false_positives',
      'false_negatives',
    ].map((id) => getMetric(id, { loss: getLoss('categorical_crossentropy') }));

  it('update never reads data back, leaks nothing, and reset/dispose free everything', () => {
    const yTrue = tf.tensor2d(oneHot(labels.slice(0, 8), C));
    const yPred = tf.tensor2d(probs.slice(0, 8));
    const sparse = tf.tensor1d(labels.slice(0, 8));
    const w = tf.tensor1d(randoms(8, 5));
    const before = tf.memory().numTensors;
    const metrics = all();
    const sparseMetrics = ['sparse_categorical_crossentropy', 'sparse_categorical_accuracy', 'sparse_top_k_categorical_accuracy'].map((id) =>
      getMetric(id),
    );
    const created = tf.memory().numTensors;
    const backend = tf.engine().backend;
    const readSync = vi.spyOn(backend, 'readSync');
    const read = vi.spyOn(backend, 'read');
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => {
        for (const m of metrics) m.update(yTrue, yPred, step === 1 ? w : undefined);
        for (const m of sparseMetrics) m.update(sparse, yPred, step === 2 ? w : undefined);
      });
    }
    expect(readSync).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    readSync.mockRestore();
    read.mockRestore();
    expect(tf.memory().numTensors).toBe(created);
    for (const m of [...metrics, ...sparseMetrics]) {
      const r = m.result();
      expect(r.shape).toEqual([]);
      expect(Number.isFinite(r.dataSync()[0])).toBe(true);
      r.dispose();
      m.reset();
    }
    expect(tf.memory().numTensors).toBe(created);
    for (const m of [...metrics, ...sparseMetrics]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred, sparse, w]);
  });

  it('reset starts a new epoch', () => {
    const m = getMetric('mae');
    close(run(m, [[tf.tensor2d([[0]]), tf.tensor2d([[4]])]]), 4);
    m.reset();
    close(run(m, [[tf.tensor2d([[0]]), tf.tensor2d([[1]])]]), 1);
    m.dispose();
    expect(() => m.result()).toThrow(/after dispose/);
  });

  it('survives being created inside tf.tidy (state lives in variables)', () => {
    let m!: Metric;
    tf.tidy(() => {
      m = auc();
    });
    close(run(m, [[tf.tensor1d([0, 1]), tf.tensor1d([0.2, 0.8])]]), 1);
    m.dispose();
  });
});
