/**
 * The files behind the Keras datasets (besides MNIST, see `mnist.ts`): their Keras URLs, hashes
 * and cache names, copied from `keras/src/datasets/*.py`, and the one function the loaders use to
 * get a local, verified copy through `getFile`.
 */
import { join } from 'node:path';
import { DltsError } from '@dlts/tensors';
import { cacheFolder, dataDir, kerasHome, resolveHashAlgorithm } from './cache';
import type { FetchLike } from './download';
import { getFileWithOrigin, type FileOrigin } from './get-file';
import { KERAS_DATASETS_ORIGIN } from './mnist';

/** The Keras dataset files dlts knows. */
export type KerasFileKey = 'imdb' | 'imdbWordIndex' | 'reuters' | 'reutersWordIndex' | 'bostonHousing' | 'cifar10';

/** One file of a Keras dataset. */
export interface KerasFile {
  /** The name Keras caches it under (`fname` of `get_file`). */
  fname: string;
  /** Keras's URL. */
  url: string;
  /** Keras's `file_hash` (sha256, or md5 for the word indexes, as Keras). */
  hash: string;
  /** Whether Keras extracts it (`extract=True`): the CIFAR-10 tarball. */
  extract?: boolean;
}

/** Keras's files, exactly as `keras/src/datasets/*.py` names and hashes them. */
export const KERAS_FILES: Readonly<Record<KerasFileKey, KerasFile>> = Object.freeze({
  imdb: {
    fname: 'imdb.npz',
    url: `${KERAS_DATASETS_ORIGIN}imdb.npz`,
    hash: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f',
  },
  imdbWordIndex: {
    fname: 'imdb_word_index.json',
    url: `${KERAS_DATASETS_ORIGIN}imdb_word_index.json`,
    hash: 'bfafd718b763782e994055a2d397834f',
  },
  reuters: {
    fname: 'reuters.npz',
    url: `${KERAS_DATASETS_ORIGIN}reuters.npz`,
    hash: 'd6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916',
  },
  reutersWordIndex: {
    fname: 'reuters_word_index.json',
    url: `${KERAS_DATASETS_ORIGIN}reuters_word_index.json`,
    hash: '4d44cc38712099c9e383dc6e5f11a921',
  },
  bostonHousing: {
    fname: 'boston_housing.npz',
    url: `${KERAS_DATASETS_ORIGIN}boston_housing.npz`,
    hash: 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5',
  },
  cifar10: {
    fname: 'cifar-10-batches-py-target',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
    hash: '6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce',
    extract: true,
  },
});

/** Where a dataset's files come from and where they are cached; see {@link datasetSources}. */
export interface KerasFileInfo {
  /** The cache name. */
  name: string;
  url: string;
  /** Keras's hash of the file. */
  hash: string;
  hashAlgorithm: 'sha256' | 'md5';
  /** Where dlts caches it (for CIFAR-10: the downloaded archive; it is extracted beside it). */
  cachePath: string;
  /** Where Keras caches it (reused when its hash matches). */
  kerasCachePath: string;
}

/** Options shared by the loaders that download. */
export interface DownloadingOptions {
  /** Cache root for downloads (default `$DLTS_DATA_DIR` or `~/.cache/dlts`). */
  cacheDir?: string;
  /** The fetch to use for downloads (default: `setFetch`'s, else the global `fetch`). */
  fetch?: FetchLike;
  /** Show download progress on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
}

const DATASET_FILES: Record<string, KerasFileKey[]> = {
  imdb: ['imdb', 'imdbWordIndex'],
  reuters: ['reuters', 'reutersWordIndex'],
  boston_housing: ['bostonHousing'],
  cifar10: ['cifar10'],
};

/**
 * The files a Keras dataset loader reads: URL, Keras's hash and the local paths where a copy is
 * accepted. Use it to fill a cache in advance, or to see what an offline machine needs.
 *
 * @param dataset - `'imdb'`, `'reuters'`, `'boston_housing'` or `'cifar10'` (MNIST: `mnistSources`).
 * @param options - `cacheDir` as the loaders.
 * @returns the files, in the order the loaders use them.
 * @throws DltsError `DLTS_VALUE` for an unknown dataset.
 * @example
 * ```ts
 * for (const f of datasetSources('imdb')) console.log(f.url, '->', f.cachePath);
 * ```
 */
export function datasetSources(dataset: 'imdb' | 'reuters' | 'boston_housing' | 'cifar10', options: { cacheDir?: string } = {}): KerasFileInfo[] {
  const keys = DATASET_FILES[dataset];
  if (keys === undefined) {
    throw new DltsError(
      'DLTS_VALUE',
      `datasetSources: dataset must be one of ${Object.keys(DATASET_FILES).join(', ')}. Received: dataset=${JSON.stringify(dataset)}`,
    );
  }
  const root = options.cacheDir ?? dataDir();
  return keys.map((key) => {
    const file = kerasFile(key);
    const local = file.extract ? `${file.fname}_archive` : file.fname;
    return {
      name: file.fname,
      url: file.url,
      hash: file.hash,
      hashAlgorithm: resolveHashAlgorithm('auto', file.hash),
      cachePath: join(cacheFolder(root, 'datasets'), local),
      kerasCachePath: join(cacheFolder(kerasHome(), 'datasets'), local),
    };
  });
}

/** Test hook: replaces the URL or hash of a file (never used by the loaders themselves). */
const overrides = new Map<KerasFileKey, Partial<KerasFile>>();

/**
 * Internal (tests): serve a dataset from a local server or with a hash of your own file.
 * `undefined` removes the override.
 */
export function setKerasFileOverride(key: KerasFileKey, override: Partial<KerasFile> | undefined): void {
  if (override === undefined) overrides.delete(key);
  else overrides.set(key, override);
}

function kerasFile(key: KerasFileKey): KerasFile {
  return { ...KERAS_FILES[key], ...overrides.get(key) };
}

/**
 * A verified local copy of one Keras file: the dlts cache, else the Keras cache, else a download
 * (all through `getFile`, so `DLTS_OFFLINE`, atomic writes and hash checks apply).
 */
export async function fetchKerasFile(key: KerasFileKey, options: DownloadingOptions = {}): Promise<{ path: string; origin: FileOrigin }> {
  const file = kerasFile(key);
  return getFileWithOrigin(file.fname, {
    origin: file.url,
    fileHash: file.hash,
    cacheSubdir: 'datasets',
    cacheDir: options.cacheDir,
    extract: file.extract,
    fetch: options.fetch,
    progress: options.progress,
  });
}
