import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, setSeed } from '@dlts/tensors';
import { sharedData } from '@dlts/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { input } from '../engine/input_layer';
import { batchNormalization } from '../layers/batch_normalization';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import { reshape } from '../layers/reshape';
import { freezeWeights, unfreezeWeights } from '../models/freeze';
import { model, Model } from '../models/model';
import { sequential } from '../models/sequential';
import { adam, rmsprop } from '../optimizers/index';
import { loadModelHdf5, saveModelHdf5 } from './hdf5_model';

const root = mkdtempSync(join(tmpdir(), 'dlts-h5-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (name = 'model.h5') => join(root, `${count++}-${name}`);

function weightValues(m: Model): number[][] {
  const ws = m.getWeights();
  const out = ws.map((t) => Array.from(t.dataSync()));
  tf.dispose(ws);
  return out;
}

function convModel(): Model {
  const m = sequential(
    [
      conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      batchNormalization(),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dropout({ rate: 0.5 }),
      dense({ units: 6, activation: 'relu' }),
      reshape({ targetShape: [2, 3] }),
      flatten(),
      dense({ units: 3, activation: 'softmax' }),
    ],
    { name: 'convnet' },
  );
  m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

function convData() {
  return tf.tidy(() => {
    const x = tf.randomNormal([8, 8, 8, 1], 0, 1, 'float32', 4);
    const y = tf.cast(tf.oneHot(tf.cast(tf.randomUniform([8], 0, 3, 'float32', 5), 'int32'), 3), 'float32');
    return { x, y };
  });
}

/** The python3 that has h5py (Debian's python3-h5py), or undefined. */
function pythonWithH5py(): string | undefined {
  for (const exe of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(exe, ['-c', 'import h5py'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return undefined;
}
const python = pythonWithH5py();

describe('saveModelHdf5 / loadModelHdf5', () => {
  it('round-trips a trained sequential convnet exactly: config, weights, compile settings, optimizer state; no leaks', async () => {
    setSeed(1);
    const m = convModel();
    const { x, y } = convData();
    m.trainOnBatch(x, y);
    m.trainOnBatch(x, y);
    const path = fresh();
    await saveModelHdf5(m, path);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const before = tf.memory().numTensors;
    const loaded = await loadModelHdf5(path);
    expect(loaded.className).toBe('Sequential');
    expect(loaded.name).toBe('convnet');
    expect(loaded.getConfig()).toEqual(m.getConfig());
    expect(loaded.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));
    expect(weightValues(loaded)).toEqual(weightValues(m));
    expect(loaded.summary({ print: false })).toBe(m.summary({ print: false }));

    const p1 = m.predict(x) as tf.Tensor;
    const p2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([p1, p2]);

    const c = loaded.compiled!;
    expect(c.optimizer.className).toBe('Adam');
    expect(c.optimizer.getConfig()).toEqual(m.compiled!.optimizer.getConfig());
    expect(c.optimizer.iterations).toBe(2);
    expect(c.metricNames).toEqual([['accuracy']]);
    expect(c.losses[0].name).toBe('categorical_crossentropy');

    // Training resumes exactly as without the save (same optimizer state; same dropout masks).
    setSeed(9);
    const r1 = m.trainOnBatch(x, y);
    setSeed(9);
    expect(loaded.trainOnBatch(x, y)).toEqual(r1);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('round-trips a functional model with two inputs and a shared layer', async () => {
    setSeed(2);
    const a = input({ shape: [4], name: 'in_a' });
    const b = input({ shape: [3], name: 'in_b' });
    const shared = dense({ units: 2, name: 'shared' });
    const oa = dense({ units: 1, activation: 'sigmoid', name: 'out_a' }).apply(shared.apply(dense({ units: 5, name: 'branch_a' }).apply(a)));
    const ob = dense({ units: 1, name: 'out_b' }).apply(shared.apply(dense({ units: 5, name: 'branch_b' }).apply(b)));
    const m = model({ inputs: [a, b], outputs: [oa, ob], name: 'two_input' });
    m.compile({ optimizer: rmsprop({ learningRate: 0.005 }), loss: { out_a: 'binary_crossentropy', out_b: 'mse' }, lossWeights: [1, 0.5] });
    const path = fresh();
    await saveModelHdf5(m, path, { includeOptimizer: false });
    const loaded = await loadModelHdf5(path);
    expect(loaded.className).toBe('Functional');
    expect(loaded.getConfig()).toEqual(m.getConfig());
    expect(loaded.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(weightValues(loaded)).toEqual(weightValues(m));
    expect(loaded.compiled!.lossWeights).toEqual([1, 0.5]);
    const xa = tf.ones([2, 4]);
    const xb = tf.ones([2, 3]);
    const p1 = m.predict([xa, xb]) as tf.Tensor[];
    const p2 = loaded.predict([xa, xb]) as tf.Tensor[];
    p1.forEach((t, i) => expect(Array.from(p2[i].dataSync())).toEqual(Array.from(t.dataSync())));
    tf.dispose([xa, xb, ...p1, ...p2]);
    loaded.dispose();
    m.dispose();
  });

  it('keeps a partly frozen nested conv base (Keras stores trainable weights first, and so do we)', async () => {
    setSeed(3);
    const x = input({ shape: [6, 6, 2] });
    let h = conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv1' }).apply(x);
    h = maxPooling2d({ poolSize: 2, name: 'block1_pool' }).apply(h);
    h = conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'block2_conv1' }).apply(h);
    const base = model({ inputs: x, outputs: h, name: 'conv_base' });
    const m = sequential([base, flatten(), dense({ units: 1, activation: 'sigmoid' })], { name: 'fine_tune' });
    unfreezeWeights(base, { from: 'block2_conv1' });
    m.compile({ optimizer: rmsprop({ learningRate: 1e-3 }), loss: 'binary_crossentropy', metrics: ['acc'] });
    const xs = tf.randomUniform([4, 6, 6, 2], 0, 1, 'float32', 31);
    const ys = tf.tensor2d([[1], [0], [1], [0]]);
    m.trainOnBatch(xs, ys);
    const path = fresh();
    await saveModelHdf5(m, path);
    const loaded = await loadModelHdf5(path);
    const loadedBase = loaded.getLayer('conv_base') as Model;
    expect(loadedBase.getLayer('block1_conv1').trainable).toBe(false);
    expect(loadedBase.getLayer('block2_conv1').trainable).toBe(true);
    expect(loaded.trainableWeights.map((w) => w.name)).toEqual(m.trainableWeights.map((w) => w.name));
    expect(weightValues(loaded)).toEqual(weightValues(m));
    expect(loaded.summary({ print: false })).toBe(m.summary({ print: false }));
    expect(loaded.trainOnBatch(xs, ys)).toEqual(m.trainOnBatch(xs, ys));
    expect(weightValues(loaded)).toEqual(weightValues(m));
    tf.dispose([xs, ys]);
    loaded.dispose();
    m.dispose();
  });

  it('an uncompiled model round-trips uncompiled; compile: false skips the training config', async () => {
    const m = sequential([dense({ units: 2, inputShape: [3] })]);
    const path = fresh();
    await saveModelHdf5(m, path);
    const loaded = await loadModelHdf5(path);
    expect(loaded.compiled).toBeUndefined();
    loaded.dispose();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await saveModelHdf5(m, path);
    const uncompiled = await loadModelHdf5(path, { compile: false });
    expect(uncompiled.compiled).toBeUndefined();
    uncompiled.dispose();
    m.dispose();
  });

  it('writes atomically: a failed save leaves the previous file whole and no temporary file', async () => {
    const m = sequential([dense({ units: 2, inputShape: [3], name: 'first' }), dense({ units: 1, name: 'second' })]);
    const path = fresh('atomic.h5');
    await saveModelHdf5(m, path);
    const good = readFileSync(path);
    const other = sequential([dense({ units: 2, inputShape: [3] }), dense({ units: 1 })]);
    const spy = vi.spyOn(other.weights[2].variable, 'dataSync').mockImplementation(() => {
      throw new Error('simulated failure in the middle of the save');
    });
    await expect(saveModelHdf5(other, path)).rejects.toThrow(/simulated failure/);
    spy.mockRestore();
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const loaded = await loadModelHdf5(path);
    expect(loaded.layers.map((l) => l.name)).toEqual(['first', 'second']);
    loaded.dispose();
    m.dispose();
    other.dispose();
  });

  it('fails clearly: missing file, not HDF5, truncated HDF5, weights-only file, unbuilt model', async () => {
    const missing = join(root, 'nope.h5');
    await expect(loadModelHdf5(missing)).rejects.toThrow(new RegExp(`loadModelHdf5: cannot read ${missing}`));
    await expect(loadModelHdf5(sharedData('fixtures', 'truncated.npz'))).rejects.toMatchObject({ code: 'DLTS_IO', message: expect.stringMatching(/is not an HDF5 file/) });

    const whole = readFileSync(sharedData('keras-models', 'keras-3.3.3-mlp.h5'));
    const truncated = fresh('truncated.h5');
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    const error = await loadModelHdf5(truncated).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DltsError);
    expect((error as DltsError).code).toBe('DLTS_IO');
    expect((error as DltsError).message).toContain(truncated);

    const weightsOnly = fresh('weights-only.h5');
    copyFileSync(sharedData('fixtures', 'vgg16_notop_keras1.h5'), weightsOnly);
    await expect(loadModelHdf5(weightsOnly)).rejects.toThrow(/holds only weights \(no model_config\): build the model in code and use loadWeightsHdf5/);

    const unbuilt = sequential([dense({ units: 2 })]);
    await expect(saveModelHdf5(unbuilt, fresh())).rejects.toMatchObject({ code: 'DLTS_NOT_BUILT' });
  });

  it.skipIf(!python)('writes the Keras layout that h5py reads (skipped without Debian python3-h5py)', async () => {
    setSeed(4);
    const m = sequential([dense({ units: 4, activation: 'relu', inputShape: [5], name: 'hidden' }), batchNormalization({ name: 'bn' }), dense({ units: 2, name: 'out' })], {
      name: 'layout',
    });
    freezeWeights(m, { from: 'bn', to: 'bn' });
    m.compile({ optimizer: 'rmsprop', loss: 'mse' });
    const path = fresh('layout.h5');
    await saveModelHdf5(m, path);
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
dec = lambda v: v.decode('utf8') if hasattr(v, 'decode') else v
mw = f['model_weights']
out = {
  'root_attrs': sorted(f.attrs.keys()),
  'keras_version': dec(f.attrs['keras_version']),
  'backend': dec(f.attrs['backend']),
  'model_config': json.loads(dec(f.attrs['model_config'])),
  'training_config': json.loads(dec(f.attrs['training_config'])),
  'layer_names': [dec(n) for n in mw.attrs['layer_names']],
  'mw_keras_version': dec(mw.attrs['keras_version']),
  'layers': {},
}
for name in out['layer_names']:
  names = [dec(n) for n in mw[name].attrs['weight_names']]
  out['layers'][name] = [[n, list(mw[name][n].shape), str(mw[name][n].dtype), float(mw[name][n][()].sum())] for n in names]
print(json.dumps(out))
`;
    const r = spawnSync(python!, ['-c', script, path], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.root_attrs).toEqual(['backend', 'generated_by', 'keras_version', 'model_config', 'training_config']);
    expect(out.keras_version).toBe('2.9.0');
    expect(out.backend).toBe('tensorflow');
    expect(out.model_config).toEqual({ class_name: 'Sequential', config: m.getConfig() });
    expect(out.training_config.optimizer_config.class_name).toBe('RMSprop');
    expect(out.layer_names).toEqual(['hidden', 'bn', 'out']);
    expect(out.mw_keras_version).toBe('2.9.0');
    expect(out.layers.hidden.map((w: unknown[]) => w.slice(0, 3))).toEqual([
      ['hidden/kernel:0', [5, 4], 'float32'],
      ['hidden/bias:0', [4], 'float32'],
    ]);
    // A frozen layer stores all its weights as non-trainable, in Keras's order.
    expect(out.layers.bn.map((w: unknown[]) => w[0])).toEqual(['bn/gamma:0', 'bn/beta:0', 'bn/moving_mean:0', 'bn/moving_variance:0']);
    const kernelSum = tf.tidy(() => tf.sum(m.getLayer('hidden').weights[0].variable).dataSync()[0]);
    expect(out.layers.hidden[0][3]).toBeCloseTo(kernelSum, 4);
    m.dispose();
  });
});
