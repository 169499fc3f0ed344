import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, setSeed } from '@dlts/tensors';
import { expectTensorsClose, sharedData } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { imageDataGenerator } from './image_data_generator';
import type { TransformParams } from './transform_params';

/** The shared Keras parity fixture: scipy/Keras outputs for fixed parameters. */
const shared = JSON.parse(readFileSync(sharedData('fixtures', 'augment_expected.json'), 'utf8')) as {
  shape: [number, number, number];
  input: number[];
  cases: { params: Record<string, number | boolean | string>; output: number[] }[];
};
interface ModesFixture {
  shape: [number, number, number];
  input: number[];
  affine: { params: TransformParams; fill_mode: 'nearest' | 'constant' | 'reflect' | 'wrap'; cval: number; order: 0 | 1; output: number[] }[];
  brightness: { brightness: number; output: number[] }[];
  brightness_scaled: { input: number[]; brightness: number; output: number[] };
  random_transform: { options: Record<string, unknown>; shape: number[]; seed: number; params: Record<string, number | boolean | null> }[];
}
/** Our own fixture for what the shared one does not cover (see test/fixtures/make_augment_modes.py). */
const modes = JSON.parse(readFileSync(new URL('../../test/fixtures/augment_modes_expected.json', import.meta.url), 'utf8')) as ModesFixture;

/** Keras's snake_case parameter names -> ours. */
function camel(p: Record<string, unknown>): TransformParams {
  return {
    theta: p.theta as number,
    tx: p.tx as number,
    ty: p.ty as number,
    shear: p.shear as number,
    zx: p.zx as number,
    zy: p.zy as number,
    flipHorizontal: p.flip_horizontal as boolean,
    flipVertical: p.flip_vertical as boolean,
    channelShiftIntensity: p.channel_shift_intensity as number | null,
    brightness: p.brightness as number | null,
  };
}

function expectDltsError(fn: () => unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DltsError);
  expect((error as DltsError).code).toBe(code);
  expect((error as DltsError).message).toMatch(message);
}

describe('applyTransform reproduces Keras (scipy affine_transform, order 1)', () => {
  it.each(shared.cases.map((c, i) => ({ i, c })))('shared fixture case $i: $c.params', ({ c }) => {
    const p = c.params;
    const gen = imageDataGenerator({ fillMode: (p.fill_mode as 'nearest') ?? 'nearest', cval: (p.cval as number) ?? 0 });
    const x = tf.tensor3d(shared.input, shared.shape);
    const before = tf.memory().numTensors;
    const y = gen.applyTransform(x, camel(p));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual(shared.shape);
    expectTensorsClose(y, c.output, { atol: 1e-3 });
    tf.dispose([x, y]);
  });

  it.each(modes.affine.map((c, i) => ({ i, c })))(
    'fill mode $c.fill_mode, order $c.order, params $c.params',
    ({ c }) => {
      const gen = imageDataGenerator({ fillMode: c.fill_mode, cval: c.cval, interpolationOrder: c.order });
      const x = tf.tensor3d(modes.input, modes.shape);
      const y = gen.applyTransform(x, c.params);
      expectTensorsClose(y, c.output, { atol: 1e-3 });
      tf.dispose([x, y]);
    },
  );

  it('returns an unchanged copy for the identity transform, as Keras skips resampling', () => {
    const gen = imageDataGenerator();
    const x = tf.tensor3d(shared.input, shared.shape);
    const y = gen.applyTransform(x, { theta: 0, zx: 1, zy: 1, flipHorizontal: false });
    expect(y).not.toBe(x);
    expectTensorsClose(y, x, { atol: 0 });
    tf.dispose([x, y]);
  });

  it.each(modes.brightness)('brightness $brightness matches PIL ImageEnhance.Brightness', (c) => {
    const x = tf.tensor3d(modes.input, modes.shape);
    const y = imageDataGenerator().applyTransform(x, { brightness: c.brightness });
    expectTensorsClose(y, c.output, { atol: 1e-3 });
    tf.dispose([x, y]);
  });

  it('brightness on values outside 0..255 rescales through PIL and back, as Keras', () => {
    const c = modes.brightness_scaled;
    const x = tf.tensor3d(c.input, modes.shape);
    const y = imageDataGenerator().applyTransform(x, { brightness: c.brightness });
    expectTensorsClose(y, c.output, { atol: 1e-3 });
    tf.dispose([x, y]);
  });

  it('rejects what is not one image', () => {
    const gen = imageDataGenerator();
    const batch = tf.zeros([2, 4, 4, 3]);
    expectDltsError(() => gen.applyTransform(batch, {}), 'DLTS_SHAPE_MISMATCH', /applyTransform: x must be one image of shape \[height, width, channels\]\. Received: shape=\[2,4,4,3\]/);
    batch.dispose();
  });
});

