import * as tf from '@tensorflow/tfjs-core';
import { DltsError, setSeed } from '@dlts/tensors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { input } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import { batchNormalization } from '../layers/batch_normalization';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import { sgd } from '../optimizers/index';
import { freezeWeights, unfreezeWeights } from './freeze';
import { model, type Model } from './model';
import { sequential } from './sequential';

/** A tiny VGG16-like conv base: input, then blocks of convs and a pool, with VGG's layer names. */
function vggLike(): Model {
  const x = input({ shape: [8, 8, 3], name: 'input_1' });
  let h = conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv1' }).apply(x);
  h = conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv2' }).apply(h);
  h = maxPooling2d({ poolSize: 2, name: 'block1_pool' }).apply(h);
  h = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block2_conv1' }).apply(h);
  h = maxPooling2d({ poolSize: 2, name: 'block2_pool' }).apply(h);
  h = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block3_conv1' }).apply(h);
  h = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block3_conv2' }).apply(h);
  h = maxPooling2d({ poolSize: 2, name: 'block3_pool' }).apply(h);
  return model({ inputs: x, outputs: h, name: 'vgg_like' });
}

const NAMES = ['input_1', 'block1_conv1', 'block1_conv2', 'block1_pool', 'block2_conv1', 'block2_pool', 'block3_conv1', 'block3_conv2', 'block3_pool'];

function flags(m: Model): Record<string, boolean> {
  return Object.fromEntries(m.layers.map((l) => [l.name, l.trainable]));
}

/** Expected flags: the named layers `value`, every other layer `!value`. */
function only(names: string[], value: boolean): Record<string, boolean> {
  return Object.fromEntries(NAMES.map((n) => [n, names.includes(n) ? value : !value]));
}

