/**
 * Where downloaded files live, and how they are checked: the dlts cache (`$DLTS_DATA_DIR` or
 * `~/.cache/dlts/`), the Keras cache it can reuse (`$KERAS_HOME` or `~/.keras/`), the offline
 * switch and file hashing with Keras's `hash_algorithm` rules.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DltsError } from '../errors';

/** Hash algorithms of `getFile`; `'auto'` means sha256 for a 64-digit hash, else md5 (as Keras). */
export type HashAlgorithm = 'sha256' | 'md5' | 'auto';

function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/**
 * The dlts cache root: `$DLTS_DATA_DIR` when set, else `~/.cache/dlts`. Datasets go to its
 * `datasets/` folder, model weights to `models/`.
 *
 * @returns an absolute path (not created by this call).
 * @throws never.
 * @example
 * ```ts
 * join(dataDir(), 'datasets', 'mnist.npz'); // ~/.cache/dlts/datasets/mnist.npz
 * ```
 */
export function dataDir(): string {
  const env = process.env.DLTS_DATA_DIR?.trim();
  return resolve(env ? expandHome(env) : join(homedir(), '.cache', 'dlts'));
}

/**
 * The Keras cache root whose files dlts reuses: `$KERAS_HOME` when set, else `~/.keras`.
 * dlts only reads there, never writes.
 *
 * @returns an absolute path.
 * @throws never.
 * @example
 * ```ts
 * join(kerasHome(), 'datasets', 'mnist.npz'); // where Keras caches mnist.npz
 * ```
 */
export function kerasHome(): string {
  const env = process.env.KERAS_HOME?.trim();
  return resolve(env ? expandHome(env) : join(homedir(), '.keras'));
}

/**
 * Whether the network is forbidden: `DLTS_OFFLINE` set to anything but `''`, `0`, `false`, `no`, `off`.
 *
 * @returns true when downloads must not be attempted.
 * @throws never.
 * @example
 * ```ts
 * if (isOffline()) console.log('using cached data only');
 * ```
 */
export function isOffline(): boolean {
  const v = process.env.DLTS_OFFLINE?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false' && v !== 'no' && v !== 'off';
}

/**
 * The concrete algorithm for a requested one and an expected hash (Keras's `resolve_hasher`).
 *
 * @example
 * ```ts
 * import { resolveHashAlgorithm } from '@dlts/tensors';
 * resolveHashAlgorithm('auto', '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1'); // 'sha256'
 * resolveHashAlgorithm('auto', 'd41d8cd98f00b204e9800998ecf8427e'); // 'md5'
 * resolveHashAlgorithm('sha256'); // 'sha256'
 * ```
 */
export function resolveHashAlgorithm(algorithm: HashAlgorithm, fileHash?: string): 'sha256' | 'md5' {
  if (algorithm === 'sha256') return 'sha256';
  if (algorithm === 'md5') return 'md5';
  if (algorithm !== 'auto') {
    throw new DltsError('DLTS_VALUE', `getFile: hashAlgorithm must be 'sha256', 'md5' or 'auto'. Received: hashAlgorithm=${JSON.stringify(algorithm)}`);
  }
  return fileHash !== undefined && fileHash.length === 64 ? 'sha256' : 'md5';
}

/**
 * Hashes a file (streamed, so large files are fine).
 *
 * @param path - the file.
 * @param algorithm - `'sha256'` (default), `'md5'`, or `'auto'` (= sha256 here).
 * @returns the lowercase hex digest.
 * @throws DltsError `DLTS_IO` when the file cannot be read.
 * @example
 * ```ts
 * await hashFile('mnist.npz'); // '731c5ac6...'
 * ```
 */
export async function hashFile(path: string, algorithm: HashAlgorithm = 'sha256'): Promise<string> {
  const hash = createHash(algorithm === 'auto' ? 'sha256' : algorithm);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw new DltsError('DLTS_IO', `hashFile: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return hash.digest('hex');
}

/**
 * Checks a file against an expected sha256 or md5 hash (Keras's `validate_file`).
 *
 * @param path - the file.
 * @param fileHash - the expected hex digest (case-insensitive).
 * @param algorithm - `'auto'` (default: sha256 for 64 hex digits, else md5), `'sha256'`, `'md5'`.
 * @returns whether the file exists and matches.
 * @throws DltsError `DLTS_VALUE` for an unknown `algorithm`; an unreadable file just gives false.
 * @example
 * ```ts
 * await validateFile(path, '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1');
 * ```
 */
export async function validateFile(path: string, fileHash: string, algorithm: HashAlgorithm = 'auto'): Promise<boolean> {
  const resolved = resolveHashAlgorithm(algorithm, fileHash);
  try {
    return (await hashFile(path, resolved)) === fileHash.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The folder for `cacheSubdir` under `root` (an absolute `cacheSubdir` is used as it is).
 *
 * @example
 * ```ts
 * import { cacheFolder, dataDir } from '@dlts/tensors';
 * cacheFolder(dataDir(), 'datasets'); // ~/.cache/dlts/datasets
 * cacheFolder(dataDir(), '/data/cache'); // '/data/cache'
 * ```
 */
export function cacheFolder(root: string, cacheSubdir: string): string {
  return isAbsolute(cacheSubdir) ? cacheSubdir : join(root, cacheSubdir);
}
