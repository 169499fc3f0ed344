/**
 * The word indexes of IMDB and Reuters (Keras's `get_word_index()`, the R course's
 * `dataset_imdb_word_index()`): JSON files mapping each word to its frequency rank.
 */
import { readFile } from 'node:fs/promises';
import { DltsError, received } from '@dlts/tensors';
import { describe, formatError } from './input';
import { fetchKerasFile, type DownloadingOptions, type KerasFileKey } from './keras-files';

/** Options of {@link getImdbWordIndex} and {@link getReutersWordIndex}. */
export interface WordIndexOptions extends DownloadingOptions {
  /** Read this JSON file instead of the cache (no hash is checked). */
  path?: string;
}

/**
 * The IMDB word index: word -> rank (1 = the most frequent word), as Keras's
 * `imdb.get_word_index()` and the R course's `dataset_imdb_word_index()`. In the sequences of
 * `loadImdb()`, a word of rank `r` has index `r + indexFrom` (3 by default).
 *
 * @param options - `path` of a local JSON file; `cacheDir`, `fetch`, `progress` for the download
 *   (Keras's `imdb_word_index.json`, checked against Keras's md5).
 * @returns a `Map` from word to rank, in file order.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file when it is not a JSON object of
 *   integers; `DLTS_DOWNLOAD`; `DLTS_IO`.
 * @example
 * ```ts
 * const wordIndex = await getImdbWordIndex();
 * wordIndex.get('the'); // 1
 * ```
 */
export async function getImdbWordIndex(options: WordIndexOptions = {}): Promise<Map<string, number>> {
  return wordIndex('getImdbWordIndex', 'imdbWordIndex', options);
}

/**
 * The Reuters word index: word -> rank, as Keras's `reuters.get_word_index()` and the R course's
 * `dataset_reuters_word_index()`.
 *
 * @param options - as {@link getImdbWordIndex} (Keras's `reuters_word_index.json`).
 * @returns a `Map` from word to rank, in file order.
 * @throws DltsError as {@link getImdbWordIndex}.
 * @example
 * ```ts
 * const wordIndex = await getReutersWordIndex();
 * decodeSequence(train.x[0], wordIndex); // '? ? ? said as a result of its december acquisition ...'
 * ```
 */
export async function getReutersWordIndex(options: WordIndexOptions = {}): Promise<Map<string, number>> {
  return wordIndex('getReutersWordIndex', 'reutersWordIndex', options);
}

async function wordIndex(fn: string, key: KerasFileKey, options: WordIndexOptions): Promise<Map<string, number>> {
  let path: string;
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new DltsError('DLTS_VALUE', `${fn}: path must be the path of a JSON file. Received: path=${received(options.path)}`);
    }
    path = options.path;
  } else {
    path = (await fetchKerasFile(key, options)).path;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot open ${path}: ${describe(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw formatError(fn, path, `not valid JSON (${describe(error)})`, error);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw formatError(fn, path, 'a word index is a JSON object mapping words to integers');
  }
  const out = new Map<string, number>();
  for (const [word, rank] of Object.entries(parsed)) {
    if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank < 0) {
      throw formatError(fn, path, `the index of ${JSON.stringify(word)} is ${received(rank)}, not a non-negative integer`);
    }
    out.set(word, rank);
  }
  return out;
}
