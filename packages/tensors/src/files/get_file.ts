/**
 * `getFile`, the Keras `get_file` of dlts: return a local copy of a URL, from the dlts cache, from
 * the Keras cache, or by downloading it (verified, atomic), optionally extracted by an extractor
 * the caller gives (`@dlts/datasets`' `getFile` passes its safe tar/zip extractor).
 *
 * It lives in @dlts/tensors because every package that fetches files needs it (datasets for data,
 * zoo for weights) and those two may not import each other.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { DltsError, received } from '../errors';
import { cacheFolder, dataDir, isOffline, kerasHome, resolveHashAlgorithm, validateFile, type HashAlgorithm } from './cache';
import { downloadFile, type FetchLike } from './download';

/** Where {@link getFileWithOrigin} found the file. */
export type FileOrigin = 'cache' | 'keras-cache' | 'download';

/** Options of {@link getFile}. */
export interface GetFileOptions {
  /** The URL to download from (required). */
  origin: string;
  /** Expected sha256 or md5 of the file; cached copies that do not match are not used. */
  fileHash?: string;
  /** `'auto'` (default: sha256 for a 64-digit hash, else md5), `'sha256'` or `'md5'`. */
  hashAlgorithm?: HashAlgorithm;
  /** Folder under the cache root (default `'datasets'`); an absolute path is used as it is. */
  cacheSubdir?: string;
  /** Cache root (default {@link dataDir}: `$DLTS_DATA_DIR` or `~/.cache/dlts`). */
  cacheDir?: string;
  /** Extract the archive with `extractor` and return the extraction folder (default false). */
  extract?: boolean;
  /**
   * Unpacks `archive` into `folder` for `extract` (replacing an older extraction when `replace`).
   * Required with `extract`; `@dlts/datasets`' `getFile` supplies a safe tar / tar.gz / zip one.
   */
  extractor?: (archive: string, folder: string, options: { replace: boolean }) => Promise<void>;
  /** Download even when a valid copy is cached (default false). */
  forceDownload?: boolean;
  /** Look for a copy Keras already cached in `$KERAS_HOME` / `~/.keras` (default true). */
  useKerasCache?: boolean;
  /** The fetch to use (default: the one from `setFetch`, else the global `fetch`). */
  fetch?: FetchLike;
  /** Show download progress on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
}

/**
 * Returns the path of a local copy of `origin`, downloading it only when needed (Keras's
 * `get_file`).
 *
 * Order: a copy in the dlts cache (`<cacheDir>/<cacheSubdir>/<fname>`) whose hash matches; then
 * a copy Keras cached (`$KERAS_HOME` or `~/.keras`, same sub-folder) whose hash matches, used in
 * place and never modified; then a download into the dlts cache through a temporary file that is
 * verified before an atomic rename. Without `fileHash`, an existing file is trusted (as Keras).
 * `DLTS_OFFLINE=1` forbids the download.
 *
 * @param fname - the file name in the cache (`undefined`: the last segment of the URL). Not a path.
 * @param options - `origin` (required), `fileHash`, `hashAlgorithm`, `cacheSubdir`, `cacheDir`,
 *   `extract` with `extractor`, `forceDownload`, `useKerasCache`, `fetch`, `progress`.
 * @returns the file's path, or with `extract` the extraction folder.
 * @throws DltsError `DLTS_DOWNLOAD` when the file is not available locally and the download is
 *   forbidden or fails, naming the URL and the local path(s) that would satisfy it;
 *   `DLTS_VALUE` on bad arguments; whatever the extractor throws for a bad archive.
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
 * {@link getFile}, also saying where the file came from.
 *
 * @param fname - as {@link getFile}.
 * @param options - as {@link getFile}.
 * @returns `{path, origin}` with `origin` `'cache'`, `'keras-cache'` or `'download'`.
 * @throws as {@link getFile}.
 * @example
 * ```ts
 * const { path, origin } = await getFileWithOrigin(undefined, { origin: url, fileHash });
 * if (origin === 'download') console.log(`downloaded to ${path}`);
 * ```
 */
export async function getFileWithOrigin(
  fname: string | undefined,
  options: GetFileOptions,
): Promise<{ path: string; origin: FileOrigin }> {
  const fn = 'getFile';
  const { origin } = options ?? ({} as GetFileOptions);
  if (typeof origin !== 'string' || origin === '') {
    throw new DltsError('DLTS_VALUE', `${fn}: origin must be the URL of the file to download. Received: origin=${received(origin)}`);
  }
  if (options.extract && typeof options.extractor !== 'function') {
    throw new DltsError('DLTS_VALUE', `${fn}: extract needs an extractor (or use getFile from @dlts/datasets, which has one). Received: extractor=${received(options.extractor)}`);
  }
  const name = resolveName(fname, origin);
  const algorithm = resolveHashAlgorithm(options.hashAlgorithm ?? 'auto', options.fileHash);
  const fileHash = options.fileHash?.toLowerCase();
  const subdir = options.cacheSubdir ?? 'datasets';
  const root = await writableRoot(options.cacheDir ?? dataDir());
  const layout = (folder: string) => targets(folder, name, Boolean(options.extract), fname !== undefined);
  const ours = layout(cacheFolder(root, subdir));
  const theirs = options.useKerasCache === false || isAbsolute(subdir) ? undefined : layout(cacheFolder(kerasHome(), subdir));

  const valid = async (path: string): Promise<boolean> => {
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) return false;
    return fileHash === undefined ? true : validateFile(path, fileHash, algorithm);
  };

