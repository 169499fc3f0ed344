/**
 * The weight files of the zoo, fetched with the dlts download cache (`getFile` of
 * `@dlts/tensors`, Keras's `get_file(..., cache_subdir = "models", file_hash = ...)`): a valid copy
 * in the dlts cache (`$DLTS_DATA_DIR/models` or `~/.cache/dlts/models`), then one Keras already
 * downloaded (`$KERAS_HOME/models` or `~/.keras/models`, read in place), else a download through a
 * temporary file that is verified before an atomic rename. `DLTS_OFFLINE=1` forbids the download.
 */
import { DltsError, getFile, received, type FetchLike } from '@dlts/tensors';

export type { FetchLike };

/** One downloadable file of the zoo (weights, class index). */
export interface ZooFile {
  /** File name in the cache (Keras's `fname`). */
  fileName: string;
  /** Canonical URL (Keras's `origin`). */
  url: string;
  /** Expected md5 (32 hex digits) or sha256 (64), as Keras's `file_hash`. */
  hash: string;
  /** Size in bytes (documentation and progress; the hash is what verifies the file). */
  size?: number;
}

/** Options of {@link getZooFile}. */
export interface GetZooFileOptions {
  /** Cache root (default `$DLTS_DATA_DIR` or `~/.cache/dlts`); files go to its `models/` folder. */
  cacheDir?: string;
  /** Look for a copy Keras downloaded in `$KERAS_HOME/models` or `~/.keras/models`. Default true. */
  useKerasCache?: boolean;
  /** The fetch to use (default the global `fetch`). */
  fetch?: FetchLike;
  /** Show download progress on stderr. Default: when stderr is a TTY. */
  progress?: boolean;
}

/**
 * The local path of a zoo file, downloading it only when no valid copy is cached.
 *
 * @param file - the file: name, URL, hash, size.
 * @param options - `cacheDir`, `useKerasCache`, `fetch`, `progress`.
 * @returns the path of a file whose hash matches.
 * @throws DltsError `DLTS_DOWNLOAD` when no valid copy is cached and the download is forbidden
 *   (`DLTS_OFFLINE`) or fails (network error, HTTP error, hash mismatch), naming the URL and the
 *   local paths that would satisfy it; nothing is left at the target on failure.
 * @example
 * ```ts
 * const path = await getZooFile(VGG16_WEIGHTS.notop);
 * ```
 */
export async function getZooFile(file: ZooFile, options: GetZooFileOptions = {}): Promise<string> {
  const fn = 'getZooFile';
  if (!file || typeof file.fileName !== 'string' || /[\\/]/.test(file.fileName) || typeof file.url !== 'string' || !/^[0-9a-f]{32}([0-9a-f]{32})?$/i.test(file.hash)) {
    throw new DltsError('DLTS_VALUE', `${fn}: expected {fileName, url, hash (md5 or sha256)}. Received: file=${received(file)}`);
  }
  return getFile(file.fileName, {
    origin: file.url,
    fileHash: file.hash,
    cacheSubdir: 'models',
    cacheDir: options.cacheDir,
    useKerasCache: options.useKerasCache,
    fetch: options.fetch,
    progress: options.progress,
  });
}