function snapshot(layer: Layer): number[][] {
  const ws = layer.getWeights();
  const out = ws.map((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('freezeWeights / unfreezeWeights (R keras semantics)', () => {
  it('the VGG-like base has the input layer at index 0', () => {
    const base = vggLike();
    expect(base.layers.map((l) => l.name)).toEqual(NAMES);
    expect(base.trainableWeights).toHaveLength(10);
    base.dispose();
  });

  it('without a range everything is frozen, and unfreezing without a range undoes it', () => {
    const base = vggLike();
    expect(freezeWeights(base)).toBe(base);
    expect(base.trainable).toBe(false);
    expect(Object.values(flags(base)).every((t) => !t)).toBe(true);
    expect(base.trainableWeights).toHaveLength(0);
    expect(base.nonTrainableWeights).toHaveLength(10);
    expect(unfreezeWeights(base)).toBe(base);
    expect(base.trainable).toBe(true);
    expect(Object.values(flags(base)).every((t) => t)).toBe(true);
    expect(base.trainableWeights).toHaveLength(10);
    expect(base.nonTrainableWeights).toHaveLength(0);
    base.dispose();
  });

  it('from/to are inclusive, by name, 0-based index, negative index and layer; the rest get the opposite', () => {
    const base = vggLike();
    const range = ['block1_conv2', 'block1_pool', 'block2_conv1'];
    freezeWeights(base, { from: 'block1_conv2', to: 'block2_conv1' });
    expect(base.trainable).toBe(true);
    expect(flags(base)).toEqual(only(range, false));
    expect(base.trainableWeights.map((w) => w.name)).toEqual([
      'block1_conv1/kernel',
      'block1_conv1/bias',
      'block3_conv1/kernel',
      'block3_conv1/bias',
      'block3_conv2/kernel',
      'block3_conv2/bias',
    ]);
    expect(base.nonTrainableWeights).toHaveLength(4);

    unfreezeWeights(base);
    freezeWeights(base, { from: 2, to: 4 });
    expect(flags(base)).toEqual(only(range, false));

    unfreezeWeights(base);
    freezeWeights(base, { from: -7, to: -5 });
    expect(flags(base)).toEqual(only(range, false));

    unfreezeWeights(base);
    freezeWeights(base, { from: base.getLayer('block1_conv2'), to: base.getLayer('block2_conv1') });
    expect(flags(base)).toEqual(only(range, false));

    // Only `from`: to the end. Only `to`: from the start.
    freezeWeights(base, { from: -3 });
    expect(flags(base)).toEqual(only(['block3_conv1', 'block3_conv2', 'block3_pool'], false));
    freezeWeights(base, { to: 'block1_conv2' });
    expect(flags(base)).toEqual(only(['input_1', 'block1_conv1', 'block1_conv2'], false));

    // unfreeze with a range: the range trainable, the rest frozen.
    unfreezeWeights(base, { from: 1, to: 'block1_conv2' });
    expect(flags(base)).toEqual(only(['block1_conv1', 'block1_conv2'], true));
    expect(base.trainableWeights).toHaveLength(4);
    base.dispose();
  });

  it("unfreezeWeights(convBase, { from: 'block3_conv1' }) as in the course", () => {
    const base = vggLike();
    freezeWeights(base);
    unfreezeWeights(base, { from: 'block3_conv1' });
    expect(base.trainable).toBe(true);
    expect(flags(base)).toEqual(only(['block3_conv1', 'block3_conv2', 'block3_pool'], true));
    expect(base.trainableWeights.map((w) => w.name)).toEqual(['block3_conv1/kernel', 'block3_conv1/bias', 'block3_conv2/kernel', 'block3_conv2/bias']);
    expect(base.nonTrainableWeights).toHaveLength(6);
    base.dispose();
  });

  it('rejects unknown layers, indices out of range and reversed ranges with DltsError', () => {
    const base = vggLike();
    const other = dense({ units: 1 });
    const cases: (() => unknown)[] = [
      () => freezeWeights(base, { from: 'block9_conv1' }),
      () => freezeWeights(base, { from: 9 }),
      () => freezeWeights(base, { to: -10 }),
      () => freezeWeights(base, { from: 1.5 }),
      () => freezeWeights(base, { from: other }),
      () => unfreezeWeights(base, { from: 'block3_conv1', to: 'block1_conv1' }),
      () => freezeWeights(other, { from: 0 }),
    ];
    for (const c of cases) {
      let error: unknown;
      try {
        c();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DltsError);
      expect((error as DltsError).code).toBe('DLTS_VALUE');
    }
    expect(() => freezeWeights(base, { from: 'block9_conv1' })).toThrow(/block9_conv1/);
    base.dispose();
  });

  it('a single layer can be frozen and unfrozen', () => {
    const layer = dense({ units: 2, inputShape: [3] });
    const m = sequential([layer]);
    freezeWeights(layer);
    expect(layer.trainable).toBe(false);
    expect(m.trainableWeights).toHaveLength(0);
    expect(m.nonTrainableWeights).toHaveLength(2);
    unfreezeWeights(layer);
    expect(m.trainableWeights).toHaveLength(2);
    m.dispose();
  });
});

describe('freezing a conv base nested in a sequential model', () => {
  function fineTuneModel() {
    const base = vggLike();
    const m = sequential([base, flatten(), dense({ units: 4, activation: 'relu', name: 'fc' }), dense({ units: 1, activation: 'sigmoid', name: 'out' })]);
    return { base, m };
  }

  it('freezing the inner model freezes all its layers; the outer trainable weights shrink', () => {
    const { base, m } = fineTuneModel();
    expect(m.trainableWeights).toHaveLength(14);
    freezeWeights(base);
    expect(base.layers.every((l) => !l.trainable)).toBe(true);
    expect(m.trainable).toBe(true);
    expect(m.trainableWeights.map((w) => w.name)).toEqual(['fc/kernel', 'fc/bias', 'out/kernel', 'out/bias']);
    expect(m.nonTrainableWeights).toHaveLength(10);
    expect(m.weights).toHaveLength(14);
    unfreezeWeights(base, { from: 'block3_conv1' });
    expect(m.trainableWeights).toHaveLength(8);
    expect(m.nonTrainableWeights).toHaveLength(6);
    // Freezing the outer model with a range reaches the nested model as one layer.
    freezeWeights(m, { from: 0, to: 0 });
    expect(base.trainable).toBe(false);
    expect(base.layers.every((l) => !l.trainable)).toBe(true);
    expect(m.trainableWeights).toHaveLength(4);
    m.dispose();
  });

  it('a change takes effect at the next compile, with a warning when fit runs without one', async () => {
    setSeed(9);
    const { base, m } = fineTuneModel();
    const x = tf.randomUniform([8, 8, 8, 3], 0, 1, 'float32', 4);
    const y = tf.cast(tf.greater(tf.randomUniform([8, 1], 0, 1, 'float32', 5), 0.5), 'float32');
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'binary_crossentropy' });
    freezeWeights(base);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const baseBefore = snapshot(base);
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    // Not recompiled: training still uses the snapshot taken at compile, so the frozen weights move.
    expect(snapshot(base)).not.toEqual(baseBefore);
    expect(warn).toHaveBeenCalled();
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/compile/);

    warn.mockClear();
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'binary_crossentropy' });
    const frozen = snapshot(base);
    const head = snapshot(m.getLayer('fc'));
    const count = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    await m.evaluate(x, y, { batchSize: 4 });
    tf.dispose(m.predict(x, { batchSize: 3 }));
    expect(tf.memory().numTensors).toBe(count);
    expect(snapshot(base)).toEqual(frozen);
    expect(snapshot(m.getLayer('fc'))).not.toEqual(head);
    expect(warn).not.toHaveBeenCalled();

    // Unfreeze the top block and recompile: now only block3 (and the head) train.
    unfreezeWeights(base, { from: 'block3_conv1' });
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'binary_crossentropy' });
    const block1 = snapshot(base.getLayer('block1_conv1'));
    const block3 = snapshot(base.getLayer('block3_conv1'));
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(snapshot(base.getLayer('block1_conv1'))).toEqual(block1);
    expect(snapshot(base.getLayer('block3_conv1'))).not.toEqual(block3);
    expect(warn).not.toHaveBeenCalled();
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('BatchNormalization when frozen', () => {
  it('runs in inference mode: fit neither uses batch statistics nor updates the moving ones', async () => {
    const bn = batchNormalization({ name: 'bn' });
    const m = sequential([dense({ units: 3, inputShape: [2], name: 'pre' }), bn, dense({ units: 1, name: 'post' })]);
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
      [0.5, 4],
      [-2, 1],
    ]);
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    m.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'mse' });
    // Trainable: training mode uses batch statistics and moves the moving averages.
    let moving = snapshot(bn).slice(2);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(snapshot(bn).slice(2)).not.toEqual(moving);

    freezeWeights(m, { from: 'bn', to: 'bn' });
    expect(bn.trainable).toBe(false);
    expect(m.getLayer('pre').trainable).toBe(true);
    m.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'mse' });
    expect(m.trainableWeights.map((w) => w.name)).toEqual(['pre/kernel', 'pre/bias', 'post/kernel', 'post/bias']);
    moving = snapshot(bn);
    const inTraining = tf.tidy(() => m.callOutputs([x], { training: true })[0]);
    const inInference = tf.tidy(() => m.callOutputs([x], { training: false })[0]);
    expect(Array.from(inTraining.dataSync())).toEqual(Array.from(inInference.dataSync()));
    tf.dispose([inTraining, inInference]);
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    // gamma, beta, moving mean and moving variance all unchanged.
    expect(snapshot(bn)).toEqual(moving);
    m.dispose();
    tf.dispose([x, y]);
  });
});
