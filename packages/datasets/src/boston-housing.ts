/**
 * Boston housing prices (506 towns, 13 features), as Keras's `boston_housing.load_data()` and
 * the R course's `dataset_boston_housing()`.
 */
import { DltsError, received, tf, NumpyRandomState } from '@dlts/tensors';
import { ensureBackend } from './backend';
import { fetchKerasFile, type DownloadingOptions } from './keras-files';
import type { NdArray } from './ndarray';
import type { NpyArray } from './npy';
import { readNpz } from './npz';
import { formatFailure, type DatasetSource } from './sequences';

/** Options of {@link loadBostonHousing} (Keras's names and defaults). */
export interface BostonHousingOptions extends DownloadingOptions {
  /**
   * Read this `.npz` file (Keras's layout: `x` [506, 13], `y` [506]) instead of the cache. Unlike
   * Keras's `path` (a name in the cache folder), this is the path of a local file; no hash is checked.
   */
  path?: string;
  /** Fraction of the samples (the last ones after shuffling) used as the test set. Default 0.2. */
  testSplit?: number;
  /** Seed of numpy's `RandomState` that shuffles the samples. Default 113. */
  seed?: number;
}

/** One split: features `x` float32 `[n, 13]`, prices `y` float32 `[n]` (in $1000s). */
export interface RegressionSplit {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
}

/** What {@link loadBostonHousing} returns; the tensors are the caller's to dispose. */
export interface BostonHousingData {
  train: RegressionSplit;
  test: RegressionSplit;
  /** Which file was read. */
  source: DatasetSource;
}

/**
 * Loads the Boston housing data exactly as Keras's `boston_housing.load_data()` (the R course's
 * `dataset_boston_housing()`): the 506 samples shuffled by numpy's `RandomState(seed)`, then the
 * first `floor(506 * (1 - testSplit))` (404) for training and the rest (102) for testing.
 *
 * Without `path`, Keras's `boston_housing.npz` comes from the dlts cache, else the Keras cache,
 * else a download checked against Keras's sha256. Values are float32 (Keras: float64).
 *
 * The data has an ethically problematic feature ("B", column 12), as Keras warns; the course uses
 * it as it is.
 *
 * @param options - `path`, `testSplit` (0.2), `seed` (113), and `cacheDir`, `fetch`, `progress`.
 * @returns `{train: {x, y}, test: {x, y}, source}` as float32 tensors (yours to dispose).
 * @throws DltsError `DLTS_VALUE` for a bad option; `DLTS_DATASET_FORMAT` naming the file when it
 *   is malformed; `DLTS_DOWNLOAD` when it is not cached and cannot be downloaded; `DLTS_IO`.
 * @example
 * ```ts
 * const { train, test } = await loadBostonHousing();
 * console.log(train.x.shape, test.x.shape); // [404, 13] [102, 13]
 * tf.dispose([train.x, train.y, test.x, test.y]);
 * ```
 */
export async function loadBostonHousing(options: BostonHousingOptions = {}): Promise<BostonHousingData> {
  const fn = 'loadBostonHousing';
  const testSplit = options.testSplit ?? 0.2;
  if (typeof testSplit !== 'number' || !(testSplit >= 0 && testSplit < 1)) {
    throw new DltsError('DLTS_VALUE', `${fn}: testSplit must be a number in [0, 1). Received: testSplit=${received(testSplit)}`);
  }
  const seed = options.seed ?? 113;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DltsError('DLTS_VALUE', `${fn}: seed must be an integer between 0 and 2**32 - 1 (numpy's RandomState). Received: seed=${received(seed)}`);
  }
  let source: DatasetSource;
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new DltsError('DLTS_VALUE', `${fn}: path must be the path of an .npz file. Received: path=${received(options.path)}`);
    }
    source = { origin: 'user', path: options.path };
  } else {
    source = await fetchKerasFile('bostonHousing', options);
  }
  const arrays = await readNpz(source.path, { keys: ['x', 'y'] });
  const x = numeric(fn, arrays.get('x')!, `${source.path} (array x)`);
  const y = numeric(fn, arrays.get('y')!, `${source.path} (array y)`);
  if (x.shape.length !== 2) throw formatFailure(fn, `${source.path} (array x)`, `expected shape [n, features], found [${x.shape.join(', ')}]`);
  if (y.shape.length !== 1 || y.shape[0] !== x.shape[0]) {
    throw formatFailure(fn, `${source.path} (array y)`, `expected shape [${x.shape[0]}], found [${y.shape.join(', ')}]`);
  }
  const [n, features] = x.shape;
  const order = new NumpyRandomState(seed).permutation(n);
  const at = Math.trunc(n * (1 - testSplit));
  const rows = (from: number, to: number) => {
    const xs = new Float32Array((to - from) * features);
    const ys = new Float32Array(to - from);
    for (let i = from; i < to; i++) {
      const src = order[i];
      for (let f = 0; f < features; f++) xs[(i - from) * features + f] = x.data[src * features + f];
      ys[i - from] = y.data[src];
    }
    return { xs, ys, count: to - from };
  };
  await ensureBackend();
  const train = rows(0, at);
  const test = rows(at, n);
  const made: tf.Tensor[] = [];
  try {
    const split = (part: typeof train): RegressionSplit => {
      const xt = tf.tensor2d(part.xs, [part.count, features], 'float32');
      made.push(xt);
      const yt = tf.tensor1d(part.ys, 'float32');
      made.push(yt);
      return { x: xt, y: yt };
    };
    return { train: split(train), test: split(test), source };
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
}

function numeric(fn: string, array: NpyArray, name: string): NdArray {
  if (array.dtype === 'object') throw formatFailure(fn, name, 'it is an object array, expected numbers');
  return array;
}