describe('getRandomTransform draws as Keras', () => {
  const toOptions = (o: Record<string, unknown>) => ({
    rotationRange: o.rotation_range as number,
    widthShiftRange: o.width_shift_range as number,
    heightShiftRange: o.height_shift_range as number,
    shearRange: o.shear_range as number,
    zoomRange: o.zoom_range as number,
    horizontalFlip: o.horizontal_flip as boolean,
    verticalFlip: o.vertical_flip as boolean,
    channelShiftRange: o.channel_shift_range as number,
    brightnessRange: o.brightness_range as [number, number],
  });

  it.each(modes.random_transform)(
    'with seed $seed on $shape: numpy RandomState parameters, in Keras order',
    (c) => {
      const gen = imageDataGenerator(toOptions(c.options));
      const p = gen.getRandomTransform(c.shape, c.seed);
      const e = c.params;
      for (const [ours, theirs] of [
        ['theta', 'theta'],
        ['tx', 'tx'],
        ['ty', 'ty'],
        ['shear', 'shear'],
        ['zx', 'zx'],
        ['zy', 'zy'],
      ] as const) {
        expect(p[ours]).toBeCloseTo(e[theirs] as number, 12);
      }
      expect(p.flipHorizontal).toBe(e.flip_horizontal);
      expect(p.flipVertical).toBe(e.flip_vertical);
      if (e.channel_shift_intensity === null) expect(p.channelShiftIntensity).toBeNull();
      else expect(p.channelShiftIntensity).toBeCloseTo(e.channel_shift_intensity as number, 12);
      if (e.brightness === null) expect(p.brightness).toBeNull();
      else expect(p.brightness).toBeCloseTo(e.brightness as number, 12);
    },
  );

  it('without a seed follows setSeed, and stays inside the ranges', () => {
    const gen = imageDataGenerator({ rotationRange: 40, widthShiftRange: 0.2, heightShiftRange: 0.2, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true });
    setSeed(5);
    const a = Array.from({ length: 50 }, () => gen.getRandomTransform([150, 150, 3]));
    setSeed(5);
    const b = Array.from({ length: 50 }, () => gen.getRandomTransform([150, 150, 3]));
    expect(b).toEqual(a);
    for (const p of a) {
      expect(Math.abs(p.theta!)).toBeLessThanOrEqual(40);
      expect(Math.abs(p.tx!)).toBeLessThanOrEqual(30);
      expect(Math.abs(p.ty!)).toBeLessThanOrEqual(30);
      expect(p.zx!).toBeGreaterThanOrEqual(0.8);
      expect(p.zy!).toBeLessThanOrEqual(1.2);
      expect(p.flipVertical).toBe(false);
    }
    // x and y zooms are drawn independently; both flips happen.
    expect(a.some((p) => p.zx !== p.zy)).toBe(true);
    expect(new Set(a.map((p) => p.flipHorizontal))).toEqual(new Set([true, false]));
  });

  it('randomTransform = applyTransform(getRandomTransform(seed))', () => {
    const gen = imageDataGenerator({ rotationRange: 30, zoomRange: 0.3, fillMode: 'reflect' });
    const x = tf.tensor3d(shared.input, shared.shape);
    const a = gen.randomTransform(x, 11);
    const b = gen.applyTransform(x, gen.getRandomTransform(shared.shape, 11));
    expectTensorsClose(a, b, { atol: 0 });
    tf.dispose([x, a, b]);
  });

  it('a shift range >= 1 is in pixels; an array picks a value with a random sign', () => {
    const pixels = imageDataGenerator({ widthShiftRange: 3 });
    const fromList = imageDataGenerator({ heightShiftRange: [2, 5] });
    for (let s = 0; s < 20; s++) {
      expect(Math.abs(pixels.getRandomTransform([10, 50, 1], s).ty!)).toBeLessThanOrEqual(3);
      expect([-5, -2, 2, 5]).toContain(fromList.getRandomTransform([10, 50, 1], s).tx);
    }
  });
});

