import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toCategorical } from './categorical';
import { DltsError, received } from './errors';
import { arrayReshape, reshapeColumnMajor } from './reshape';
import { createRandom, nextSeed, permutation, random, setSeed } from './seed';
import { kFold, trainValidationSplit } from './split';
import { fitStandardizer } from './standardize';

describe('toCategorical', () => {
  it('one-hot encodes as R to_categorical / Keras', () => {
    const y = toCategorical([5, 0, 4], 10);
    expect(y.shape).toEqual([3, 10]);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync().slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    y.dispose();
  });
  it('infers the class count and drops a trailing axis of 1', () => {
    const labels = tf.tensor2d([[1], [2]], [2, 1], 'int32');
    const y = toCategorical(labels);
    expect(y.shape).toEqual([2, 3]);
    tf.dispose([labels, y]);
  });
  it('rejects bad labels clearly', () => {
    expect(() => toCategorical([1.5])).toThrow('toCategorical: labels must be non-negative integers. Received: y[0]=1.5');
    expect(() => toCategorical([-1])).toThrow(DltsError);
    expect(() => toCategorical([3], 2)).toThrow(/every label must be < numClasses/);
  });
});

describe('reshaping as R', () => {
  it('arrayReshape is row-major (array_reshape), reshapeColumnMajor is R dim<-', () => {
    const x = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    expect(arrayReshape(x, [3, 2]).arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    // R: x <- 1:6; dim(x) <- c(3, 2)
    expect(reshapeColumnMajor(x, [3, 2]).arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    // And back: a 3x2 matrix to 6 in column order, as as.vector() does.
    const m = tf.tensor2d([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(Array.from(reshapeColumnMajor(m, [6]).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('names the shapes when the sizes differ', () => {
    const x = tf.zeros([2, 3]);
    expect(() => arrayReshape(x, [4, 2])).toThrow('arrayReshape: cannot reshape a tensor of shape [2, 3] (6 values). Received: shape=[4, 2]');
    x.dispose();
  });
});

describe('fitStandardizer', () => {
  it('uses R sd (n - 1) by default and numpy std (n) with ddof 0', () => {
    const x = tf.tensor2d([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    const s = fitStandardizer(x);
    expect(Array.from(s.mean.dataSync())).toEqual([2.5, 25]);
    const sd = s.sd.dataSync();
    expect(sd[0]).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(sd[1]).toBeCloseTo(Math.sqrt(500 / 3), 4);
    const t = s.transform(x);
    expect(t.dataSync()[0]).toBeCloseTo(-1.5 / Math.sqrt(5 / 3), 6);
    const numpy = fitStandardizer(x, { ddof: 0 });
    expect(numpy.sd.dataSync()[0]).toBeCloseTo(Math.sqrt(5 / 4), 6);
    tf.dispose([x, t]);
    s.dispose();
    numpy.dispose();
  });
  it('leaves constant features unscaled instead of dividing by zero', () => {
    const x = tf.tensor2d([
      [1, 5],
      [3, 5],
    ]);
    const s = fitStandardizer(x);
    const t = s.transform(x);
    expect(Array.from(t.dataSync())).toEqual([-Math.SQRT1_2, 0, Math.SQRT1_2, 0].map((v) => Math.fround(v)));
    tf.dispose([x, t]);
    s.dispose();
  });
});

describe('kFold and trainValidationSplit', () => {
  it('cuts folds as R cut(1:n, breaks = k): 404 samples in 4 folds of 101', () => {
    const folds = kFold(404, 4);
    expect(folds.map((f) => f.validation.length)).toEqual([101, 101, 101, 101]);
    expect(folds[1].validation[0]).toBe(101);
    expect(folds[1].train).toHaveLength(303);
    expect(new Set([...folds[2].train, ...folds[2].validation]).size).toBe(404);
  });
  it('matches R cut for uneven sizes', () => {
    // R: table(cut(1:10, breaks = 3, labels = FALSE)) -> 4 3 3
    expect(kFold(10, 3).map((f) => f.validation.length)).toEqual([4, 3, 3]);
    // R: table(cut(1:7, breaks = 2, labels = FALSE)) -> 4 3
    expect(kFold(7, 2).map((f) => f.validation.length)).toEqual([4, 3]);
  });
  it('splits like validation_split: the last fraction', () => {
    const { train, validation } = trainValidationSplit(10, 0.2);
    expect(Array.from(validation)).toEqual([8, 9]);
    expect(train).toHaveLength(8);
    expect(() => trainValidationSplit(10, 1)).toThrow(/validationFraction must be in \(0, 1\)/);
  });
});

describe('setSeed', () => {
  it('makes every draw repeatable', () => {
    setSeed(7);
    const a = [random(), nextSeed(), ...permutation(10)];
    setSeed(7);
    const b = [random(), nextSeed(), ...permutation(10)];
    expect(b).toEqual(a);
    setSeed(8);
    expect(random()).not.toBe(a[0]);
  });
  it('gives independent streams with createRandom', () => {
    const r = createRandom(3);
    const first = r.random();
    expect(createRandom(3).random()).toBe(first);
    expect(() => setSeed(Number.NaN)).toThrow(/finite number/);
    expect(received(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
