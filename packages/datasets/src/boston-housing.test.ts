import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedData } from '@dlts/testing';
import { fitStandardizer, tf } from '@dlts/tensors';
import { loadBostonHousing, type BostonHousingData } from './boston-housing';
import type { FetchLike } from './download';
import { datasetSources, setKerasFileOverride } from './keras-files';

const real = sharedData('boston_housing.npz');
const expected = JSON.parse(readFileSync(sharedData('fixtures', 'boston_housing_expected.json'), 'utf8')) as {
  x_train_shape: number[];
  x_test_shape: number[];
  x_train_first_rows: number[][];
  x_test_first_rows: number[][];
  y_train_first10: number[];
  y_test_first10: number[];
  train_feature_mean: number[];
  train_feature_sd: number[];
};

function dispose(data: BostonHousingData): void {
  tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
}

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('loadBostonHousing', () => {
  it('splits the real data exactly as Keras (seed 113, testSplit 0.2)', async () => {
    const start = tf.memory().numTensors;
    const data = await loadBostonHousing({ path: real });
    expect(data.train.x.shape).toEqual(expected.x_train_shape);
    expect(data.test.x.shape).toEqual(expected.x_test_shape);
    expect(data.train.y.shape).toEqual([404]);
    expect(data.test.y.shape).toEqual([102]);
    expect(data.train.x.dtype).toBe('float32');
    const f32 = (values: number[]) => values.map(Math.fround);
    const rows = (t: tf.Tensor2D, n: number) => (t.arraySync() as number[][]).slice(0, n);
    expect(rows(data.train.x, 3)).toEqual(expected.x_train_first_rows.map(f32));
    expect(rows(data.test.x, 3)).toEqual(expected.x_test_first_rows.map(f32));
    expect(Array.from(data.train.y.dataSync().subarray(0, 10))).toEqual(f32(expected.y_train_first10));
    expect(Array.from(data.test.y.dataSync().subarray(0, 10))).toEqual(f32(expected.y_test_first10));

    // The training means and R-style (n - 1) standard deviations of the course's scale() step.
    const x = data.train.x.arraySync() as number[][];
    for (let f = 0; f < 13; f++) {
      const column = x.map((r) => r[f]);
      const mean = column.reduce((s, v) => s + v, 0) / column.length;
      const sd = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / (column.length - 1));
      expect(mean).toBeCloseTo(expected.train_feature_mean[f], 5);
      expect(sd).toBeCloseTo(expected.train_feature_sd[f], 5);
    }
    const standardizer = fitStandardizer(data.train.x);
    const mean = Array.from(standardizer.mean.dataSync());
    const sd = Array.from(standardizer.sd.dataSync());
    mean.forEach((m, f) => expect(Math.abs(m - expected.train_feature_mean[f]) / Math.abs(expected.train_feature_mean[f])).toBeLessThan(1e-5));
    sd.forEach((s, f) => expect(Math.abs(s - expected.train_feature_sd[f]) / expected.train_feature_sd[f]).toBeLessThan(1e-5));
    standardizer.dispose();
    expect(data.source).toEqual({ origin: 'user', path: real });
    dispose(data);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('follows testSplit and seed as Keras: the same permutation, cut elsewhere', async () => {
    const a = await loadBostonHousing({ path: real, testSplit: 0.5 });
    expect(a.train.x.shape).toEqual([253, 13]);
    expect(a.test.x.shape).toEqual([253, 13]);
    expect(Array.from(a.train.y.dataSync().subarray(0, 3))).toEqual([15.2, 42.3, 50].map(Math.fround));
    const all = await loadBostonHousing({ path: real, testSplit: 0 });
    expect(all.test.x.shape).toEqual([0, 13]);
    const other = await loadBostonHousing({ path: real, seed: 7 });
    expect(Array.from(other.train.y.dataSync().subarray(0, 3))).not.toEqual([15.2, 42.3, 50].map(Math.fround));
    [a, all, other].forEach(dispose);
    for (const options of [{ testSplit: 1 }, { testSplit: -0.5 }, { seed: -1 }, { seed: 0.5 }, { path: '' }]) {
      const error = await caught(loadBostonHousing({ path: real, ...options }));
      expect(error.code).toBe('DLTS_VALUE');
    }
  });

  it('refuses files that are not in the Keras layout', async () => {
    const error = await caught(loadBostonHousing({ path: sharedData('fixtures', 'mnist_small.npz') }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toMatch(/missing array\(s\) x, y/);
    expect((await caught(loadBostonHousing({ path: sharedData('fixtures', 'truncated.npz') }))).code).toBe('DLTS_DATASET_FORMAT');
  });
});

describe('loadBostonHousing downloads', () => {
  let root = '';
  const saved = { DLTS_DATA_DIR: process.env.DLTS_DATA_DIR, KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };
  const bytes = readFileSync(real);
  let calls = 0;
  const slowFetch: FetchLike = async () => {
    calls++;
    const stream = new ReadableStream({
      async start(controller) {
        for (let p = 0; p < bytes.length; p += 4096) {
          controller.enqueue(new Uint8Array(bytes.subarray(p, p + 4096)));
          await new Promise((r) => setTimeout(r, 2));
        }
        controller.close();
      },
    });
    return new Response(stream, { headers: { 'content-length': String(bytes.length) } });
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dlts-boston-'));
    process.env.DLTS_DATA_DIR = join(root, 'dlts');
    process.env.KERAS_HOME = join(root, 'keras');
    delete process.env.DLTS_OFFLINE;
    calls = 0;
  });
  afterEach(() => {
    setKerasFileOverride('bostonHousing', undefined);
    rmSync(root, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('refuses a file whose hash is not Keras\'s (the shared copy has other bytes), leaving nothing', async () => {
    const error = await caught(loadBostonHousing({ fetch: slowFetch }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toContain('f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5');
    expect(readdirSync(join(root, 'dlts', 'datasets'))).toEqual([]);
  });

  it('two loads at once both succeed and leave one verified file', async () => {
    setKerasFileOverride('bostonHousing', { hash: createHash('sha256').update(bytes).digest('hex') });
    const start = tf.memory().numTensors;
    const [a, b] = await Promise.all([loadBostonHousing({ fetch: slowFetch }), loadBostonHousing({ fetch: slowFetch })]);
    expect(a.source.origin).toBe('download');
    expect(b.source.origin).toBe('download');
    expect(a.train.y.dataSync()).toEqual(b.train.y.dataSync());
    expect(readdirSync(join(root, 'dlts', 'datasets'))).toEqual(['boston_housing.npz']);
    const again = await loadBostonHousing({ fetch: slowFetch });
    expect(again.source.origin).toBe('cache');
    expect(calls).toBe(2);
    [a, b, again].forEach(dispose);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('offline, says where a copy would be taken from', async () => {
    process.env.DLTS_OFFLINE = '1';
    const error = await caught(loadBostonHousing({ fetch: slowFetch }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    const [info] = datasetSources('boston_housing');
    expect(info.url).toBe('https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz');
    expect(error.message).toContain(info.url);
    expect(error.message).toContain(info.cachePath);
    expect(error.message).toContain(info.kerasCachePath);
    expect(calls).toBe(0);
  });
});
