/**
 * Downloading one URL to one file, safely: the body streams into a uniquely named temporary file
 * in the target's folder, is hashed on the way, checked (length and hash), flushed, and only then
 * renamed onto the target in one atomic step. An interrupted or corrupt download therefore never
 * leaves a file under the target name, and two processes fetching the same file both succeed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DltsError } from '../errors';
import { resolveHashAlgorithm, validateFile, type HashAlgorithm } from './cache';

/** The subset of the WHATWG `fetch` that dlts uses; inject one with {@link setFetch} or an option. */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

let injectedFetch: FetchLike | undefined;

/**
 * Replaces the `fetch` used for downloads (for tests, proxies or custom agents); `undefined`
 * restores the global `fetch`. A `fetch` option of a call still wins over this.
 *
 * @param fetchImpl - the function to use, or `undefined`.
 * @returns nothing.
 * @throws never.
 * @example
 * ```ts
 * setFetch((url, init) => fetch(url.replace('https://storage.googleapis.com', 'http://mirror'), init));
 * ```
 */
export function setFetch(fetchImpl: FetchLike | undefined): void {
  injectedFetch = fetchImpl;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected hash; a mismatch fails the download and leaves no file. */
  fileHash?: string;
  /** `'auto'` (default) picks sha256 for a 64-digit hash, else md5. */
  hashAlgorithm?: HashAlgorithm;
  /** The fetch to use (default: the one from {@link setFetch}, else the global `fetch`). */
  fetch?: FetchLike;
  /** Show progress on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
  /** Cancels the download. */
  signal?: AbortSignal;
}

/**
 * Downloads `url` to `target` through a verified temporary file and an atomic rename.
 *
 * @param url - what to fetch.
 * @param target - where the file must end up (its folder is created).
 * @param options - `fileHash`, `hashAlgorithm`, `fetch`, `progress`, `signal`.
 * @returns the number of bytes written and the digest that was computed (in the algorithm used to
 *   verify, or sha256 when no `fileHash` was given).
 * @throws DltsError `DLTS_DOWNLOAD` naming the URL and the target on a network error, an HTTP
 *   error status, a body shorter than its `Content-Length`, or a hash mismatch; nothing is left
 *   at `target` (an older file there is untouched).
 * @example
 * ```ts
 * await downloadFile('https://example.org/data.npz', '/tmp/data.npz', { fileHash: 'ab12...' });
 * ```
 */
export async function downloadFile(url: string, target: string, options: DownloadOptions = {}): Promise<{ bytes: number; hash: string }> {
  // With nothing to verify, report a sha256; otherwise Keras's rules pick the algorithm.
  const algorithm =
    options.fileHash === undefined && (options.hashAlgorithm ?? 'auto') === 'auto'
      ? 'sha256'
      : resolveHashAlgorithm(options.hashAlgorithm ?? 'auto', options.fileHash);
  const doFetch = options.fetch ?? injectedFetch ?? globalThis.fetch;
  const folder = dirname(target);
  const fail = (reason: string, cause?: unknown): DltsError =>
    new DltsError('DLTS_DOWNLOAD', `downloadFile: URL fetch failure on ${url} (to ${target}): ${reason}`, cause === undefined ? undefined : { cause });

  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw fail(`cannot create the folder ${folder} (${describe(error)})`, error);
  }
  await removeStaleParts(folder, basename(target));
  const temp = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  const progress = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = progress ? new ProgressLine(url) : undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    let response: Response;
    try {
      response = await doFetch(url, options.signal ? { signal: options.signal } : undefined);
    } catch (error) {
      throw fail(describeFetchError(error), error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const hash = createHash(algorithm);
    handle = await open(temp, 'wx');
    let received = 0;
    if (response.body) {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          await handle.write(chunk);
          received += chunk.length;
          bar?.update(received, total);
        }
      } catch (error) {
        throw fail(`the transfer was interrupted after ${received} bytes${total !== undefined ? ` of ${total}` : ''} (${describeFetchError(error)})`, error);
      }
    }
    if (total !== undefined && received !== total) {
      throw fail(`the transfer was interrupted: received ${received} of ${total} bytes`);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    const digest = hash.digest('hex');
    if (options.fileHash !== undefined && digest !== options.fileHash.toLowerCase()) {
      throw fail(
        `incomplete or corrupted file: its ${algorithm} hash ${digest} does not match the expected ${options.fileHash}`,
      );
    }
    bar?.done(received);
    await publish(temp, target, options.fileHash, algorithm);
    return { bytes: received, hash: digest };
  } catch (error) {
    bar?.abort();
    if (handle) await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof DltsError) throw error;
    throw fail(describe(error), error);
  }
}

/** Temporary files older than this were left by a killed process and are removed. */
const STALE_PART_MS = 24 * 60 * 60 * 1000;

/** Removes `.<name>.*.part` leftovers of downloads that were killed long ago (never trusted anyway). */
async function removeStaleParts(folder: string, name: string): Promise<void> {
  const prefix = `.${name}.`;
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const entry of names) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.part')) continue;
    const path = join(folder, entry);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && Date.now() - info.mtimeMs > STALE_PART_MS) await rm(path, { force: true }).catch(() => undefined);
  }
}

/** Atomically moves the verified temp file onto the target. */
async function publish(temp: string, target: string, fileHash: string | undefined, algorithm: 'sha256' | 'md5'): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    // Some platforms refuse to replace a file another process just put there: if that file is a
    // good copy, this download succeeded too.
    const there = await stat(target).catch(() => undefined);
    if (there?.isFile() && (fileHash === undefined || (await validateFile(target, fileHash, algorithm)))) {
      await rm(temp, { force: true });
      return;
    }
    throw error;
  }
}

function describeFetchError(error: unknown): string {
  const text = describe(error);
  const cause = (error as { cause?: unknown })?.cause;
  return cause !== undefined && cause !== null ? `${text}: ${describe(cause)}` : text;
}

/** One self-rewriting progress line on stderr. */
class ProgressLine {
  private last = 0;
  private shown = false;
  constructor(private readonly url: string) {}

  update(received: number, total: number | undefined): void {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const pct = total ? ` ${Math.floor((received / total) * 100)}%` : '';
    const size = total ? `${mb(received)}/${mb(total)} MB` : `${mb(received)} MB`;
    process.stderr.write(`\rDownloading ${this.url}: ${size}${pct}   `);
  }

  done(received: number): void {
    process.stderr.write(`\rDownloading ${this.url}: ${mb(received)} MB, done.   \n`);
    this.shown = false;
  }

  abort(): void {
    if (this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** The first line of an error, with its code when the message does not already say it. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const first = error.message.split('\n')[0];
    return typeof code === 'string' && !first.includes(code) ? `${code}: ${first}` : first;
  }
  return String(error);
}
