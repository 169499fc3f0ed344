import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint } from '../callbacks/model_checkpoint';
import { dense } from '../layers/dense';
import { sequential } from '../models/sequential';
import { loadModelHdf5 } from './hdf5_model';
import { loadWeightsHdf5 } from './hdf5_weights';

const dir = mkdtempSync(join(tmpdir(), 'save-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model.save with a .h5 path (as Keras and R save_model_hdf5)', () => {
  it('writes a Keras HDF5 model that loads back with the same predictions', async () => {
    const m = sequential([dense({ units: 3, activation: 'relu', inputShape: [4] }), dense({ units: 1 })]);
    m.compile({ optimizer: 'rmsprop', loss: 'mse' });
    const path = join(dir, 'model.h5');
    await m.save(path);
    expect(statSync(path).isFile()).toBe(true);
    const again = await loadModelHdf5(path);
    const x = tf.ones([2, 4]);
    const [a, b] = [m.predict(x) as tf.Tensor, again.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(again.compiled?.optimizer.className).toBe('RMSprop');
    tf.dispose([x, a, b]);
    m.dispose();
    again.dispose();
  });

  it('ModelCheckpoint with saveWeightsOnly and a .h5 path writes a weights file', async () => {
    const m = sequential([dense({ units: 2, inputShape: [3] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.ones([4, 3]);
    const y = tf.zeros([4, 2]);
    const path = join(dir, 'weights-{epoch:02d}.h5');
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: path, saveWeightsOnly: true })] });
    const fresh = sequential([dense({ units: 2, inputShape: [3] })]);
    await loadWeightsHdf5(fresh, join(dir, 'weights-02.h5'));
    const [a, b] = [m.predict(x) as tf.Tensor, fresh.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, y, a, b]);
    m.dispose();
    fresh.dispose();
  });
});
