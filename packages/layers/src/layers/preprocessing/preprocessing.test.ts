import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setSeed } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { input } from '../../engine/input_layer';
import { clearSession } from '../../engine/naming';
import { sequential } from '../../models/sequential';
import { layerClass } from '../../saving/registry';
import { expectValueError, runLayerTest } from '../../testing/layer_harness';
import { conv2d } from '../conv2d';
import { dense } from '../dense';
import { flatten } from '../flatten';
import { affineTransform, type FillMode, type Interpolation, type Transform } from './image_affine';
import { RandomContrast, randomContrast } from './random_contrast';
import { RandomFlip, randomFlip } from './random_flip';
import { RandomRotation, randomRotation } from './random_rotation';
import { RandomTranslation, randomTranslation } from './random_translation';
import { RandomZoom, randomZoom } from './random_zoom';
import { Rescaling, rescaling } from './rescaling';

/** Keras 3 numpy-backend outputs (test/fixtures/make_affine_expected.py). */
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/affine_expected.json', import.meta.url), 'utf8')) as {
  shape: [number, number, number];
  input: number[];
  cases: { name: string; transform: Transform; fill_mode: FillMode; interpolation: Interpolation; fill_value: number; output: number[] }[];
};

it('are in the layer registry, so saved models with them load', () => {
  for (const cls of [Rescaling, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast]) expect(layerClass(cls.className)).toBe(cls);
});

describe('affineTransform reproduces Keras 3 (pad + map_coordinates)', () => {
  it.each(fixture.cases)('$name, fill $fill_mode, $interpolation', (c) => {
    const x = tf.tensor3d(fixture.input, fixture.shape);
    const before = tf.memory().numTensors;
    const y = affineTransform(x, [c.transform], c.interpolation, c.fill_mode, c.fill_value);
    expect(tf.memory().numTensors).toBe(before + 1);
    expectTensorsClose(y, c.output, { atol: 2e-3 });
    tf.dispose([x, y]);
  });
});