describe('options and normalisation', () => {
  it('validates options with Keras-style messages', () => {
    expectDltsError(() => imageDataGenerator({ fillMode: 'edge' as never }), 'DLTS_VALUE', /fillMode must be one of .*Received: fillMode="edge"/);
    expectDltsError(() => imageDataGenerator({ zoomRange: [1, 2, 3] as never }), 'DLTS_VALUE', /zoomRange should be a number or an array of two numbers\. Received: zoomRange=\[1,2,3\]/);
    expectDltsError(() => imageDataGenerator({ validationSplit: 1 }), 'DLTS_VALUE', /validationSplit must be strictly between 0 and 1\. Received: validationSplit=1/);
    expectDltsError(() => imageDataGenerator({ interpolationOrder: 3 as never }), 'DLTS_UNSUPPORTED', /interpolationOrder must be 0 or 1/);
    expectDltsError(() => imageDataGenerator({ rotationRange: Number.NaN }), 'DLTS_VALUE', /rotationRange must be a finite number/);
    expectDltsError(() => imageDataGenerator().getRandomTransform([3, 3], 1), 'DLTS_VALUE', /shape must be \[height, width, channels\]/);
  });

  it('standardize applies preprocessingFunction, rescale and samplewise normalisation in Keras order', () => {
    const gen = imageDataGenerator({ rescale: 0.5, samplewiseCenter: true, samplewiseStdNormalization: true, preprocessingFunction: (x) => tf.add(x, 2) });
    const x = tf.tensor3d([0, 2, 4, 6], [2, 2, 1]);
    const y = gen.standardize(x);
    // (x + 2) * 0.5 = 1 2 3 4; centred -1.5 -0.5 0.5 1.5; std sqrt(1.25)
    const s = Math.sqrt(1.25) + 1e-6;
    expectTensorsClose(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], { atol: 1e-6 });
    tf.dispose([x, y]);
  });

  it('fit computes per-channel mean and std; standardize uses them', () => {
    const gen = imageDataGenerator({ featurewiseCenter: true, featurewiseStdNormalization: true });
    const x = tf.tensor4d([1, 10, 100, 3, 30, 300, 5, 50, 500, 7, 70, 700], [2, 2, 1, 3]);
    gen.fit(x);
    expectTensorsClose(gen.mean!, [4, 40, 400], { atol: 1e-5 });
    expectTensorsClose(gen.std!, [Math.sqrt(5), Math.sqrt(500), Math.sqrt(50000)], { rtol: 1e-6 });
    const y = gen.standardize(x);
    const out = y.dataSync();
    expect(out[0]).toBeCloseTo(-3 / Math.sqrt(5), 5);
    expect(out[1]).toBeCloseTo(-30 / Math.sqrt(500), 5);
    tf.dispose([x, y]);
  });

  it('zcaWhitening decorrelates: the whitened data have identity second moments', () => {
    setSeed(3);
    const n = 64;
    const base = tf.randomNormal([n, 2, 2, 1], 0, 1, 'float32', 9);
    // Correlate the 4 values of each sample.
    const mix = tf.tensor2d([1, 0.8, 0.2, 0, 0, 1, 0.5, 0.1, 0, 0, 1, 0.7, 0, 0, 0, 1], [4, 4]);
    const x = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(base, [n, 4]), mix), [n, 2, 2, 1]));
    const gen = imageDataGenerator({ zcaWhitening: true });
    gen.fit(x);
    const w = tf.tidy(() => tf.reshape(gen.standardize(x), [n, 4]));
    const cov = tf.tidy(() => tf.div(tf.matMul(w, w, true, false), n)).arraySync() as number[][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(cov[i][j]).toBeCloseTo(i === j ? 1 : 0, 2);
    tf.dispose([base, mix, x, w]);
  });
});
