/**
 * CIFAR-10 (50,000 + 10,000 colour images 32x32, 10 classes), as Keras's `cifar10.load_data()`
 * and the R course's `dataset_cifar10()`: the "python version" tarball, extracted safely, its
 * pickled batches read by the safe pickle reader.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DltsError, received, tf } from '@dlts/tensors';
import { ensureBackend } from './backend';
import { kerasHome } from './cache';
import { describe, gunzipIfNeeded } from './input';
import { fetchKerasFile, type DownloadingOptions } from './keras-files';
import type { NdArray } from './ndarray';
import { parsePickle, type PickleValue } from './pickle';
import { formatFailure, type DatasetSource } from './sequences';
import { isTar, listTar } from './tar';

/** The CIFAR-10 class names, in label order. */
export const CIFAR10_LABEL_NAMES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

/** The batch files of the python version, training batches first. */
const TRAIN_BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'];
const TEST_BATCH = 'test_batch';
const INNER_FOLDER = 'cifar-10-batches-py';

/** Options of {@link loadCifar10}. */
export interface Cifar10Options extends DownloadingOptions {
  /**
   * Read a local copy instead of the cache: the `cifar-10-python.tar.gz` archive (read in memory,
   * nothing is written), or a folder holding the six batch files (directly or in
   * `cifar-10-batches-py/`). No hash is checked.
   */
  path?: string;
}

/** One split: images `x` int32 `[n, 32, 32, 3]` (NHWC, values 0..255), labels `y` int32 `[n, 1]`. */
export interface ImageSplit {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
}

/** What {@link loadCifar10} returns; the tensors are the caller's to dispose. */
export interface Cifar10Data {
  train: ImageSplit;
  test: ImageSplit;
  /** Which archive or folder was read. */
  source: DatasetSource;
}

/**
 * Loads CIFAR-10 as Keras's `cifar10.load_data()` (channels last): `x` `[n, 32, 32, 3]` with
 * values 0..255 and `y` `[n, 1]`, the five training batches in order, then the test batch.
 *
 * Without `path`: a complete Keras 2 extraction (`~/.keras/datasets/cifar-10-batches-py/`) is
 * used as it is; otherwise Keras's tarball comes from the dlts cache, the Keras 3 cache or a
 * download checked against Keras's sha256, and is extracted next to it (members that would land
 * outside the folder, and links, are skipped). The batches are Python pickles, read by the safe
 * pickle reader: nothing from the files is run.
 *
 * Memory: the training images take 614 MB as int32 (tfjs has no uint8 tensors).
 *
 * @param options - `path`, and `cacheDir`, `fetch`, `progress` for the download.
 * @returns `{train: {x, y}, test: {x, y}, source}` (int32 tensors, yours to dispose).
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file when a batch is missing, malformed or
 *   refused; `DLTS_DOWNLOAD` when nothing is cached and the download fails; `DLTS_IO`.
 * @example
 * ```ts
 * const { train, test } = await loadCifar10();
 * console.log(train.x.shape, train.y.shape); // [50000, 32, 32, 3] [50000, 1]
 * ```
 */
export async function loadCifar10(options: Cifar10Options = {}): Promise<Cifar10Data> {
  const fn = 'loadCifar10';
  let source: DatasetSource;
  let read: (batch: string) => Promise<{ bytes: Uint8Array; name: string }>;
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new DltsError('DLTS_VALUE', `${fn}: path must be a tar.gz archive or a folder of batches. Received: path=${received(options.path)}`);
    }
    source = { origin: 'user', path: options.path };
    const info = await stat(options.path).catch((error: unknown) => {
      throw new DltsError('DLTS_IO', `${fn}: cannot open ${options.path}: ${describe(error)}`, { cause: error });
    });
    read = info.isDirectory() ? await folderReader(fn, options.path) : await archiveReader(fn, options.path);
  } else {
    const keras2 = join(kerasHome(), 'datasets', INNER_FOLDER);
    if (await hasBatches(keras2)) {
      source = { origin: 'keras-cache', path: keras2 };
    } else {
      const got = await fetchKerasFile('cifar10', options);
      source = { origin: got.origin, path: got.path };
    }
    read = await folderReader(fn, source.path);
  }

  const trainParts: Batch[] = [];
  for (const batch of TRAIN_BATCHES) trainParts.push(decodeBatch(fn, await read(batch)));
  const testPart = decodeBatch(fn, await read(TEST_BATCH));
  await ensureBackend();
  const made: tf.Tensor[] = [];
  try {
    const toSplit = (parts: Batch[]): ImageSplit => {
      const n = parts.reduce((s, p) => s + p.labels.length, 0);
      const x = new Int32Array(n * 3072);
      const y = new Int32Array(n);
      let at = 0;
      for (const part of parts) {
        toNhwc(part.data, x, at);
        y.set(part.labels, at);
        at += part.labels.length;
      }
      const xt = tf.tensor4d(x, [n, 32, 32, 3], 'int32');
      made.push(xt);
      const yt = tf.tensor2d(y, [n, 1], 'int32');
      made.push(yt);
      return { x: xt, y: yt };
    };
    return { train: toSplit(trainParts), test: toSplit([testPart]), source };
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
}