describe('preprocessing layers', () => {
  it.each([
    { name: 'rescaling', make: () => rescaling({ scale: 1 / 255, offset: -1 }) },
    { name: 'randomFlip', make: () => randomFlip({ seed: 1 }) },
    { name: 'randomRotation', make: () => randomRotation({ factor: 0.2, fillMode: 'constant', fillValue: 3 }) },
    { name: 'randomZoom', make: () => randomZoom({ heightFactor: [-0.2, 0.3], widthFactor: 0.1, interpolation: 'nearest' }) },
    { name: 'randomTranslation', make: () => randomTranslation({ heightFactor: 0.1, widthFactor: [-0.2, 0.2], fillMode: 'wrap' }) },
    { name: 'randomContrast', make: () => randomContrast({ factor: [0.2, 0.5], valueRange: [0, 1] }) },
  ])('$name passes the layer harness', ({ make }) => {
    runLayerTest({ make, inputShape: [2, 6, 5, 3], expectedOutputShape: [null, 6, 5, 3], expectedTrainableWeights: 0 });
  });

  it('the random layers pass images through at inference, and change them in training', () => {
    const x = tf.randomUniform([4, 6, 6, 3], 0, 255, 'float32', 3);
    for (const layer of [
      randomFlip(),
      randomRotation({ factor: 0.3 }),
      randomZoom({ heightFactor: 0.3 }),
      randomTranslation({ heightFactor: 0.3, widthFactor: 0.3 }),
      randomContrast({ factor: [0.5, 0.5] }),
    ]) {
      for (const options of [undefined, {}, { training: false }]) {
        const y = layer.apply(x, options);
        expectTensorsClose(y, x, { atol: 0 });
        if (y !== x) y.dispose();
      }
      setSeed(2);
      const t = layer.apply(x, { training: true });
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(t, x))).dataSync()[0])).toBeGreaterThan(0);
      t.dispose();
    }
    x.dispose();
  });

  it('rescaling is active at inference and turns integers into float32', () => {
    const y = rescaling({ scale: 0.5, offset: 1 }).apply(tf.tensor1d([2, 4], 'int32'));
    expect(y.dtype).toBe('float32');
    expectTensorsClose(y, [2, 3], { atol: 0 });
    y.dispose();
  });

  it('randomFlip: one coin per image decides both flips (Keras 3), so images are kept or turned 180 degrees', () => {
    const x = tf.tensor4d(Array.from({ length: 8 * 2 * 3 }, (_, i) => i), [8, 2, 3, 1]);
    const y = randomFlip({ seed: 4 }).apply(x, { training: true });
    const turned = tf.reverse(x, [1, 2]);
    const [xs, ys, ts] = [x, y, turned].map((t) => (t.arraySync() as number[][][][]).map((img) => JSON.stringify(img)));
    const kinds = ys.map((img, i) => (img === xs[i] ? 'kept' : img === ts[i] ? 'turned' : 'other'));
    expect(kinds).not.toContain('other');
    expect(new Set(kinds)).toEqual(new Set(['kept', 'turned']));
    tf.dispose([x, y, turned]);
  });

  it('randomRotation by a quarter turn rotates counter-clockwise', () => {
    const x = tf.tensor4d(Array.from({ length: 9 }, (_, i) => i), [1, 3, 3, 1]);
    const y = randomRotation({ factor: [0.25, 0.25] }).apply(x, { training: true });
    // Counter-clockwise: the top row becomes the left column, read upwards.
    expectTensorsClose(y, [2, 5, 8, 1, 4, 7, 0, 3, 6], { atol: 1e-4 });
    tf.dispose([x, y]);
  });

  it('randomZoom with a positive factor zooms out; the draw comes from the seeded stream', () => {
    const x = tf.tidy(() => tf.pad(tf.ones([1, 4, 4, 1]), [[0, 0], [2, 2], [2, 2], [0, 0]]));
    const y = randomZoom({ heightFactor: [0.5, 0.5], fillMode: 'constant' }).apply(x, { training: true });
    // 1.5x zoom out: the bright square shrinks.
    expect(tf.sum(y).dataSync()[0]).toBeLessThan(tf.sum(x).dataSync()[0]);
    tf.dispose([x, y]);
  });

  it('randomTranslation shifts by whole pixels when the factor says so; constant fill', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
    const y = randomTranslation({ heightFactor: [0, 0], widthFactor: [0.5, 0.5], fillMode: 'constant', fillValue: -1 }).apply(x, { training: true });
    expectTensorsClose(y, [-1, -1, 1, 2, -1, -1, 5, 6], { atol: 1e-5 });
    tf.dispose([x, y]);
  });

  it('randomContrast scales about the per-channel mean with factors from [1 - lower, 1 + upper]; a single number gives [1, 1 + f] as in Keras 3', () => {
    const layer = randomContrast({ factor: [0.2, 0.4], seed: 5, valueRange: [-100, 100] });
    const x = tf.tensor4d([0, 10, 2, 30, 4, 50, 6, 70], [2, 2, 1, 2]);
    const y = layer.apply(x, { training: true });
    const rng = createRandom(5);
    const f = [0.8 + 0.6 * rng.random(), 0.8 + 0.6 * rng.random()];
    // image 0: channel means 1 and 20; image 1: 5 and 60
    const expected = [1 - f[0], 20 - 10 * f[0], 1 + f[0], 20 + 10 * f[0], 5 - f[1], 60 - 10 * f[1], 5 + f[1], 60 + 10 * f[1]];
    expectTensorsClose(y, expected, { atol: 1e-4 });
    expect(randomContrast({ factor: 0.3 }).factor).toEqual([0, 0.3]);
    tf.dispose([x, y]);
  });

  it('seeded layers repeat their sequence; unseeded ones follow setSeed', () => {
    const x = tf.randomUniform([3, 5, 5, 2], 0, 1, 'float32', 8);
    const a = randomRotation({ factor: 0.5, seed: 9 });
    const b = randomRotation({ factor: 0.5, seed: 9 });
    const [a1, a2, b1, b2] = [a.apply(x, { training: true }), a.apply(x, { training: true }), b.apply(x, { training: true }), b.apply(x, { training: true })];
    expectTensorsClose(b1, a1, { atol: 0 });
    expectTensorsClose(b2, a2, { atol: 0 });
    const c = randomZoom({ heightFactor: 0.4 });
    setSeed(3);
    const c1 = c.apply(x, { training: true });
    setSeed(3);
    const c2 = c.apply(x, { training: true });
    expectTensorsClose(c2, c1, { atol: 0 });
    tf.dispose([x, a1, a2, b1, b2, c1, c2]);
  });

  it('work inside a model: augment in fit, pass through in predict', async () => {
    clearSession();
    setSeed(1);
    const model = sequential([
      input({ shape: [8, 8, 3] }),
      randomFlip({ mode: 'horizontal' }),
      randomRotation({ factor: 0.1 }),
      randomZoom({ heightFactor: 0.1 }),
      rescaling({ scale: 1 / 255 }),
      conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }),
      flatten(),
      dense({ units: 1, activation: 'sigmoid' }),
    ]);
    expect(model.layers.map((l) => l.name).slice(0, 4)).toEqual(['random_flip', 'random_rotation', 'random_zoom', 'rescaling']);
    model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const x = tf.randomUniform([6, 8, 8, 3], 0, 255, 'float32', 2);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1]);
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    const p1 = model.predict(x) as tf.Tensor;
    const p2 = model.predict(x) as tf.Tensor;
    expectTensorsClose(p2, p1, { atol: 0 });
    tf.dispose([p1, p2]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('reject bad arguments with Keras-style messages', () => {
    expectValueError(() => randomRotation({ factor: 1.5 }), /randomRotation: the factor argument should be a number .* in the range \[-1, 1\]\. Received: factor=1\.5/);
    expectValueError(() => randomZoom({ heightFactor: -1 }), /in the range \(-1\.0, 1\.0\]\. Received: height_factor=-1/);
    expectValueError(() => randomTranslation({ heightFactor: 0.1, widthFactor: [0.1, 0.2, 0.3] as never }), /Received: width_factor=\[0\.1,0\.2,0\.3\]/);
    expectValueError(() => randomFlip({ mode: 'diagonal' as never }), /randomFlip: mode must be .*Received: mode="diagonal"/);
    expectValueError(() => randomRotation({ factor: 0.1, fillMode: 'edge' as never }), /unknown fillMode.*Received: fillMode="edge"/);
    expectValueError(() => randomContrast({ factor: [0.1, 0.2], valueRange: [1, 0] }), /valueRange must be \[low, high\] with low < high/);
    expectValueError(() => rescaling({} as never), /rescaling: scale must be a finite number\. Received: scale=undefined/);
    expectValueError(() => randomFlip({ seed: 0.5 }), /randomFlip: seed must be an integer\. Received: seed=0\.5/);
    const layer = randomFlip();
    expect(() => layer.apply(tf.ones([2, 3]), { training: true })).toThrow(/expected an image \[height, width, channels\] or a batch/);
  });
});
