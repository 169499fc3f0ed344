/**
 * What IMDB and Reuters share: Keras's `load_data` algorithm for ragged word-index sequences
 * (shuffle with `RandomState(seed)`, start char and index offset, `maxlen` filtering, the
 * `num_words`/`skip_top` vocabulary cut), option checks, and reading the `.npz` object arrays.
 */
import { DltsError, received } from '@dlts/tensors';
import type { FileOrigin } from './get-file';
import { fetchKerasFile, type DownloadingOptions, type KerasFileKey } from './keras-files';
import type { NpyArray } from './npy';
import { readNpz } from './npz';

/** One split of a sequence dataset: `x[i]` is a list of word indexes, `y[i]` its label. */
export interface SequenceSplit {
  x: number[][];
  y: Int32Array;
}

/** Which file a loader read. */
export interface DatasetSource {
  /** `'user'` (the `path` option), `'cache'`, `'keras-cache'` or `'download'`. */
  origin: 'user' | FileOrigin;
  /** The file (or, for CIFAR-10, the folder of batches). */
  path: string;
}

/** What `loadImdb` and `loadReuters` return. */
export interface SequenceData {
  train: SequenceSplit;
  test: SequenceSplit;
  /** Which file was read. */
  source: DatasetSource;
}

/** The options `loadImdb` and `loadReuters` share (Keras's names, camelCased, and defaults). */
export interface SequenceOptions extends DownloadingOptions {
  /**
   * Read this `.npz` file (in Keras's layout) instead of the cache. Unlike Keras's `path` (a name
   * in the cache folder), this is the path of a local file; no hash is checked.
   */
  path?: string;
  /**
   * Keep the `numWords` most frequent words; rarer ones become `oovChar` (or are dropped when
   * `oovChar` is null). `null`, `undefined` or 0 (Keras's None): keep all words. Default null.
   */
  numWords?: number | null;
  /** Also replace the `skipTop` most frequent words by `oovChar`. Default 0. */
  skipTop?: number;
  /**
   * Drop (not truncate) every sequence whose length, counted with the start char, is >= `maxlen`.
   * `null`, `undefined` or 0 (Keras's None): keep all. Default null.
   */
  maxlen?: number | null;
  /** Seed of numpy's `RandomState` that shuffles the samples. Default 113. */
  seed?: number;
  /** Put this index at the start of every sequence; `null` (Keras's None): none. Default 1. */
  startChar?: number | null;
  /** The index of out-of-vocabulary words; `null` (Keras's None): drop them. Default 2. */
  oovChar?: number | null;
  /** Add this to every word index (0, 1 and 2 are reserved). Default 3. */
  indexFrom?: number;
}

/** The options after checking, with Keras's defaults filled in. */
export interface ResolvedSequenceOptions {
  numWords: number | null;
  skipTop: number;
  maxlen: number | null;
  seed: number;
  startChar: number | null;
  oovChar: number | null;
  indexFrom: number;
}

/** Checks the shared options and fills in Keras's defaults. */
export function resolveSequenceOptions(fn: string, options: SequenceOptions): ResolvedSequenceOptions {
  const int = (name: string, value: unknown, min: number, nullable = false): void => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${name} must be an integer >= ${min}${nullable ? ' or null' : ''}. Received: ${name}=${received(value)}`);
    }
  };
  const nullableInt = (name: string, value: unknown, min: number, fallback: number | null): number | null => {
    if (value === undefined) return fallback;
    if (value === null) return null;
    int(name, value, min, true);
    return value as number;
  };
  const numWords = nullableInt('numWords', options.numWords, 0, null);
  const maxlen = nullableInt('maxlen', options.maxlen, 0, null);
  const skipTop = options.skipTop ?? 0;
  int('skipTop', skipTop, 0);
  const seed = options.seed ?? 113;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DltsError('DLTS_VALUE', `${fn}: seed must be an integer between 0 and 2**32 - 1 (numpy's RandomState). Received: seed=${received(seed)}`);
  }
  const indexFrom = options.indexFrom ?? 3;
  int('indexFrom', indexFrom, 0);
  return {
    // Keras tests `if not num_words` and `if maxlen`: 0 means None.
    numWords: numWords === 0 ? null : numWords,
    skipTop,
    maxlen: maxlen === 0 ? null : maxlen,
    seed,
    startChar: nullableInt('startChar', options.startChar, 0, 1),
    oovChar: nullableInt('oovChar', options.oovChar, 0, 2),
    indexFrom,
  };
}

