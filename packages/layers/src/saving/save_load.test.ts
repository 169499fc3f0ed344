import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, setSeed } from '@dlts/tensors';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { input } from '../engine/input_layer';
import { batchNormalization } from '../layers/batch_normalization';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import { unfreezeWeights } from '../models/freeze';
import { model, Model } from '../models/model';
import { sequential } from '../models/sequential';
import { adam, rmsprop } from '../optimizers/index';
import type { SymbolicTensor } from '../engine/symbolic';
import { fromConfig } from './deserialize';
import { writeDirAtomic } from './files';
import { loadModel } from './load';

/** Lets a test make `writeFile` fail for one file name, to simulate a crash in the middle of a save. */
const failing = vi.hoisted(() => ({ name: undefined as string | undefined, renameInto: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    writeFile: async (...args: Parameters<typeof actual.writeFile>) => {
      const path = String(args[0]);
      if (failing.name && path.endsWith(failing.name)) throw new Error(`simulated failure writing ${path}`);
      return actual.writeFile(...args);
    },
    rename: async (from: string, to: string) => {
      if (failing.renameInto && to === failing.renameInto && from.includes('.tmp-')) throw new Error(`simulated failure renaming ${from}`);
      return actual.rename(from, to);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'dlts-save-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `m${dirCount++}`);

function values(ts: tf.Tensor[]): number[][] {
  return ts.map((t) => Array.from(t.dataSync()));
}

function weightValues(m: Model): number[][] {
  const ws = m.getWeights();
  const out = values(ws);
  tf.dispose(ws);
  return out;
}

function seqModel(): Model {
  const m = sequential([dense({ units: 8, activation: 'relu', inputShape: [4] }), batchNormalization(), dense({ units: 3, activation: 'softmax' })]);
  m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

/** Two inputs, a branch each, one layer shared by both branches, two outputs. */
function twoInputModel(): Model {
  const a = input({ shape: [4], name: 'in_a' });
  const b = input({ shape: [3], name: 'in_b' });
  const ha = dense({ units: 5, activation: 'relu', name: 'branch_a' }).apply(a);
  const hb = dense({ units: 5, activation: 'tanh', name: 'branch_b' }).apply(b);
  const shared = dense({ units: 2, name: 'shared', kernelInitializer: 'he_normal' });
  const oa = shared.apply(ha);
  const ob = shared.apply(hb);
  const outA = dense({ units: 1, activation: 'sigmoid', name: 'out_a' }).apply(oa);
  const outB = dense({ units: 1, name: 'out_b', useBias: false }).apply(ob);
  const m = model({ inputs: [a, b], outputs: [outA, outB], name: 'two_input' });
  m.compile({
    optimizer: rmsprop({ learningRate: 0.005, rho: 0.8 }),
    loss: { out_a: 'binary_crossentropy', out_b: 'mse' },
    metrics: { out_a: ['accuracy'], out_b: ['mae'] },
    lossWeights: [1, 0.5],
  });
  return m;
}

function seqData() {
  return tf.tidy(() => {
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 11);
    const y = tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [16, 3]), 1), 3);
    return { x, y: tf.cast(y, 'float32') };
  });
}

function twoInputData() {
  return tf.tidy(() => {
    const a = tf.randomNormal([12, 4], 0, 1, 'float32', 21);
    const b = tf.randomNormal([12, 3], 0, 1, 'float32', 22);
    const ya = tf.cast(tf.greater(tf.sum(a, 1, true), 0), 'float32');
    const yb = tf.sum(b, 1, true);
    return { a, b, ya, yb };
  });
}

describe('save/load round trip', () => {
  it('sequential: weights, predictions, config, compile settings and optimizer state; no leaks', async () => {
    setSeed(3);
    const m = seqModel();
    const { x, y } = seqData();
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
    const dir = freshDir();
    await m.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.bin', 'weights.bin']);

    const before = tf.memory().numTensors;
    const loaded = await loadModel(dir);
    expect(loaded.className).toBe('Sequential');
    expect(loaded.getConfig()).toEqual(m.getConfig());
    expect(weightValues(loaded)).toEqual(weightValues(m));
    expect(loaded.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));

    const p1 = m.predict(x) as tf.Tensor;
    const p2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([p1, p2]);

    // Compile settings.
    const c = loaded.compiled!;
    expect(c.losses[0].name).toBe(m.compiled!.losses[0].name);
    expect(c.metricNames).toEqual([['accuracy']]);
    expect(c.optimizer.className).toBe('Adam');
    expect(c.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
    expect(c.optimizer.iterations).toBe(m.compiled!.optimizer.iterations);

    // Training continues exactly as without saving.
    const r1 = m.trainOnBatch(x, y);
    const r2 = loaded.trainOnBatch(x, y);
    expect(r2).toEqual(r1);
    expect(weightValues(loaded)).toEqual(weightValues(m));

    // Memory: fit, evaluate, predict on the loaded (compiled) model leave nothing behind.
    const count = tf.memory().numTensors;
    await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    await loaded.evaluate(x, y, { batchSize: 5 });
    tf.dispose(loaded.predict(x, { batchSize: 3 }));
    expect(tf.memory().numTensors).toBe(count);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('functional with two inputs, branches and a shared layer', async () => {
    setSeed(5);
    const m = twoInputModel();
    const { a, b, ya, yb } = twoInputData();
    for (let i = 0; i < 3; i++) m.trainOnBatch([a, b], [ya, yb]);
    const dir = freshDir();
    await m.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.className).toBe('Functional');
    expect(loaded.getConfig()).toEqual(m.getConfig());
    expect(loaded.inputNames).toEqual(['in_a', 'in_b']);
    expect(loaded.outputNames).toEqual(['out_a', 'out_b']);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    // The shared layer is one layer with two calls.
    expect(loaded.getLayer('shared').inboundNodes).toHaveLength(2);

    const p1 = m.predict([a, b]) as tf.Tensor[];
    const p2 = loaded.predict([a, b]) as tf.Tensor[];
    expect(values(p2)).toEqual(values(p1));
    tf.dispose([...p1, ...p2]);

    const c = loaded.compiled!;
    expect(c.optimizer.className).toBe('RMSprop');
    expect(c.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
    expect(c.lossWeights).toEqual([1, 0.5]);
    expect(c.metricNames).toEqual(m.compiled!.metricNames);
    expect(c.losses.map((l) => l.name)).toEqual(m.compiled!.losses.map((l) => l.name));

    const r1 = m.trainOnBatch([a, b], [ya, yb]);
    const r2 = loaded.trainOnBatch([a, b], [ya, yb]);
    expect(r2).toEqual(r1);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    loaded.dispose();
    m.dispose();
    tf.dispose([a, b, ya, yb]);
  });

  it('a partly frozen conv base nested in a sequential model (the fine-tuning case)', async () => {
    setSeed(8);
    const x = input({ shape: [6, 6, 2], name: 'base_input' });
    let h = conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv1' }).apply(x);
    h = maxPooling2d({ poolSize: 2, name: 'block1_pool' }).apply(h);
    h = conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'block2_conv1' }).apply(h);
    const base = model({ inputs: x, outputs: h, name: 'conv_base' });
    const m = sequential([base, flatten({ name: 'flat' }), dense({ units: 1, activation: 'sigmoid', name: 'head' })], { name: 'fine_tune' });
    unfreezeWeights(base, { from: 'block2_conv1' });
    m.compile({ optimizer: rmsprop({ learningRate: 1e-3 }), loss: 'binary_crossentropy', metrics: ['acc'] });
    const xs = tf.randomUniform([4, 6, 6, 2], 0, 1, 'float32', 31);
    const ys = tf.tensor2d([[1], [0], [1], [0]]);
    m.trainOnBatch(xs, ys);
    const dir = freshDir();
    await m.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.getConfig()).toEqual(m.getConfig());
    const loadedBase = loaded.getLayer('conv_base') as Model;
    expect(loadedBase).toBeInstanceOf(Model);
    // Trainability of the layers with weights (an InputLayer's config has no `trainable`, as in Keras).
    const flags = (mm: Model) => mm.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l.trainable]);
    expect(flags(loadedBase)).toEqual(flags(base));
    expect(flags(loadedBase)).toEqual([
      ['block1_conv1', false],
      ['block2_conv1', true],
    ]);
    expect(loaded.trainableWeights.map((w) => w.name)).toEqual(m.trainableWeights.map((w) => w.name));
    expect(loaded.compiled!.metricNames).toEqual([['acc']]);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    const r1 = m.trainOnBatch(xs, ys);
    const r2 = loaded.trainOnBatch(xs, ys);
    expect(r2).toEqual(r1);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    loaded.dispose();
    m.dispose();
    tf.dispose([xs, ys]);
  });

  it('includeOptimizer: false saves no optimizer state; loading still compiles', async () => {
    const m = seqModel();
    const { x, y } = seqData();
    m.trainOnBatch(x, y);
    const dir = freshDir();
    await m.save(dir, { includeOptimizer: false });
    expect(existsSync(join(dir, 'optimizer.bin'))).toBe(false);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.optimizer_manifest).toBeNull();
    const loaded = await loadModel(dir);
    expect(loaded.compiled?.optimizer.iterations).toBe(0);
    expect(loaded.compiled?.optimizer.className).toBe('Adam');
    expect(weightValues(loaded)).toEqual(weightValues(m));
    const uncompiled = await loadModel(dir, { compile: false });
    expect(uncompiled.compiled).toBeUndefined();
    tf.dispose([x, y]);
    [m, loaded, uncompiled].forEach((t) => t.dispose());
  });

  it('an uncompiled model saves with training_config null', async () => {
    const m = sequential([dense({ units: 2, inputShape: [3] })]);
    const dir = freshDir();
    await m.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.training_config).toBeNull();
    const loaded = await loadModel(dir);
    expect(loaded.compiled).toBeUndefined();
    expect(weightValues(loaded)).toEqual(weightValues(m));
    m.dispose();
    loaded.dispose();
  });

  it('model.json holds a Keras-layout model_config with Keras config keys', async () => {
    const m = sequential([dense({ units: 3, activation: 'relu', inputShape: [2], name: 'd1' }), dropout({ rate: 0.25, name: 'drop' })], { name: 'seq' });
    m.compile({ optimizer: 'rmsprop', loss: 'mse', metrics: ['mae'] });
    const dir = freshDir();
    await m.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.model_config.class_name).toBe('Sequential');
    expect(json.model_config.config.name).toBe('seq');
    const layers = json.model_config.config.layers as { class_name: string; config: Record<string, unknown> }[];
    expect(layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense', 'Dropout']);
    expect(layers[0].config).toMatchObject({ batch_input_shape: [null, 2], dtype: 'float32' });
    expect(layers[1].config).toMatchObject({
      name: 'd1',
      trainable: true,
      units: 3,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
    });
    expect(layers[2].config).toMatchObject({ name: 'drop', rate: 0.25 });
    expect(json.training_config).toMatchObject({
      loss: { class_name: 'MeanSquaredError', config: { name: 'mean_squared_error' } },
      optimizer_config: { class_name: 'RMSprop', config: { learning_rate: 0.001 } },
    });
    expect(json.weights_manifest.map((s: { name: string }) => s.name)).toEqual(['d1/kernel', 'd1/bias']);
    m.dispose();
  });
});