interface Batch {
  /** uint8 `[n, 3072]`: per image, the red plane, then green, then blue (each 32x32, row-major). */
  data: Uint8Array;
  labels: Int32Array;
}

/** Copies CHW images into NHWC rows of `out`, starting at image `first`. */
function toNhwc(data: Uint8Array, out: Int32Array, first: number): void {
  const n = data.length / 3072;
  for (let i = 0; i < n; i++) {
    const src = i * 3072;
    const dst = (first + i) * 3072;
    for (let p = 0; p < 1024; p++) {
      out[dst + p * 3] = data[src + p];
      out[dst + p * 3 + 1] = data[src + 1024 + p];
      out[dst + p * 3 + 2] = data[src + 2048 + p];
    }
  }
}

function decodeBatch(fn: string, { bytes, name }: { bytes: Uint8Array; name: string }): Batch {
  const value: PickleValue = parsePickle(bytes, { name });
  if (!(value instanceof Map)) throw formatFailure(fn, name, 'a CIFAR batch is a pickled dict');
  const data = value.get('data');
  const labels = value.get('labels');
  if (data === undefined || labels === undefined) {
    throw formatFailure(fn, name, `a CIFAR-10 batch holds 'data' and 'labels'; found keys ${[...value.keys()].map((k) => String(k)).join(', ')}`);
  }
  const array = data as NdArray;
  if (typeof data !== 'object' || data === null || !('dtype' in data) || array.dtype !== 'uint8' || array.shape.length !== 2 || array.shape[1] !== 3072) {
    throw formatFailure(fn, name, `'data' must be a uint8 array of shape [n, 3072]`);
  }
  const n = array.shape[0];
  if (!Array.isArray(labels) || labels.length !== n) {
    throw formatFailure(fn, name, `'labels' must be a list of ${n} labels`);
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 9) throw formatFailure(fn, name, `label ${i} is ${received(v)}, not a class 0..9`);
    y[i] = v;
  }
  return { data: array.data as Uint8Array, labels: y };
}

async function hasBatches(folder: string): Promise<boolean> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return [...TRAIN_BATCHES, TEST_BATCH].every((b) => names.includes(b));
}

/** Reads batches from a folder that holds them, directly or in `cifar-10-batches-py/`. */
async function folderReader(fn: string, folder: string): Promise<(batch: string) => Promise<{ bytes: Uint8Array; name: string }>> {
  const inner = join(folder, INNER_FOLDER);
  const dir = (await hasBatches(inner)) ? inner : folder;
  if (!(await hasBatches(dir))) {
    throw new DltsError(
      'DLTS_IO',
      `${fn}: the folder ${folder} lacks the CIFAR-10 batches (${[...TRAIN_BATCHES, TEST_BATCH].join(', ')}), directly or in ${INNER_FOLDER}/`,
    );
  }
  return async (batch) => {
    const path = join(dir, batch);
    try {
      const buffer = await readFile(path);
      return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), name: path };
    } catch (error) {
      throw new DltsError('DLTS_IO', `${fn}: cannot open ${path}: ${describe(error)}`, { cause: error });
    }
  };
}

/** Reads batches straight from the tar.gz in memory (nothing is written). */
async function archiveReader(fn: string, archive: string): Promise<(batch: string) => Promise<{ bytes: Uint8Array; name: string }>> {
  let raw: Uint8Array;
  try {
    const buffer = await readFile(archive);
    raw = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot open ${archive}: ${describe(error)}`, { cause: error });
  }
  const tar = await gunzipIfNeeded(raw, fn, archive);
  if (!isTar(tar)) throw formatFailure(fn, archive, 'not a tar or tar.gz archive');
  const members = new Map<string, Uint8Array>();
  for (const entry of listTar(tar, archive, fn)) {
    if (entry.type !== 'file') continue;
    const base = entry.name.split('/').pop() ?? '';
    if ([...TRAIN_BATCHES, TEST_BATCH].includes(base) && !members.has(base)) members.set(base, entry.data);
  }
  return async (batch) => {
    const bytes = members.get(batch);
    if (!bytes) throw formatFailure(fn, archive, `the archive has no member ${INNER_FOLDER}/${batch}`);
    return { bytes, name: `${archive} (member ${INNER_FOLDER}/${batch})` };
  };
}