/** The arrays of a sequence `.npz`, read from `path` or from the Keras file `key`. */
export async function readSequenceNpz(
  fn: string,
  key: KerasFileKey,
  keys: string[],
  options: SequenceOptions,
): Promise<{ arrays: Map<string, NpyArray>; source: DatasetSource }> {
  let source: DatasetSource;
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new DltsError('DLTS_VALUE', `${fn}: path must be the path of an .npz file. Received: path=${received(options.path)}`);
    }
    source = { origin: 'user', path: options.path };
  } else {
    source = await fetchKerasFile(key, options);
  }
  return { arrays: await readNpz(source.path, { keys }), source };
}

/** The sequences of an object array, each as a list of safe integers. */
export function toSequences(fn: string, array: NpyArray, name: string): number[][] {
  if (array.dtype !== 'object' || array.shape.length !== 1) {
    throw formatFailure(fn, name, `expected a 1-D object array of sequences, found ${array.dtype} of shape [${array.shape.join(', ')}]`);
  }
  return array.data.map((value, i) => {
    const list = Array.isArray(value) ? value : isNumericArray(value) ? Array.from(value.data as ArrayLike<number>) : undefined;
    if (list === undefined) throw formatFailure(fn, name, `element ${i} is not a list of word indexes`);
    for (let j = 0; j < list.length; j++) {
      const w = list[j];
      if (typeof w !== 'number' || !Number.isSafeInteger(w)) {
        throw formatFailure(fn, name, `element ${i} holds ${received(typeof w === 'bigint' ? String(w) : w)} at position ${j}, not an integer word index`);
      }
    }
    return list.slice() as number[];
  });
}

function isNumericArray(value: unknown): value is NpyArray & { data: ArrayLike<number> } {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && (value as NpyArray).dtype !== 'object';
}

/** Integer labels as numbers. */
export function toLabels(fn: string, array: NpyArray, name: string, expected: number): number[] {
  if (array.dtype === 'object' || array.shape.length !== 1) {
    throw formatFailure(fn, name, `expected a 1-D integer array of labels, found ${array.dtype} of shape [${array.shape.join(', ')}]`);
  }
  if (array.shape[0] !== expected) throw formatFailure(fn, name, `it holds ${array.shape[0]} labels for ${expected} sequences`);
  const out = Array.from(array.data as ArrayLike<number>);
  out.forEach((v, i) => {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw formatFailure(fn, name, `label ${i} (${v}) is not an int32 integer`);
  });
  return out;
}

/** `x[indices]`, `y[indices]`. */
export function reorder<T>(values: T[], indices: Int32Array): T[] {
  const out = new Array<T>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

/** Keras: `[start_char] + [w + index_from for w in x]`, or just the offset. */
export function addStartAndOffset(xs: number[][], o: ResolvedSequenceOptions): number[][] {
  if (o.startChar !== null) {
    const start = o.startChar;
    return xs.map((x) => {
      const out = new Array<number>(x.length + 1);
      out[0] = start;
      for (let i = 0; i < x.length; i++) out[i + 1] = x[i] + o.indexFrom;
      return out;
    });
  }
  if (o.indexFrom) return xs.map((x) => x.map((w) => w + o.indexFrom));
  return xs;
}

/** Keras's `remove_long_seq`: keeps the samples with `len(x) < maxlen`. */
export function removeLongSequences(maxlen: number, xs: number[][], labels: number[]): { xs: number[][]; labels: number[] } {
  const keptX: number[][] = [];
  const keptY: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (xs[i].length < maxlen) {
      keptX.push(xs[i]);
      keptY.push(labels[i]);
    }
  }
  return { xs: keptX, labels: keptY };
}

/**
 * Keras's vocabulary cut: without `num_words`, `num_words` is the largest index present (so,
 * as in Keras, that largest word itself becomes out-of-vocabulary); then every word outside
 * `[skip_top, num_words)` becomes `oov_char`, or is dropped when `oov_char` is None.
 */
export function limitVocabulary(xs: number[][], o: ResolvedSequenceOptions): number[][] {
  let numWords = o.numWords;
  if (numWords === null) {
    // Keras: max(max(x) for x in xs). (Python fails on an empty sequence; they are skipped here.)
    let max = -Infinity;
    for (const x of xs) for (const w of x) if (w > max) max = w;
    numWords = max;
  }
  const { skipTop, oovChar } = o;
  const limit = numWords;
  if (oovChar !== null) return xs.map((x) => x.map((w) => (skipTop <= w && w < limit ? w : oovChar)));
  return xs.map((x) => x.filter((w) => skipTop <= w && w < limit));
}

/** A split with Int32Array labels. */
export function split(xs: number[][], labels: number[]): SequenceSplit {
  return { x: xs, y: Int32Array.from(labels) };
}

export function formatFailure(fn: string, file: string, reason: string): DltsError {
  return new DltsError('DLTS_DATASET_FORMAT', `${fn}: cannot read ${file}: ${reason}`);
}