describe('atomic writes', () => {
  it('a failure in the middle of a save leaves the previous model intact and no temp dirs', async () => {
    const m = seqModel();
    const dir = freshDir();
    const parent = join(dir, '..');
    await m.save(dir);
    const before = readFileSync(join(dir, 'weights.bin'));
    const beforeJson = readFileSync(join(dir, 'model.json'), 'utf8');
    const { x, y } = seqData();
    m.trainOnBatch(x, y); // the weights change, so a completed save would differ
    failing.name = 'weights.bin';
    try {
      await expect(m.save(dir)).rejects.toThrow(/simulated failure/);
    } finally {
      failing.name = undefined;
    }
    expect(readFileSync(join(dir, 'weights.bin')).equals(before)).toBe(true);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(beforeJson);
    expect(readdirSync(parent).filter((n) => n.startsWith('.'))).toEqual([]);
    const loaded = await loadModel(dir);
    expect(loaded.compiled).toBeDefined();
    loaded.dispose();

    // A successful save replaces the directory, stale files included.
    writeFileSync(join(dir, 'stale.txt'), 'old');
    await m.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.bin', 'weights.bin']);
    expect(readFileSync(join(dir, 'weights.bin')).equals(before)).toBe(false);
    expect(readdirSync(parent).filter((n) => n.startsWith('.'))).toEqual([]);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('writeDirAtomic: a throwing writer leaves the old directory and removes its temp dir', async () => {
    const dir = freshDir();
    await writeDirAtomic(dir, async (tmp) => writeFileSync(join(tmp, 'a.txt'), 'one'));
    await expect(
      writeDirAtomic(dir, async (tmp) => {
        writeFileSync(join(tmp, 'a.txt'), 'two');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(readdirSync(join(dir, '..')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('writeDirAtomic: when the final rename fails, the previous version is put back', async () => {
    const dir = freshDir();
    await writeDirAtomic(dir, async (tmp) => writeFileSync(join(tmp, 'a.txt'), 'one'));
    failing.renameInto = dir;
    try {
      await expect(writeDirAtomic(dir, async (tmp) => writeFileSync(join(tmp, 'a.txt'), 'two'))).rejects.toThrow(/simulated failure renaming/);
    } finally {
      failing.renameInto = undefined;
    }
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(readdirSync(join(dir, '..')).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('loadModel errors', () => {
  async function expectIoError(promise: Promise<unknown>, file: RegExp | string) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DltsError);
    expect((error as DltsError).code).toBe('DLTS_IO');
    expect((error as DltsError).message).toMatch(file);
  }

  async function savedDir(): Promise<string> {
    const m = seqModel();
    const dir = freshDir();
    await m.save(dir);
    m.dispose();
    return dir;
  }

  it('missing directory or model.json', async () => {
    const dir = freshDir();
    await expectIoError(loadModel(dir), join(dir, 'model.json'));
  });

  it('model.json that is not JSON, or not ours', async () => {
    const dir = await savedDir();
    writeFileSync(join(dir, 'model.json'), '{"format": "dlts-model", "model_config": ');
    await expectIoError(loadModel(dir), join(dir, 'model.json'));
    // A tfjs-layers model.json is foreign.
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
    await expectIoError(loadModel(dir), join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json'), '[1, 2, 3]');
    await expectIoError(loadModel(dir), join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json'), 'null');
    await expectIoError(loadModel(dir), join(dir, 'model.json'));
  });

  it('model.json with a broken model_config or manifest', async () => {
    const dir = await savedDir();
    const good = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const tensors = tf.memory().numTensors;
    const variants: unknown[] = [
      { ...good, model_config: null },
      { ...good, model_config: { class_name: 'Sequential', config: { layers: 7 } } },
      { ...good, weights_manifest: undefined },
      { ...good, weights_manifest: [{ name: 'x', shape: 'bad', dtype: 'float32', offset: 0 }] },
      { ...good, weights_manifest: good.weights_manifest.slice(1) },
      { ...good, weights_manifest: good.weights_manifest.map((s: { shape: number[] }, i: number) => (i === 0 ? { ...s, shape: [4, 9] } : s)) },
      { ...good, weights_manifest: good.weights_manifest.map((s: object) => ({ ...s, dtype: 'complex64' })) },
      { ...good, training_config: { ...good.training_config, optimizer_config: null } },
    ];
    for (const variant of variants) {
      writeFileSync(join(dir, 'model.json'), JSON.stringify(variant));
      await expectIoError(loadModel(dir), join(dir, 'model.json'));
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('missing or truncated weights.bin / optimizer.bin', async () => {
    const dir = await savedDir();
    const tensors = tf.memory().numTensors;
    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, weights.length - 4));
    await expectIoError(loadModel(dir), join(dir, 'weights.bin'));
    rmSync(join(dir, 'weights.bin'));
    await expectIoError(loadModel(dir), join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights);
    const optimizer = readFileSync(join(dir, 'optimizer.bin'));
    writeFileSync(join(dir, 'optimizer.bin'), optimizer.subarray(0, 8));
    await expectIoError(loadModel(dir), join(dir, 'optimizer.bin'));
    rmSync(join(dir, 'optimizer.bin'));
    await expectIoError(loadModel(dir), join(dir, 'optimizer.bin'));
    // Without the optimizer state the model still loads when asked not to restore it.
    const m = await loadModel(dir, { loadOptimizerState: false });
    m.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('fromConfig reads Keras configs', () => {
  const denseConfig3 = (name: string, units: number, activation: string) => ({
    module: 'keras.layers',
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      units,
      activation,
      use_bias: true,
      kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
    registered_name: null,
    build_config: { input_shape: [null, 4] },
    name,
  });
  const kerasTensor = (shape: (number | null)[], history: [string, number, number]) => ({
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: history },
  });

  it('a Keras 3 functional config (inbound_nodes with __keras_tensor__ args)', () => {
    const config = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'k3',
        trainable: true,
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' },
            registered_name: null,
            name: 'input_layer',
            inbound_nodes: [],
          },
          {
            ...denseConfig3('hidden', 6, 'relu'),
            inbound_nodes: [{ args: [kerasTensor([null, 4], ['input_layer', 0, 0])], kwargs: {} }],
          },
          {
            ...denseConfig3('head', 2, 'softmax'),
            inbound_nodes: [{ args: [kerasTensor([null, 6], ['hidden', 0, 0])], kwargs: {} }],
          },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['head', 0, 0]],
      },
      registered_name: 'Functional',
    };
    const m = fromConfig(config as never) as Model;
    expect(m).toBeInstanceOf(Model);
    expect(m.name).toBe('k3');
    expect(m.layers.map((l) => l.name)).toEqual(['input_layer', 'hidden', 'head']);
    expect(m.inputs[0].shape).toEqual([null, 4]);
    expect(m.outputs[0].shape).toEqual([null, 2]);
    expect(m.getLayer('hidden').getConfig()).toMatchObject({ units: 6, activation: 'relu', use_bias: true });
    const x = tf.ones([3, 4]);
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 2]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a Keras 3 functional config with a single (unwrapped) input and output reference', () => {
    const config = {
      class_name: 'Functional',
      config: {
        name: 'k3b',
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', name: 'inp' }, name: 'inp', inbound_nodes: [] },
          { ...denseConfig3('d', 1, 'linear'), inbound_nodes: [{ args: [kerasTensor([null, 4], ['inp', 0, 0])], kwargs: {} }] },
        ],
        input_layers: ['inp', 0, 0],
        output_layers: ['d', 0, 0],
      },
    };
    const m = fromConfig(config as never) as Model;
    expect(m.inputNames).toEqual(['inp']);
    expect(m.outputNames).toEqual(['d']);
    m.dispose();
  });

  it('a Keras 2 functional config ([[["input_1", 0, 0, {}]]]) with a shared layer', () => {
    const dense2 = (name: string, units: number) => ({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        dtype: 'float32',
        units,
        activation: 'linear',
        use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
    });
    const config = {
      class_name: 'Functional',
      config: {
        name: 'k2',
        layers: [
          {
            class_name: 'InputLayer',
            config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' },
            name: 'input_1',
            inbound_nodes: [],
          },
          {
            class_name: 'InputLayer',
            config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_2' },
            name: 'input_2',
            inbound_nodes: [],
          },
          { ...dense2('shared', 2), name: 'shared', inbound_nodes: [[['input_1', 0, 0, {}]], [['input_2', 0, 0, {}]]] },
          { ...dense2('out', 1), name: 'out', inbound_nodes: [[['shared', 1, 0, {}]]] },
        ],
        input_layers: [
          ['input_1', 0, 0],
          ['input_2', 0, 0],
        ],
        output_layers: [
          ['shared', 0, 0],
          ['out', 0, 0],
        ],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    const m = fromConfig(config as never) as Model;
    expect(m.inputNames).toEqual(['input_1', 'input_2']);
    expect(m.outputNames).toEqual(['shared', 'out']);
    expect(m.getLayer('shared').inboundNodes).toHaveLength(2);
    // The model's own config is the same Keras 2 layout.
    const again = m.getConfig() as { layers: { name: string; inbound_nodes: unknown }[] };
    expect(again.layers.find((l) => l.name === 'shared')?.inbound_nodes).toEqual([[['input_1', 0, 0, {}]], [['input_2', 0, 0, {}]]]);
    expect(again.layers.find((l) => l.name === 'out')?.inbound_nodes).toEqual([[['shared', 1, 0, {}]]]);
    // out(shared(input_2)): feed input_2 and check against the layers applied by hand.
    const x1 = tf.ones([2, 3]);
    const x2 = tf.fill([2, 3], 2);
    const [s, o] = m.predict([x1, x2]) as tf.Tensor[];
    const expected = tf.tidy(() => m.getLayer('out').apply(m.getLayer('shared').apply(x2)) as tf.Tensor);
    expect(Array.from(o.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(s.shape).toEqual([2, 2]);
    tf.dispose([x1, x2, s, o, expected]);
    m.dispose();
  });

  it('a Keras 2 sequential config (no InputLayer entry, batch_input_shape on the first layer)', () => {
    const config = {
      class_name: 'Sequential',
      config: {
        name: 'sequential_7',
        layers: [
          { class_name: 'Dense', config: { name: 'dense_a', batch_input_shape: [null, 5], units: 4, activation: 'relu', dtype: 'float32' } },
          { class_name: 'Dense', config: { name: 'dense_b', units: 1, activation: 'sigmoid', dtype: 'float32' } },
        ],
      },
    };
    const m = fromConfig(config as never) as Model;
    expect(m.built).toBe(true);
    expect((m.outputs[0] as SymbolicTensor).shape).toEqual([null, 1]);
    expect(m.countParams()).toBe(5 * 4 + 4 + 4 + 1);
    m.dispose();
  });
});
