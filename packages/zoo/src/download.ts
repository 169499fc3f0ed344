/**
 * The weight-file cache of the zoo: Keras's `get_file(..., cache_subdir="models", file_hash=...)`
 * for pretrained weights. A valid copy in the dlts cache (`$DLTS_DATA_DIR/models` or
 * `~/.cache/dlts/models`) is used first, then one Keras already downloaded
 * (`$KERAS_HOME/models` or `~/.keras/models`, read in place, never modified); otherwise the file
 * is downloaded into the dlts cache through a temporary file that is hashed on the way, checked,
 * and only then renamed into place. `DLTS_OFFLINE=1` forbids the download.
 *
 * (@dlts/datasets has the general `getFile`; the zoo may not import @dlts/datasets, so this is
 * the small subset the zoo needs.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DltsError, received } from '@dlts/tensors';

/** One downloadable file of the zoo (weights, class index). */
export interface ZooFile {
  /** File name in the cache (Keras's `fname`). */
  fileName: string;
  /** Canonical URL (Keras's `origin`). */
  url: string;
  /** Expected md5 (32 hex digits) or sha256 (64), as Keras's `file_hash`. */
  hash: string;
  /** Size in bytes (for progress; the hash is what verifies the file). */
  size?: number;
}

/** The subset of WHATWG `fetch` the zoo uses (inject one for tests or proxies). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

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

function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/** The dlts cache root: `$DLTS_DATA_DIR`, else `~/.cache/dlts`. */
export function zooCacheRoot(): string {
  const env = process.env.DLTS_DATA_DIR?.trim();
  return resolve(env ? expandHome(env) : join(homedir(), '.cache', 'dlts'));
}

function kerasHome(): string {
  const env = process.env.KERAS_HOME?.trim();
  return resolve(env ? expandHome(env) : join(homedir(), '.keras'));
}

function isOffline(): boolean {
  const v = process.env.DLTS_OFFLINE?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false' && v !== 'no' && v !== 'off';
}

function algorithmOf(hash: string): 'md5' | 'sha256' {
  return hash.length === 64 ? 'sha256' : 'md5';
}

/** The hex digest of a file (streamed), or undefined when it cannot be read. */
async function hashFile(path: string, algorithm: 'md5' | 'sha256'): Promise<string | undefined> {
  const hash = createHash(algorithm);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

async function isValid(path: string, file: ZooFile): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return false;
  return (await hashFile(path, algorithmOf(file.hash))) === file.hash.toLowerCase();
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
  const ours = join(options.cacheDir ? resolve(expandHome(options.cacheDir)) : zooCacheRoot(), 'models', file.fileName);
  if (await isValid(ours, file)) return ours;
  const theirs = options.useKerasCache === false ? undefined : join(kerasHome(), 'models', file.fileName);
  if (theirs && (await isValid(theirs, file))) return theirs;
  const where = [ours, ...(theirs ? [theirs] : [])].join(' or ');
  const algorithm = algorithmOf(file.hash);
  if (isOffline()) {
    throw new DltsError(
      'DLTS_DOWNLOAD',
      `${fn}: no valid copy of ${file.fileName} is cached and downloads are disabled (DLTS_OFFLINE=${process.env.DLTS_OFFLINE}). ` +
        `It would be downloaded from ${file.url}. Put a copy with ${algorithm} ${file.hash} at ${where}, or unset DLTS_OFFLINE.`,
    );
  }
  try {
    await download(file, ours, options);
  } catch (error) {
    throw new DltsError(
      'DLTS_DOWNLOAD',
      `${fn}: cannot download ${file.fileName} from ${file.url}: ${(error as Error).message}. A copy with ${algorithm} ${file.hash} at ${where} would be used instead.`,
      { cause: error },
    );
  }
  return ours;
}

/** Streams `file.url` into a temporary file next to `target`, hashing it, then renames it. */
async function download(file: ZooFile, target: string, options: GetZooFileOptions): Promise<void> {
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (!fetchImpl) throw new Error('no fetch is available (Node 18+ has one)');
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash(algorithmOf(file.hash));
  const showProgress = options.progress ?? Boolean(process.stderr.isTTY);
  const handle = await open(tmp, 'w');
  let ok = false;
  try {
    const response = await fetchImpl(file.url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    if (!response.body) throw new Error('the response has no body');
    const total = Number(response.headers.get('content-length')) || file.size || 0;
    let received = 0;
    let lastShown = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await handle.write(chunk);
      received += chunk.length;
      if (showProgress && Date.now() - lastShown > 250) {
        lastShown = Date.now();
        process.stderr.write(`\rDownloading ${file.fileName}: ${progressText(received, total)}`);
      }
    }
    if (showProgress) process.stderr.write(`\rDownloading ${file.fileName}: ${progressText(received, total)}\n`);
    const digest = hash.digest('hex');
    if (digest !== file.hash.toLowerCase()) throw new Error(`hash mismatch: ${algorithmOf(file.hash)} ${digest}, expected ${file.hash} (${received} bytes received)`);
    await handle.sync();
    ok = true;
  } finally {
    await handle.close();
    if (!ok) await rm(tmp, { force: true });
  }
  await rename(tmp, target);
}

function progressText(received: number, total: number): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return total > 0 ? `${mb(received)} / ${mb(total)} (${Math.min(100, Math.round((100 * received) / total))}%)` : mb(received);
}
