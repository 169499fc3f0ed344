/**
 * `getFile` of @dlts/datasets: the download cache of @dlts/tensors (Keras's `get_file`) plus the
 * safe tar / tar.gz / zip extraction of this package for `extract: true`.
 */
import { getFileWithOrigin as getCachedFile, type FileOrigin, type GetFileOptions as CacheOptions } from '@dlts/tensors';
import { extractArchive, type ArchiveFormat } from './archive';

export type { FileOrigin };

/** Options of {@link getFile}: those of `@dlts/tensors`' `getFile`, with archive extraction. */
export interface GetFileOptions extends Omit<CacheOptions, 'extractor'> {
  /** Archive format for `extract` (default `'auto'`: from the file's first bytes). */
  archiveFormat?: ArchiveFormat;
}

/**
 * Returns the path of a local copy of `origin`, downloading it only when needed (Keras's
 * `get_file`): the dlts cache, then Keras's cache, then a verified, atomic download. With
 * `extract: true` the archive (tar, tar.gz, zip) is unpacked safely (no path may leave the target
 * folder) and the folder is returned.
 *
 * @param fname - the file name in the cache (`undefined`: the last segment of the URL). Not a path.
 * @param options - `origin` (required), `fileHash`, `hashAlgorithm`, `cacheSubdir` (default
 *   `'datasets'`), `cacheDir`, `extract`, `archiveFormat`, `forceDownload`, `useKerasCache`,
 *   `fetch`, `progress`.
 * @returns the file's path, or with `extract` the extraction folder.
 * @throws DltsError `DLTS_DOWNLOAD` when the file is not available locally and cannot be
 *   downloaded (naming the URL and the local paths that would do); `DLTS_VALUE` on bad arguments;
 *   `DLTS_DATASET_FORMAT` when `extract` finds no valid archive.
 * @example
 * ```ts
 * const path = await getFile('mnist.npz', {
 *   origin: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz',
 *   fileHash: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1',
 * });
 * ```
 */
export async function getFile(fname: string | undefined, options: GetFileOptions): Promise<string> {
  return (await getFileWithOrigin(fname, options)).path;
}

/**
 * {@link getFile}, also saying where the file came from (`'cache'`, `'keras-cache'`, `'download'`).
 *
 * @param fname - as {@link getFile}.
 * @param options - as {@link getFile}.
 * @returns `{path, origin}`.
 * @throws as {@link getFile}.
 * @example
 * ```ts
 * const { path, origin } = await getFileWithOrigin(undefined, { origin: url, fileHash });
 * ```
 */
export function getFileWithOrigin(fname: string | undefined, options: GetFileOptions): Promise<{ path: string; origin: FileOrigin }> {
  const { archiveFormat, ...rest } = options ?? ({} as GetFileOptions);
  return getCachedFile(fname, {
    ...rest,
    extractor: async (archive, folder, { replace }) => {
      await extractArchive(archive, folder, { format: archiveFormat ?? 'auto', replace });
    },
  });
}
