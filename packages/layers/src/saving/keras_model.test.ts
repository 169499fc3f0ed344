/**
 * `.keras` archives: built here from the real Keras 3.3.3 model in ../shared/data/keras-models
 * (its config and weights, repacked in Keras 3's `.keras` layout: config.json + model.weights.h5
 * with `layers/<name>/vars/<i>`), so the predictions must still be the ones Keras recorded.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { sharedData, zipBytes } from '@dlts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { child, isDataset, readFloat32, readHdf5, readStringAttr, writeDataset, writeHdf5 } from './hdf5_file';
import { loadKerasModel } from './keras_model';

const root = mkdtempSync(join(tmpdir(), 'dlts-kzip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A test archive whose members are all stored (0) or all deflated (8). */
function zip(members: { name: string; data: Buffer }[], method: 0 | 8): Buffer {
  return Buffer.from(zipBytes(members.map((m) => ({ ...m, method }))));
}

const mlp = sharedData('keras-models', 'keras-3.3.3-mlp.h5');
const expected = JSON.parse(readFileSync(sharedData('keras-models', 'keras-3.3.3-mlp.expected.json'), 'utf8')) as { first_predictions: number[][] };
let config: Buffer;
let weights: Buffer;

beforeAll(async () => {
  // Repack the real Keras 3.3.3 model as a .keras archive.
  const { modelConfig, training, tensors } = await readHdf5(mlp, 'test', (f) => {
    const tensorsOf = (layer: string) =>
      ['kernel', 'bias'].map((w) => {
        const ds = child(f, `model_weights/${layer}/sequential/${layer}/${w}`);
        if (!ds || !isDataset(ds)) throw new Error('missing');
        return { data: readFloat32(ds, 'test'), shape: ds.shape! };
      });
    return {
      modelConfig: JSON.parse(readStringAttr(f, 'model_config', mlp)!),
      training: JSON.parse(readStringAttr(f, 'training_config', mlp)!),
      tensors: ['dense', 'dense_1', 'dense_2'].map(tensorsOf),
    };
  });
  const optimizer = { module: 'keras.optimizers', registered_name: null, ...training.optimizer_config };
  const kerasConfig = {
    module: 'keras',
    ...modelConfig,
    registered_name: null,
    build_config: { input_shape: [null, 784] },
    compile_config: { optimizer, loss: training.loss, loss_weights: null, metrics: training.metrics, weighted_metrics: null, run_eagerly: false, steps_per_execution: 1, jit_compile: false },
  };
  config = Buffer.from(JSON.stringify(kerasConfig));
  const h5 = join(root, 'model.weights.h5');
  await writeHdf5(h5, 'test', (f) => {
    f.create_group('vars');
    tensors.forEach((pair, i) => pair.forEach((t, j) => writeDataset(f, `layers/${i === 0 ? 'dense' : `dense_${i}`}/vars/${j}`, t.data, t.shape)));
    writeDataset(f, 'optimizer/vars/0', BigInt64Array.of(10n), []);
  });
  weights = readFileSync(h5);
});

function mnistFirst(n: number): tf.Tensor {
  const bytes = gunzipSync(readFileSync(sharedData('mnist', 't10k-images-idx3-ubyte.gz')));
  return tf.tidy(() => tf.div(tf.tensor(Float32Array.from(bytes.subarray(16, 16 + n * 784)), [n, 784]), 255));
}

function ourTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('dlts-keras-'));
}

describe('loadKerasModel', () => {
  it.each([
    ['stored', 0],
    ['deflated', 8],
  ] as const)('loads a %s .keras archive and predicts MNIST as Keras did; leaves no temporary files', async (_, method) => {
    const path = join(root, `mlp-${method}.keras`);
    writeFileSync(
      path,
      zip(
        [
          { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.3.3"}') },
          { name: 'config.json', data: config },
          { name: 'model.weights.h5', data: weights },
        ],
        method,
      ),
    );
    const tempBefore = ourTempDirs();
    const before = tf.memory().numTensors;
    const m = await loadKerasModel(path);
    expect(m.className).toBe('Sequential');
    expect(m.compiled?.optimizer.className).toBe('Adam');
    expect(m.compiled?.losses[0].name).toBe('categorical_crossentropy');
    const x = mnistFirst(expected.first_predictions.length);
    const p = m.predict(x) as tf.Tensor;
    const got = p.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected.first_predictions[i][j])).toBeLessThanOrEqual(1e-4)));
    tf.dispose([x, p]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(ourTempDirs()).toEqual(tempBefore);
  });

  it('fails clearly on bad archives, naming the file and the member', async () => {
    const tempBefore = ourTempDirs();
    const truncated = sharedData('fixtures', 'truncated.npz');
    await expect(loadKerasModel(truncated)).rejects.toMatchObject({ code: 'DLTS_IO', message: expect.stringContaining(`loadKerasModel: ${truncated} is not a valid .keras (zip) archive`) });

    const noConfig = join(root, 'no-config.keras');
    writeFileSync(noConfig, zip([{ name: 'model.weights.h5', data: weights }], 0));
    await expect(loadKerasModel(noConfig)).rejects.toThrow(`loadKerasModel: ${noConfig} has no config.json`);

    const npz = join(root, 'npz.keras');
    writeFileSync(npz, zip([{ name: 'config.json', data: config }, { name: 'model.weights.npz', data: Buffer.from('x') }], 0));
    await expect(loadKerasModel(npz)).rejects.toMatchObject({ code: 'DLTS_UNSUPPORTED' });

    // A flipped byte in the stored weights: the CRC check catches it before HDF5 sees it.
    const corrupt = zip(
      [
        { name: 'config.json', data: config },
        { name: 'model.weights.h5', data: weights },
      ],
      0,
    );
    const at = corrupt.indexOf(weights.subarray(0, 64)) + 5000;
    corrupt[at] ^= 0xff;
    const corruptPath = join(root, 'corrupt.keras');
    writeFileSync(corruptPath, corrupt);
    const error = (await loadKerasModel(corruptPath).catch((e: unknown) => e)) as DltsError;
    expect(error).toBeInstanceOf(DltsError);
    expect(error.message).toBe(`loadKerasModel: model.weights.h5 in ${corruptPath} is corrupt: CRC-32 mismatch`);

    // A member claiming fewer bytes than it inflates to (a zip bomb) is stopped at the declared size.
    const bomb = zip([{ name: 'config.json', data: Buffer.alloc(1 << 20, 32) }, { name: 'model.weights.h5', data: weights }], 8);
    const cdStart = bomb.length - 22 - (46 + 'config.json'.length) - (46 + 'model.weights.h5'.length);
    bomb.writeUInt32LE(100, cdStart + 24);
    const bombPath = join(root, 'bomb.keras');
    writeFileSync(bombPath, bomb);
    await expect(loadKerasModel(bombPath)).rejects.toThrow(`loadKerasModel: config.json in ${bombPath} is corrupt: more than the declared 100 bytes`);
    expect(ourTempDirs()).toEqual(tempBefore);
  });
});
