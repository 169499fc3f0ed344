/**
 * NPZ, NumPy's `savez` / `savez_compressed` archive: a zip of `.npy` members.
 */
import { formatError, IN_MEMORY, loadSource, type ByteSource } from './input';
import { readNpy, type NpyArray, type ObjectArrayReader } from './npy';
import { listZip, readZipEntry } from './zip';

/** Options of {@link readNpz}. */
export interface ReadNpzOptions {
  /** What to call the archive in messages (default: the path, or `<bytes>`). */
  name?: string;
  /** Read only these arrays (names without `.npy`); a missing one is an error. Default: all. */
  keys?: string[];
  /** Decoder for object arrays (default: the safe pickle reader, see `readNpy`). */
  objectReader?: ObjectArrayReader;
}

/**
 * Reads an `.npz` archive (stored or deflated members) into a map from array name (the member
 * name without `.npy`) to array. Members that are not `.npy` files are ignored.
 *
 * @param source - a file path, or the archive's bytes.
 * @param options - `name` for messages, `keys` to read only some arrays, `objectReader`.
 * @returns `Map<name, {dtype, shape, data}>` in archive order.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file (and member) and the reason: not a zip,
 *   truncated or corrupt archive, CRC mismatch, a bad `.npy` member, an object array whose pickle
 *   names a refused global (the message names it; nothing from the file is run), a requested key
 *   that is missing;
 *   `DLTS_IO` when the file cannot be opened.
 * @example
 * ```ts
 * const arrays = await readNpz('mnist.npz');
 * const x = arrays.get('x_train'); // {dtype: 'uint8', shape: [60000, 28, 28], data}
 * ```
 */
export async function readNpz(source: ByteSource, options: ReadNpzOptions = {}): Promise<Map<string, NpyArray>> {
  const fn = 'readNpz';
  const { bytes, name } = await loadSource(source, fn, options.name ?? (typeof source === 'string' ? source : IN_MEMORY));
  const entries = listZip(bytes, name, fn).filter((e) => !e.isDirectory && e.name.endsWith('.npy'));
  const wanted = options.keys ? new Set(options.keys) : undefined;
  const out = new Map<string, NpyArray>();
  for (const entry of entries) {
    const key = entry.name.slice(0, -'.npy'.length);
    if (wanted && !wanted.has(key)) continue;
    if (out.has(key)) throw formatError(fn, name, `the archive holds two members named ${entry.name}`);
    const member = await readZipEntry(bytes, entry, name, fn);
    out.set(key, readNpy(member, { name: `${name} (member ${entry.name})`, objectReader: options.objectReader }));
  }
  if (wanted) {
    const missing = [...wanted].filter((k) => !out.has(k));
    if (missing.length > 0) {
      const have = entries.map((e) => e.name.slice(0, -4));
      throw formatError(fn, name, `missing array(s) ${missing.join(', ')}; the archive holds: ${have.join(', ') || '(no arrays)'}`);
    }
  }
  return out;
}
