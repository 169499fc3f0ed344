/**
 * Shared plumbing of the file readers: getting the bytes of a path or a buffer, the typed errors
 * that name the file and the reason, and transparent gunzip. Reading never writes anything.
 */
import { readFile } from 'node:fs/promises';
import { gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { DltsError } from '@dlts/tensors';

const gunzipAsync = promisify(gunzip);

/** Bytes in memory, or the path of a file to read. */
export type ByteSource = Uint8Array | string;

/** The name a reader uses in its messages for bytes that came without a file name. */
export const IN_MEMORY = '<bytes>';

/** A `DLTS_DATASET_FORMAT` error "`fn`: cannot read `file`: `reason`". */
export function formatError(fn: string, file: string, reason: string, cause?: unknown): DltsError {
  return new DltsError('DLTS_DATASET_FORMAT', `${fn}: cannot read ${file}: ${reason}`, cause === undefined ? undefined : { cause });
}

/** Reads a path (or passes bytes through) and says what to call it in messages. */
export async function loadSource(
  source: ByteSource,
  fn: string,
  name?: string,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source === 'string') {
    try {
      const buffer = await readFile(source);
      return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), name: name ?? source };
    } catch (error) {
      throw new DltsError('DLTS_IO', `${fn}: cannot open ${source}: ${describe(error)}`, { cause: error });
    }
  }
  if (!(source instanceof Uint8Array)) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: the source must be a file path or a Uint8Array. Received: ${source === null ? 'null' : typeof source}`,
    );
  }
  return { bytes: source, name: name ?? IN_MEMORY };
}

/** Whether the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips gzip bytes (others pass through); a corrupt stream is a `DLTS_DATASET_FORMAT` error. */
export async function gunzipIfNeeded(bytes: Uint8Array, fn: string, name: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = await gunzipAsync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw formatError(fn, name, `the gzip data is corrupt or truncated (${describe(error)})`, error);
  }
}

/** Synchronous {@link gunzipIfNeeded}. */
export function gunzipIfNeededSync(bytes: Uint8Array, fn: string, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw formatError(fn, name, `the gzip data is corrupt or truncated (${describe(error)})`, error);
  }
}

/** One line describing a caught error. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const first = error.message.split('\n')[0];
    return typeof code === 'string' && !first.includes(code) ? `${code}: ${first}` : first;
  }
  return String(error);
}