  let archive: string | undefined;
  let found: FileOrigin | undefined;
  if (!options.forceDownload) {
    if (await valid(ours.download)) {
      archive = ours.download;
      found = 'cache';
    } else if (theirs && (await valid(theirs.download))) {
      archive = theirs.download;
      found = 'keras-cache';
    }
  }
  if (archive === undefined || found === undefined) {
    const candidates = [ours.download, ...(theirs ? [theirs.download] : [])];
    const want = `${fileHash ? ` with ${algorithm} ${fileHash}` : ''}`;
    if (isOffline()) {
      throw new DltsError(
        'DLTS_DOWNLOAD',
        `${fn}: no valid copy of ${name} is cached and downloads are disabled (DLTS_OFFLINE=${process.env.DLTS_OFFLINE}). ` +
          `It would be downloaded from ${origin}. Put a copy${want} at ${candidates.join(' or ')}, or unset DLTS_OFFLINE.`,
      );
    }
    try {
      await downloadFile(origin, ours.download, {
        fileHash,
        hashAlgorithm: algorithm,
        fetch: options.fetch,
        progress: options.progress,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^downloadFile: /, '') : String(error);
      throw new DltsError(
        'DLTS_DOWNLOAD',
        `${fn}: cannot download ${name}: ${reason}. A copy${want} at ${candidates.join(' or ')} would be used instead.`,
        { cause: error },
      );
    }
    archive = ours.download;
    found = 'download';
  }
  if (!options.extract) return { path: archive, origin: found };

  const folder = ours.extractTo as string;
  const exists = await stat(folder).then((s) => s.isDirectory()).catch(() => false);
  if (!exists || found === 'download') {
    await mkdir(cacheFolder(root, subdir), { recursive: true });
    await options.extractor!(archive, folder, { replace: found === 'download' });
  }
  return { path: folder, origin: found };
}

function resolveName(fname: string | undefined, origin: string): string {
  const fn = 'getFile';
  if (fname === undefined || fname === '') {
    let path: string;
    try {
      path = new URL(origin).pathname;
    } catch {
      path = origin;
    }
    const last = decodeURIComponent(path.split('/').pop() ?? '');
    if (!last || last === '.' || last === '..' || /[\\/]/.test(last)) {
      throw new DltsError('DLTS_VALUE', `${fn}: cannot take a file name from the origin. Pass fname. Received: origin=${received(origin)}`);
    }
    return last;
  }
  if (typeof fname !== 'string' || /[\\/]/.test(fname) || fname === '.' || fname === '..' || basename(fname) !== fname) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: fname must be a file name, not a path (use cacheSubdir or cacheDir for the folder). Received: fname=${received(fname)}`,
    );
  }
  return fname;
}

/** Keras's naming: where the download goes and, with `extract`, the extraction folder. */
function targets(folder: string, name: string, extract: boolean, named: boolean): { download: string; extractTo?: string } {
  if (!extract) return { download: join(folder, name) };
  if (named && name.includes('.')) {
    return { download: join(folder, name), extractTo: join(folder, `${name.slice(0, name.indexOf('.'))}_extracted`) };
  }
  return { download: join(folder, `${name}_archive`), extractTo: join(folder, name) };
}

/** The cache root if it can be written, else a `dlts` folder in the temp dir (as Keras's /tmp/.keras). */
async function writableRoot(root: string): Promise<string> {
  try {
    await mkdir(root, { recursive: true });
    await access(root, constants.W_OK);
    return root;
  } catch {
    const fallback = join(tmpdir(), 'dlts');
    await mkdir(fallback, { recursive: true });
    return fallback;
  }
}
