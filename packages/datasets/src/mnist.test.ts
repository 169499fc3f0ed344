import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST, sharedData } from '@dlts/testing';
import { initBackend, tf } from '@dlts/tensors';
import { loadFashionMnist, loadMnist, mnistSources, type MnistData } from './mnist';
import { idxBytes } from './test-builders';

const tmp = mkdtempSync(join(tmpdir(), 'dlts-mnist-'));
const saved = { DLTS_DATA_DIR: process.env.DLTS_DATA_DIR, KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };

beforeAll(async () => {
  await initBackend('cpu', { log: false });
  process.env.DLTS_DATA_DIR = join(tmp, 'cache');
  process.env.KERAS_HOME = join(tmp, 'keras');
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function disposeAll(data: MnistData): void {
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

/** A small MNIST-like IDX folder: n train and m test images of `rows` x `cols`. */
function writeIdxFolder(dir: string, n: number, m: number, options: { gzip: boolean; rows?: number; cols?: number; labelsN?: number }) {
  const rows = options.rows ?? 28;
  const cols = options.cols ?? 28;
  const suffix = options.gzip ? '.gz' : '';
  const pixels = (count: number, seed: number) => Array.from({ length: count * rows * cols }, (_, i) => (i * seed) % 256);
  const labels = (count: number, seed: number) => Array.from({ length: count }, (_, i) => (i + seed) % 10);
  writeFileSync(join(dir, `train-images-idx3-ubyte${suffix}`), idxBytes(0x08, [n, rows, cols], pixels(n, 7), { gzip: options.gzip }));
  writeFileSync(join(dir, `train-labels-idx1-ubyte${suffix}`), idxBytes(0x08, [options.labelsN ?? n], labels(options.labelsN ?? n, 3), { gzip: options.gzip }));
  writeFileSync(join(dir, `t10k-images-idx3-ubyte${suffix}`), idxBytes(0x08, [m, rows, cols], pixels(m, 11), { gzip: options.gzip }));
  writeFileSync(join(dir, `t10k-labels-idx1-ubyte${suffix}`), idxBytes(0x08, [m], labels(m, 5), { gzip: options.gzip }));
}

describe('loadMnist', () => {
  it('loads an .npz in the Keras mnist.npz layout (mnist_small.npz) as int32 tensors', async () => {
    const start = tf.memory().numTensors;
    const path = sharedData('fixtures', 'mnist_small.npz');
    const data = await loadMnist({ path });
    expect(data.train.x.shape).toEqual([1000, 28, 28]);
    expect(data.train.y.shape).toEqual([1000]);
    expect(data.test.x.shape).toEqual([200, 28, 28]);
    expect(data.test.y.shape).toEqual([200]);
    for (const t of [data.train.x, data.train.y, data.test.x, data.test.y]) expect(t.dtype).toBe('int32');
    expect(Array.from(data.train.y.dataSync().subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(Array.from(data.test.y.dataSync().subarray(0, 10))).toEqual([9, 0, 2, 5, 1, 9, 7, 8, 1, 0]);
    const x = data.train.x.dataSync();
    let min = 255;
    let max = 0;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 255]);
    expect(data.source).toEqual({ kind: 'npz', origin: 'user', path, files: [path] });
    disposeAll(data);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('loads a folder of gzipped IDX files, and of un-gzipped ones', async () => {
    for (const gzip of [true, false]) {
      const dir = mkdtempSync(join(tmp, 'idx-'));
      writeIdxFolder(dir, 6, 4, { gzip });
      const start = tf.memory().numTensors;
      const data = await loadMnist({ path: dir });
      expect(data.train.x.shape).toEqual([6, 28, 28]);
      expect(data.test.x.shape).toEqual([4, 28, 28]);
      expect(data.train.x.dtype).toBe('int32');
      expect(Array.from(data.train.y.dataSync())).toEqual([3, 4, 5, 6, 7, 8]);
      expect(Array.from(data.test.y.dataSync())).toEqual([5, 6, 7, 8]);
      expect(Array.from(data.test.x.dataSync().subarray(0, 4))).toEqual([0, 11, 22, 33]);
      expect(data.source.kind).toBe('idx');
      expect(data.source.origin).toBe('user');
      expect(data.source.path).toBe(dir);
      expect(data.source.files[0]).toBe(join(dir, `train-images-idx3-ubyte${gzip ? '.gz' : ''}`));
      disposeAll(data);
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('checks that image and label counts agree, naming the file, and leaks nothing', async () => {
    const dir = mkdtempSync(join(tmp, 'bad-'));
    writeIdxFolder(dir, 6, 4, { gzip: true, labelsN: 5 });
    const start = tf.memory().numTensors;
    const error = await caught(loadMnist({ path: dir }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toContain(join(dir, 'train-images-idx3-ubyte.gz'));
    expect(error.message).toMatch(/6 images, but .*train-labels-idx1-ubyte\.gz holds 5 labels/);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('names what is missing in a folder, and rejects truncated/object .npz files', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const missing = await caught(loadMnist({ path: empty }));
    expect(missing.code).toBe('DLTS_IO');
    expect(missing.message).toMatch(/train-images-idx3-ubyte\.gz.*t10k-labels-idx1-ubyte\.gz/);
    const truncated = await caught(loadMnist({ path: sharedData('fixtures', 'truncated.npz') }));
    expect(truncated.code).toBe('DLTS_DATASET_FORMAT');
    expect(truncated.message).toContain('truncated.npz');
    const evil = await caught(loadMnist({ path: sharedData('fixtures', 'evil_global.npz') }));
    expect(evil.code).toBe('DLTS_DATASET_FORMAT');
    expect((await caught(loadMnist({ path: join(tmp, 'nope.npz') }))).code).toBe('DLTS_IO');
  });

  it('without a path, offline and uncached: a DLTS_DOWNLOAD error with the Keras URL and local paths', async () => {
    process.env.DLTS_OFFLINE = '1';
    try {
      const error = await caught(loadMnist());
      expect(error.code).toBe('DLTS_DOWNLOAD');
      expect(error.message).toContain('https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz');
      expect(error.message).toContain(join(tmp, 'cache', 'datasets', 'mnist.npz'));
      expect(error.message).toContain(join(tmp, 'keras', 'datasets', 'mnist.npz'));
      expect(error.message).toContain('731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1');
      const fashion = await caught(loadFashionMnist({ systemDir: false }));
      expect(fashion.code).toBe('DLTS_DOWNLOAD');
      expect(fashion.message).toContain('https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-images-idx3-ubyte.gz');
      expect(fashion.message).toContain(join(tmp, 'keras', 'datasets', 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
    } finally {
      delete process.env.DLTS_OFFLINE;
    }
  });

  it('without a path, downloads mnist.npz and checks Keras\'s sha256 (a wrong file is refused)', async () => {
    const seen: string[] = [];
    const error = await caught(
      loadMnist({
        progress: false,
        fetch: async (url) => {
          seen.push(url);
          return new Response(new Uint8Array(1000), { status: 200 });
        },
      }),
    );
    expect(seen).toEqual(['https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz']);
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toMatch(/sha256 hash .* does not match the expected 731c5ac6/);
    expect(existsSync(join(tmp, 'cache', 'datasets', 'mnist.npz'))).toBe(false);
  });

  it('mnistSources lists URLs, hashes and cache paths', () => {
    const mnist = mnistSources();
    expect(mnist.files).toEqual([
      {
        name: 'mnist.npz',
        url: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz',
        sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1',
        cachePath: join(tmp, 'cache', 'datasets', 'mnist.npz'),
        kerasCachePath: join(tmp, 'keras', 'datasets', 'mnist.npz'),
      },
    ]);
    const fashion = mnistSources('fashion-mnist');
    expect(fashion.files.map((f) => f.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect(fashion.files[0].cachePath).toBe(join(tmp, 'cache', 'datasets', 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
    expect(fashion.systemDir).toBe(DEBIAN_FASHION_MNIST);
    expect(fashion.systemDirPresent).toBe(existsSync(DEBIAN_FASHION_MNIST));
  });
});

describe('loadFashionMnist', () => {
  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST))('finds Debian\'s /usr/share/datasets/fashion-mnist by itself', async () => {
    const start = tf.memory().numTensors;
    const data = await loadFashionMnist();
    expect(data.source.origin).toBe('debian');
    expect(data.source.kind).toBe('idx');
    expect(data.source.path).toBe(DEBIAN_FASHION_MNIST);
    expect(data.train.x.shape).toEqual([60000, 28, 28]);
    expect(data.train.y.shape).toEqual([60000]);
    expect(data.test.x.shape).toEqual([10000, 28, 28]);
    expect(data.test.y.shape).toEqual([10000]);
    for (const t of [data.train.x, data.train.y, data.test.x, data.test.y]) expect(t.dtype).toBe('int32');
    // Fashion-MNIST's first labels: ankle boot, T-shirt, T-shirt, dress, T-shirt (train); ankle boot, pullover (test).
    expect(Array.from(data.train.y.dataSync().subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(Array.from(data.test.y.dataSync().subarray(0, 2))).toEqual([9, 2]);
    disposeAll(data);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('loads a user folder too', async () => {
    const dir = mkdtempSync(join(tmp, 'fashion-'));
    writeIdxFolder(dir, 3, 2, { gzip: true });
    const data = await loadFashionMnist({ path: dir });
    expect(data.train.x.shape).toEqual([3, 28, 28]);
    expect(data.source.origin).toBe('user');
    disposeAll(data);
  });
});
