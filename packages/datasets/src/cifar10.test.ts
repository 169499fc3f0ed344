import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '@dlts/tensors';
import { loadCifar10, type Cifar10Data } from './cifar10';
import type { FetchLike } from './download';
import { datasetSources, setKerasFileOverride } from './keras-files';
import { cifarBatchPickle, tarBytes } from './test-builders';

const BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
/** Two images per batch; pixel (image i of batch b, channel c, row r, col k) = (b * 31 + i * 17 + c * 5 + r * 3 + k) % 256. */
function batch(b: number): { data: Uint8Array; labels: number[] } {
  const data = new Uint8Array(2 * 3072);
  for (let i = 0; i < 2; i++) {
    for (let c = 0; c < 3; c++) for (let r = 0; r < 32; r++) for (let k = 0; k < 32; k++) data[i * 3072 + c * 1024 + r * 32 + k] = (b * 31 + i * 17 + c * 5 + r * 3 + k) % 256;
  }
  return { data, labels: [(2 * b) % 10, (2 * b + 1) % 10] };
}
const members = BATCHES.map((name, b) => ({ name: `cifar-10-batches-py/${name}`, data: cifarBatchPickle(batch(b).data, batch(b).labels) }));
const tarball = tarBytes([{ name: 'cifar-10-batches-py/', type: '5' }, ...members, { name: 'cifar-10-batches-py/readme.html', data: new Uint8Array(3) }], { gzip: true });

const tmp = mkdtempSync(join(tmpdir(), 'dlts-cifar-'));
const saved = { DLTS_DATA_DIR: process.env.DLTS_DATA_DIR, KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dispose(data: Cifar10Data): void {
  tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
}

function check(data: Cifar10Data): void {
  expect(data.train.x.shape).toEqual([10, 32, 32, 3]);
  expect(data.train.y.shape).toEqual([10, 1]);
  expect(data.test.x.shape).toEqual([2, 32, 32, 3]);
  expect(data.test.y.shape).toEqual([2, 1]);
  expect(data.train.x.dtype).toBe('int32');
  expect(Array.from(data.train.y.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(Array.from(data.test.y.dataSync())).toEqual([0, 1]);
  // NHWC: image 3 of the training set is image 1 of batch 1; pixel (row 4, col 7), channels 0..2.
  const x = data.train.x.arraySync() as number[][][][];
  expect(x[3][4][7]).toEqual([0, 1, 2].map((c) => (1 * 31 + 1 * 17 + c * 5 + 4 * 3 + 7) % 256));
  const t = data.test.x.arraySync() as number[][][][];
  expect(t[0][31][0]).toEqual([0, 1, 2].map((c) => (5 * 31 + c * 5 + 31 * 3) % 256));
}

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('loadCifar10', () => {
  beforeEach(() => {
    process.env.DLTS_DATA_DIR = join(tmp, 'dlts');
    process.env.KERAS_HOME = join(tmp, 'keras');
    delete process.env.DLTS_OFFLINE;
  });
  afterEach(() => {
    setKerasFileOverride('cifar10', undefined);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('reads the python tarball in memory: NHWC images, [n, 1] labels, training batches in order', async () => {
    const start = tf.memory().numTensors;
    const path = join(tmp, 'cifar-10-python.tar.gz');
    writeFileSync(path, tarball);
    const before = readdirSync(tmp);
    const data = await loadCifar10({ path });
    check(data);
    expect(data.source).toEqual({ origin: 'user', path });
    expect(readdirSync(tmp)).toEqual(before);
    dispose(data);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('reads a folder of batches, and a Keras 2 extraction in ~/.keras as it is', async () => {
    const folder = join(tmp, 'keras', 'datasets', 'cifar-10-batches-py');
    mkdirSync(folder, { recursive: true });
    BATCHES.forEach((name, b) => writeFileSync(join(folder, name), members[b].data));
    const fromFolder = await loadCifar10({ path: join(tmp, 'keras', 'datasets') });
    check(fromFolder);
    dispose(fromFolder);
    process.env.DLTS_OFFLINE = '1';
    const fromKeras = await loadCifar10();
    expect(fromKeras.source).toEqual({ origin: 'keras-cache', path: folder });
    dispose(fromKeras);
    rmSync(join(tmp, 'keras'), { recursive: true, force: true });
  });

  it('downloads the tarball from Keras\'s URL, extracts it safely, then reuses the extraction', async () => {
    setKerasFileOverride('cifar10', { hash: createHash('sha256').update(tarball).digest('hex') });
    const urls: string[] = [];
    const fetchTar: FetchLike = async (url) => {
      urls.push(url);
      return new Response(tarball, { headers: { 'content-length': String(tarball.length) } });
    };
    const first = await loadCifar10({ fetch: fetchTar });
    check(first);
    expect(urls).toEqual(['https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz']);
    const folder = join(tmp, 'dlts', 'datasets', 'cifar-10-batches-py-target');
    expect(first.source).toEqual({ origin: 'download', path: folder });
    expect(readdirSync(join(folder, 'cifar-10-batches-py')).sort()).toEqual([...BATCHES, 'readme.html'].sort());
    expect(datasetSources('cifar10')[0].cachePath).toBe(join(tmp, 'dlts', 'datasets', 'cifar-10-batches-py-target_archive'));
    const second = await loadCifar10({ fetch: fetchTar });
    expect(second.source.origin).toBe('cache');
    expect(urls).toHaveLength(1);
    dispose(first);
    dispose(second);
  });

  it('refuses a batch whose pickle names another global, and reports missing batches', async () => {
    const evil = tarBytes(
      BATCHES.map((name, b) => ({
        name: `cifar-10-batches-py/${name}`,
        data: b === 2 ? cifarBatchPickle(batch(b).data, batch(b).labels, { extraGlobal: 'posix system' }) : members[b].data,
      })),
      { gzip: true },
    );
    const path = join(tmp, 'evil.tar.gz');
    writeFileSync(path, evil);
    const start = tf.memory().numTensors;
    const error = await caught(loadCifar10({ path }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toContain(`${path} (member cifar-10-batches-py/data_batch_3): the pickle refers to the global "posix.system"`);
    expect(tf.memory().numTensors).toBe(start);
    const partial = join(tmp, 'partial.tar.gz');
    writeFileSync(partial, tarBytes(members.slice(0, 5), { gzip: true }));
    expect((await caught(loadCifar10({ path: partial }))).message).toMatch(/has no member cifar-10-batches-py\/test_batch/);
    expect((await caught(loadCifar10({ path: join(tmp, 'nowhere') }))).code).toBe('DLTS_IO');
    expect(existsSync(join(tmp, 'nowhere'))).toBe(false);
  });
});
