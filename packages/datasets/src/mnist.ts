/**
 * MNIST and Fashion-MNIST, as Keras's `mnist.load_data()` / `fashion_mnist.load_data()` (and the
 * R course's `dataset_mnist()`), returned as int32 tensors.
 */
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DltsError, tf } from '@dlts/tensors';
import { ensureBackend } from './backend';
import { cacheFolder, dataDir, kerasHome } from './cache';
import type { FetchLike } from './download';
import { getFileWithOrigin, type FileOrigin } from './get-file';
import { readIdx } from './idx';
import type { NdArray } from './ndarray';
import { readNpz } from './npz';
import type { NpyArray } from './npy';

/** Folder of the Keras datasets on Google Cloud Storage. */
export const KERAS_DATASETS_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Keras's `mnist.npz` and its sha256 (from `keras/datasets/mnist.py`). */
const MNIST_NPZ = { name: 'mnist.npz', sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1' };

/**
 * The four Fashion-MNIST files Keras downloads (`keras/datasets/fashion_mnist.py`, cache folder
 * `datasets/fashion-mnist`). Keras passes no hash; these sha256 are those of the original files
 * published by Zalando Research, which the Keras copies are (same names and sizes).
 */
const FASHION_FILES = {
  trainLabels: { name: 'train-labels-idx1-ubyte.gz', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  trainImages: { name: 'train-images-idx3-ubyte.gz', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  testLabels: { name: 't10k-labels-idx1-ubyte.gz', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
  testImages: { name: 't10k-images-idx3-ubyte.gz', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
} as const;

type Role = keyof typeof FASHION_FILES;
const ROLES: Role[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

/** Where the data of a load came from. */
export type DataOrigin = 'user' | FileOrigin | 'debian';

/** Which files a loader read, so an app can report it. */
export interface MnistSource {
  /** `'npz'` (Keras's `mnist.npz` layout) or `'idx'` (the four original files). */
  kind: 'npz' | 'idx';
  /** `'user'` (the `path` option), `'cache'`, `'keras-cache'`, `'download'` or `'debian'`. */
  origin: DataOrigin;
  /** The `.npz` file, or the folder of the IDX files. */
  path: string;
  /** Every file read. */
  files: string[];
}

/** One split: images `x` int32 `[n, 28, 28]` with values 0..255, labels `y` int32 `[n]`. */
export interface MnistSplit {
  x: tf.Tensor3D;
  y: tf.Tensor1D;
}

/** What {@link loadMnist} and {@link loadFashionMnist} return; the tensors are the caller's to dispose. */
export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** Which files were read. */
  source: MnistSource;
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /**
   * Read this instead of the cache: an `.npz` file in Keras's `mnist.npz` layout (`x_train`,
   * `y_train`, `x_test`, `y_test`), or a folder with the four IDX files
   * (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
   * `t10k-labels-idx1-ubyte.gz`, or the same names without `.gz`).
   */
  path?: string;
  /** Cache root for downloads (default `$DLTS_DATA_DIR` or `~/.cache/dlts`). */
  cacheDir?: string;
  /** The fetch to use for downloads (default: `setFetch`'s, else the global `fetch`). */
  fetch?: FetchLike;
  /** Show download progress on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
}

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions extends MnistOptions {
  /** Folder of a system-wide copy to prefer over the cache (default Debian's; `false`: none). */
  systemDir?: string | false;
}

/** A file a loader may download, with where it would be looked for first. */
export interface DatasetFileInfo {
  name: string;
  url: string;
  sha256: string;
  /** Where dlts caches it. */
  cachePath: string;
  /** Where Keras caches it (reused when its hash matches). */
  kerasCachePath: string;
}

/** What {@link mnistSources} returns. */
export interface MnistSourceInfo {
  dataset: 'mnist' | 'fashion-mnist';
  /** The files, in the order a loader reads them. */
  files: DatasetFileInfo[];
  /** A system-wide copy looked at first (Fashion-MNIST: Debian's folder), when there is one. */
  systemDir?: string;
  /** Whether that system-wide copy is present now. */
  systemDirPresent?: boolean;
}

/**
 * Where the MNIST or Fashion-MNIST data would come from: URLs, hashes, cache paths, and the
 * system folder for Fashion-MNIST. Useful to pre-seed a cache, or to say what an offline machine
 * needs.
 *
 * @param dataset - `'mnist'` (default) or `'fashion-mnist'`.
 * @param options - `cacheDir` as the loaders.
 * @returns the files with their URLs, sha256 and cache paths.
 * @example
 * ```ts
 * for (const f of mnistSources('fashion-mnist').files) console.log(f.url, '->', f.cachePath);
 * ```
 */
export function mnistSources(dataset: 'mnist' | 'fashion-mnist' = 'mnist', options: { cacheDir?: string } = {}): MnistSourceInfo {
  const root = options.cacheDir ?? dataDir();
  if (dataset === 'mnist') {
    return { dataset, files: [fileInfo(MNIST_NPZ, root, 'datasets')] };
  }
  if (dataset !== 'fashion-mnist') {
    throw new DltsError('DLTS_VALUE', `mnistSources: dataset must be 'mnist' or 'fashion-mnist'. Received: dataset=${JSON.stringify(dataset)}`);
  }
  return {
    dataset,
    files: ROLES.map((role) => fileInfo(FASHION_FILES[role], root, 'datasets/fashion-mnist')),
    systemDir: DEBIAN_FASHION_MNIST_DIR,
    systemDirPresent: findIdxFiles(DEBIAN_FASHION_MNIST_DIR) !== undefined,
  };
}

function fileInfo(file: { name: string; sha256: string }, root: string, subdir: string): DatasetFileInfo {
  return {
    name: file.name,
    url: KERAS_DATASETS_ORIGIN + file.name,
    sha256: file.sha256,
    cachePath: join(cacheFolder(root, subdir), file.name),
    kerasCachePath: join(cacheFolder(kerasHome(), subdir), file.name),
  };
}

/**
 * Loads MNIST (60,000 training and 10,000 test digits, 28x28), as Keras's `mnist.load_data()`
 * and the R course's `dataset_mnist()`.
 *
 * Without `path`, Keras's `mnist.npz` is used from the dlts cache, else from the Keras cache,
 * else downloaded from Google Cloud Storage and checked against Keras's sha256.
 *
 * @param options - `path` (an `.npz` or a folder of IDX files), `cacheDir`, `fetch`, `progress`.
 * @returns `{train: {x, y}, test: {x, y}, source}`: `x` int32 `[n, 28, 28]` (0..255), `y` int32
 *   `[n]`. The tensors are the caller's to dispose.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file when a file is malformed or images and
 *   labels disagree; `DLTS_DOWNLOAD` when the data is not cached and cannot be downloaded (it says
 *   the URL and the local paths that would do); `DLTS_IO` when `path` cannot be read.
 * @example
 * ```ts
 * const { train, test } = await loadMnist();
 * console.log(train.x.shape, test.y.shape); // [60000, 28, 28] [10000]
 * tf.dispose([train.x, train.y, test.x, test.y]);
 * ```
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  const fn = 'loadMnist';
  if (options.path !== undefined) return loadFromPath(fn, options.path, 'user');
  const { path, origin } = await getFileWithOrigin(MNIST_NPZ.name, {
    origin: KERAS_DATASETS_ORIGIN + MNIST_NPZ.name,
    fileHash: MNIST_NPZ.sha256,
    cacheSubdir: 'datasets',
    cacheDir: options.cacheDir,
    fetch: options.fetch,
    progress: options.progress,
  });
  return loadNpz(fn, path, origin);
}

/**
 * Loads Fashion-MNIST (60,000 + 10,000 28x28 images of 10 clothing classes), as Keras's
 * `fashion_mnist.load_data()` and the R course's `dataset_fashion_mnist()`.
 *
 * Without `path`: Debian's `/usr/share/datasets/fashion-mnist` (package `dataset-fashion-mnist`)
 * when present, else the four IDX files from the dlts cache, the Keras cache
 * (`datasets/fashion-mnist`), or Google Cloud Storage, checked against the files' sha256.
 *
 * @param options - `path` (an `.npz` or a folder of IDX files), `systemDir`, `cacheDir`, `fetch`, `progress`.
 * @returns `{train: {x, y}, test: {x, y}, source}` as {@link loadMnist}.
 * @throws DltsError as {@link loadMnist}.
 * @example
 * ```ts
 * const { train, source } = await loadFashionMnist();
 * console.log(source.origin, train.x.shape); // 'debian' [60000, 28, 28]
 * ```
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<MnistData> {
  const fn = 'loadFashionMnist';
  if (options.path !== undefined) return loadFromPath(fn, options.path, 'user');
  const systemDir = options.systemDir === undefined ? DEBIAN_FASHION_MNIST_DIR : options.systemDir;
  if (systemDir !== false) {
    const files = findIdxFiles(systemDir);
    if (files) return loadIdx(fn, systemDir, files, 'debian');
  }
  const found = {} as Record<Role, string>;
  const origins: FileOrigin[] = [];
  for (const role of ROLES) {
    const file = FASHION_FILES[role];
    const got = await getFileWithOrigin(file.name, {
      origin: KERAS_DATASETS_ORIGIN + file.name,
      fileHash: file.sha256,
      cacheSubdir: 'datasets/fashion-mnist',
      cacheDir: options.cacheDir,
      fetch: options.fetch,
      progress: options.progress,
    });
    found[role] = got.path;
    origins.push(got.origin);
  }
  const origin: FileOrigin = origins.includes('download') ? 'download' : origins.includes('keras-cache') ? 'keras-cache' : 'cache';
  return loadIdx(fn, dirname(found.trainImages), found, origin);
}

async function loadFromPath(fn: string, path: string, origin: DataOrigin): Promise<MnistData> {
  if (typeof path !== 'string' || path === '') {
    throw new DltsError('DLTS_VALUE', `${fn}: path must be an .npz file or a folder of IDX files. Received: path=${JSON.stringify(path)}`);
  }
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot open ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!isDir) return loadNpz(fn, path, origin);
  const files = findIdxFiles(path);
  if (!files) {
    const missing = ROLES.filter((role) => idxCandidates(path, role).every((p) => !isFile(p)));
    throw new DltsError(
      'DLTS_IO',
      `${fn}: the folder ${path} lacks ${missing.map((r) => FASHION_FILES[r].name).join(', ')} (or the same names without .gz). ` +
        'Received: a folder that is not an MNIST IDX folder',
    );
  }
  return loadIdx(fn, path, files, origin);
}

/** The un-gzipped and dotted spellings some mirrors use, after the canonical `.gz` name. */
function idxCandidates(dir: string, role: Role): string[] {
  const gz = FASHION_FILES[role].name;
  const raw = gz.slice(0, -3);
  return [gz, raw, raw.replace(/-idx(\d)-/, '.idx$1-'), `${raw.replace(/-idx(\d)-/, '.idx$1-')}.gz`].map((n) => join(dir, n));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findIdxFiles(dir: string): Record<Role, string> | undefined {
  if (!existsSync(dir)) return undefined;
  const out = {} as Record<Role, string>;
  for (const role of ROLES) {
    const hit = idxCandidates(dir, role).find(isFile);
    if (hit === undefined) return undefined;
    out[role] = hit;
  }
  return out;
}

async function loadNpz(fn: string, path: string, origin: DataOrigin): Promise<MnistData> {
  const arrays = await readNpz(path, { keys: ['x_train', 'y_train', 'x_test', 'y_test'] });
  await ensureBackend();
  const get = (key: string): { array: NdArray; name: string } => {
    const array = arrays.get(key) as NpyArray;
    const name = `${path} (array ${key})`;
    if (array.dtype === 'object') throw formatFailure(fn, name, 'it is an object array, expected integers');
    return { array, name };
  };
  return toData(fn, get('x_train'), get('y_train'), get('x_test'), get('y_test'), { kind: 'npz', origin, path, files: [path] });
}

async function loadIdx(fn: string, dir: string, files: Record<Role, string>, origin: DataOrigin): Promise<MnistData> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(ROLES.map((role) => readIdx(files[role])));
  await ensureBackend();
  return toData(
    fn,
    { array: trainImages, name: files.trainImages },
    { array: trainLabels, name: files.trainLabels },
    { array: testImages, name: files.testImages },
    { array: testLabels, name: files.testLabels },
    { kind: 'idx', origin, path: dir, files: ROLES.map((r) => files[r]) },
  );
}

interface Named {
  array: NdArray;
  name: string;
}

function toData(fn: string, xTrain: Named, yTrain: Named, xTest: Named, yTest: Named, source: MnistSource): MnistData {
  checkPair(fn, xTrain, yTrain);
  checkPair(fn, xTest, yTest);
  const made: tf.Tensor[] = [];
  const make = <T extends tf.Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const train = {
      x: make(tf.tensor3d(toInt32(fn, xTrain), xTrain.array.shape as [number, number, number], 'int32')),
      y: make(tf.tensor1d(toInt32(fn, yTrain), 'int32')),
    };
    const test = {
      x: make(tf.tensor3d(toInt32(fn, xTest), xTest.array.shape as [number, number, number], 'int32')),
      y: make(tf.tensor1d(toInt32(fn, yTest), 'int32')),
    };
    return { train, test, source };
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
}

function checkPair(fn: string, images: Named, labels: Named): void {
  const xs = images.array.shape;
  const ys = labels.array.shape;
  if (xs.length !== 3) {
    throw formatFailure(fn, images.name, `images must have shape [n, rows, cols], found [${xs.join(', ')}]`);
  }
  if (ys.length !== 1) throw formatFailure(fn, labels.name, `labels must have shape [n], found [${ys.join(', ')}]`);
  if (xs[0] !== ys[0]) {
    throw formatFailure(fn, images.name, `it holds ${xs[0]} images, but ${labels.name} holds ${ys[0]} labels`);
  }
}

function toInt32(fn: string, { array, name }: Named): Int32Array {
  switch (array.dtype) {
    case 'int32':
      return array.data as Int32Array;
    case 'uint8':
    case 'int8':
    case 'uint16':
    case 'int16': {
      const out = new Int32Array(array.data.length);
      out.set(array.data);
      return out;
    }
    case 'uint32':
    case 'int64':
    case 'uint64': {
      const out = new Int32Array(array.data.length);
      for (let i = 0; i < out.length; i++) {
        const v = array.data[i];
        if (v > 2147483647 || v < -2147483648) throw formatFailure(fn, name, `value ${v} at index ${i} does not fit int32`);
        out[i] = v;
      }
      return out;
    }
    default:
      throw formatFailure(fn, name, `expected integer pixels or labels, found dtype ${array.dtype}`);
  }
}

function formatFailure(fn: string, file: string, reason: string): DltsError {
  return new DltsError('DLTS_DATASET_FORMAT', `${fn}: cannot read ${file}: ${reason}`);
}
