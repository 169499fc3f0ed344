import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, setSeed } from '@dlts/tensors';
import { afterAll, describe, expect, it } from 'vitest';
import { input } from '../engine/input_layer';
import { batchNormalization } from '../layers/batch_normalization';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { freezeWeights } from '../models/freeze';
import { model, type Model } from '../models/model';
import { sequential } from '../models/sequential';
import { readFloat32, readHdf5, readStringList, writeDataset, writeHdf5, writeStringAttr, writeStringList, type H5Dataset, type H5Group } from './hdf5_file';
import { legacyWeights, loadWeightsHdf5, saveWeightsHdf5 } from './hdf5_weights';

const root = mkdtempSync(join(tmpdir(), 'dlts-h5w-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `${count++}.h5`);

/** Deterministic values 0, 1, 2, ... (times a scale) of a shape. */
function ramp(shape: number[], scale = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => (i + 1) * scale);
}

function values(m: Model): number[][] {
  const ws = m.getWeights();
  const out = ws.map((t) => Array.from(t.dataSync()));
  tf.dispose(ws);
  return out;
}

/** A 3 -> 4 -> 2 MLP with the given layer names. */
function mlp(names: [string, string] = ['d1', 'd2']): Model {
  return sequential([dense({ units: 4, inputShape: [3], name: names[0] }), dense({ units: 2, name: names[1] })]);
}

/** Writes one layer group in the legacy layout with the given dataset names. */
function legacyLayer(parent: H5Group, name: string, weights: { name: string; shape: number[]; scale: number }[]): void {
  const g = parent.create_group(name);
  writeStringList(
    g,
    'weight_names',
    weights.map((w) => w.name),
  );
  for (const w of weights) writeDataset(g, w.name, ramp(w.shape, w.scale), w.shape);
}

describe('loadWeightsHdf5', () => {
  it('reads a Keras 1 file: root layer_names, flat weight names (dense_1_W:0), an input layer without weights', async () => {
    const path = fresh();
    await writeHdf5(path, 'test', (f) => {
      writeStringList(f, 'layer_names', ['input_1', 'dense_1', 'dense_2']);
      legacyLayer(f, 'input_1', []);
      legacyLayer(f, 'dense_1', [
        { name: 'dense_1_W:0', shape: [3, 4], scale: 0.1 },
        { name: 'dense_1_b:0', shape: [4], scale: -1 },
      ]);
      legacyLayer(f, 'dense_2', [
        { name: 'dense_2_W:0', shape: [4, 2], scale: 0.01 },
        { name: 'dense_2_b:0', shape: [2], scale: 2 },
      ]);
    });
    const m = mlp(['hidden', 'output']);
    const before = tf.memory().numTensors;
    await loadWeightsHdf5(m, path);
    expect(tf.memory().numTensors).toBe(before);
    const v = values(m);
    expect(v[0]).toEqual(Array.from(ramp([3, 4], 0.1)));
    expect(v[1]).toEqual(Array.from(ramp([4], -1)));
    expect(v[2]).toEqual(Array.from(ramp([4, 2], 0.01)));
    expect(v[3]).toEqual(Array.from(ramp([2], 2)));
    m.dispose();
  });

  it('reads chunked layer_names0, layer_names1, ... and nested Keras 2 names (dense/kernel:0) in a model_weights group', async () => {
    const path = fresh();
    await writeHdf5(path, 'test', (f) => {
      const g = f.create_group('model_weights');
      g.create_attribute('layer_names0', ['d1'], [1], 'A2');
      g.create_attribute('layer_names1', ['drop', 'd2'], [2], 'A4');
      writeStringAttr(g, 'keras_version', '2.4.0');
      legacyLayer(g, 'd1', [
        { name: 'd1/kernel:0', shape: [3, 4], scale: 1 },
        { name: 'd1/bias:0', shape: [4], scale: 2 },
      ]);
      legacyLayer(g, 'drop', []);
      legacyLayer(g, 'd2', [
        { name: 'd2/kernel:0', shape: [4, 2], scale: 3 },
        { name: 'd2/bias:0', shape: [2], scale: 4 },
      ]);
    });
    const m = sequential([dense({ units: 4, inputShape: [3] }), dropout({ rate: 0.5 }), dense({ units: 2 })]);
    await loadWeightsHdf5(m, path);
    expect(values(m)[3]).toEqual([4, 8]);
    m.dispose();
  });

  it('pairs by name with byName: order does not matter, unknown layers are ignored on both sides', async () => {
    const path = fresh();
    await writeHdf5(path, 'test', (f) => {
      writeStringList(f, 'layer_names', ['d2', 'other', 'd1']);
      legacyLayer(f, 'd2', [
        { name: 'd2/kernel:0', shape: [4, 2], scale: 3 },
        { name: 'd2/bias:0', shape: [2], scale: 4 },
      ]);
      legacyLayer(f, 'other', [{ name: 'other/kernel:0', shape: [7], scale: 1 }]);
      legacyLayer(f, 'd1', [
        { name: 'd1/kernel:0', shape: [3, 4], scale: 1 },
        { name: 'd1/bias:0', shape: [4], scale: 2 },
      ]);
    });
    const m = sequential([dense({ units: 4, inputShape: [3], name: 'd1' }), dense({ units: 2, name: 'd2' }), dense({ units: 1, name: 'extra' })]);
    const extraBefore = values(m).slice(4);
    await loadWeightsHdf5(m, path, { byName: true });
    const v = values(m);
    expect(v[1]).toEqual([2, 4, 6, 8]);
    expect(v[3]).toEqual([4, 8]);
    expect(v.slice(4)).toEqual(extraBefore);
    m.dispose();
  });

  it('names the layer on a count or shape mismatch, and changes nothing when it fails', async () => {
    const path = fresh();
    const saved = mlp(['d1', 'd2']);
    await saveWeightsHdf5(saved, path);
    saved.dispose();

    const bigger = sequential([dense({ units: 4, inputShape: [3], name: 'a' }), dense({ units: 2, name: 'b' }), dense({ units: 1, name: 'c' })]);
    await expect(loadWeightsHdf5(bigger, path)).rejects.toThrow(
      /loadWeightsHdf5: layer count mismatch: the model has 3 layer\(s\) with weights \(a, b, c\), .* has 2 \(d1, d2; Keras 2\.9\.0\)/,
    );
    bigger.dispose();

    const wrongShape = sequential([dense({ units: 4, inputShape: [3], name: 'a' }), dense({ units: 5, name: 'b' })]);
    const before = values(wrongShape);
    const error = (await loadWeightsHdf5(wrongShape, path).catch((e: unknown) => e)) as DltsError;
    expect(error).toBeInstanceOf(DltsError);
    expect(error.code).toBe('DLTS_SHAPE_MISMATCH');
    expect(error.message).toContain('shape mismatch in layer #1 (named b in the model, d2 in the file) for weight b/kernel: the weight expects shape (4, 5). Received: saved weight d2/kernel:0 with shape (4, 2)');
    // All checks run before the first assignment: layer a is untouched too.
    expect(values(wrongShape)).toEqual(before);

    const noBias = sequential([dense({ units: 4, inputShape: [3], name: 'a' }), dense({ units: 2, useBias: false, name: 'b' })]);
    await expect(loadWeightsHdf5(noBias, path)).rejects.toThrow(
      /weight count mismatch for layer #1 \(named b in the model, d2 in .*\): the layer expects 1 weight\(s\)\. Received: 2 saved weight\(s\)/,
    );
    noBias.dispose();

    // skipMismatch: the mismatching weights are skipped with a warning; the rest load.
    const warnings: string[] = [];
    await loadWeightsHdf5(wrongShape, path, { skipMismatch: true, warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/shape mismatch .* weight b\/kernel.*; skipped$/);
    const after = values(wrongShape);
    expect(after[0]).not.toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    wrongShape.dispose();
  });

  it('saveWeightsHdf5 and loadWeightsHdf5 round-trip exactly, frozen layers and batch-norm statistics included', async () => {
    setSeed(12);
    const m = sequential([dense({ units: 4, inputShape: [3] }), batchNormalization(), dense({ units: 2 })]);
    // Give the moving statistics non-default values.
    const bn = m.layers[1];
    tf.tidy(() => bn.weights.forEach((w, i) => w.assign(tf.fill(w.shape, i + 0.5))));
    freezeWeights(m, { from: 1, to: 1 });
    expect(legacyWeights(bn).map((w) => w.shortName)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    const path = fresh();
    await saveWeightsHdf5(m, path);
    const other = sequential([dense({ units: 4, inputShape: [3] }), batchNormalization(), dense({ units: 2 })]);
    freezeWeights(other, { from: 1, to: 1 });
    await loadWeightsHdf5(other, path);
    expect(values(other)).toEqual(values(m));
    m.dispose();
    other.dispose();
  });

  it('reads Keras 3 weights files (layers/<name>/vars/<i>), nested models included', async () => {
    const path = fresh();
    await writeHdf5(path, 'test', (f) => {
      // A sequential model holding a functional model (input_layer, dense) and a dense layer.
      f.create_group('vars');
      writeDataset(f, 'layers/functional/layers/dense/vars/0', ramp([3, 4], 1), [3, 4]);
      writeDataset(f, 'layers/functional/layers/dense/vars/1', ramp([4], 2), [4]);
      (f.get('layers/functional/layers') as H5Group).create_group('input_layer').create_group('vars');
      writeDataset(f, 'layers/dense/vars/0', ramp([4, 2], 3), [4, 2]);
      writeDataset(f, 'layers/dense/vars/1', ramp([2], 4), [2]);
    });
    const x = input({ shape: [3] });
    const inner = model({ inputs: x, outputs: dense({ units: 4, name: 'inner_dense' }).apply(x), name: 'inner' });
    const m = sequential([inner, dense({ units: 2, name: 'outer_dense' })]);
    await loadWeightsHdf5(m, path);
    const v = values(m);
    expect(v[0]).toEqual(Array.from(ramp([3, 4], 1)));
    expect(v[3]).toEqual([4, 8]);
    m.dispose();
  });

  it('refuses files that hold no Keras weights, naming the file', async () => {
    const path = fresh();
    await writeHdf5(path, 'test', (f) => void f.create_group('something'));
    const m = mlp();
    await expect(loadWeightsHdf5(m, path)).rejects.toThrow(new RegExp(`loadWeightsHdf5: ${path} is not a Keras weights file`));
    m.dispose();
  });
});

describe('reading datasets', () => {
  it('reads large datasets in slices along the first axis, float64 and integers converted to float32', async () => {
    const path = fresh();
    const big = ramp([37, 5, 3], 0.5);
    await writeHdf5(path, 'test', (f) => {
      writeDataset(f, 'big', big, [37, 5, 3]);
      f.create_dataset({ name: 'f64', data: Float64Array.of(0.1, 2.5), shape: [2], dtype: '<d' });
      f.create_dataset({ name: 'i64', data: BigInt64Array.of(7n), shape: [], dtype: '<q' });
    });
    await readHdf5(path, 'test', (f) => {
      const ds = (name: string) => f.get(name) as H5Dataset;
      // 60 bytes per row, 100-byte slices: one row at a time.
      expect(readFloat32(ds('big'), 'test', 100)).toEqual(big);
      expect(readFloat32(ds('big'), 'test', 10_000)).toEqual(big);
      expect(readFloat32(ds('f64'), 'test')).toEqual(Float32Array.of(0.1, 2.5));
      expect(readFloat32(ds('i64'), 'test')).toEqual(Float32Array.of(7));
    });
  });
});

describe('string-list attributes', () => {
  it('are split into name0, name1, ... beyond the HDF5 object-header limit and read back whole', async () => {
    const path = fresh();
    const names = Array.from({ length: 3000 }, (_, i) => `a_rather_long_layer_name_${i}`);
    await writeHdf5(path, 'test', (f) => writeStringList(f, 'layer_names', names));
    await readHdf5(path, 'test', (f) => {
      const attrs = Object.keys(f.attrs).sort();
      expect(attrs.length).toBeGreaterThan(1);
      expect(attrs.every((a) => /^layer_names\d+$/.test(a))).toBe(true);
      expect(readStringList(f, 'layer_names', path)).toEqual(names);
    });
  });
});
