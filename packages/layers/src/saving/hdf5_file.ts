/**
 * The thin layer between dlts and h5wasm (the HDF5 C library compiled to WebAssembly, reading and
 * writing the host file system directly): opening files with clear errors, Keras's string
 * attributes (fixed or variable length, chunked as `layer_names0`, `layer_names1`, ...), and
 * float datasets read in bounded slices so a large weight never needs more than one extra copy.
 *
 * h5wasm is ESM-only, so it is loaded with a dynamic `import()` on first use; this keeps the CJS
 * build of @dlts/layers working and costs nothing for programs that never touch HDF5.
 */
import { open, stat } from 'node:fs/promises';
import { DltsError, received } from '@dlts/tensors';
import type { Dataset, Group, File as H5File } from 'h5wasm/node';

/** The h5wasm namespace (`File`, `Group`, `Dataset`, `ready`). */
export type H5Wasm = typeof import('h5wasm/node').default;
export type { Dataset as H5Dataset, Group as H5Group, H5File };

let loading: Promise<H5Wasm> | undefined;

/**
 * Loads h5wasm once and switches its error handler to throwing JavaScript errors (instead of
 * printing HDF5 diagnostics on stderr and carrying on).
 */
export function hdf5(): Promise<H5Wasm> {
  loading ??= (async () => {
    const mod = (await import('h5wasm/node')) as unknown as { default?: H5Wasm } & H5Wasm;
    const h5 = mod.default ?? mod;
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })().catch((error: unknown) => {
    loading = undefined;
    throw new DltsError('DLTS_UNSUPPORTED', `hdf5: cannot load h5wasm (needed for HDF5 files): ${(error as Error).message}`, { cause: error });
  });
  return loading;
}

/** The HDF5 format signature; it sits at byte 0, 512, 1024, 2048, ... (after a user block). */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks that `path` is a readable HDF5 file; throws `DLTS_IO` naming the file otherwise. */
async function checkSignature(path: string, fn: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const handle = await open(path, 'r');
  try {
    const probe = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(probe, 0, 8, offset);
      if (probe.equals(SIGNATURE)) return;
      if (offset >= 1 << 20) break;
    }
  } finally {
    await handle.close();
  }
  throw new DltsError('DLTS_IO', `${fn}: ${path} is not an HDF5 file (no HDF5 signature found; ${size} bytes)`);
}

/** The most specific line of an HDF5 error stack ("component not found"), or the message. */
export function hdf5Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [...message.matchAll(/in (\w+)\(\): ([^\n]+)/g)];
  if (lines.length === 0) return message.split('\n')[0];
  const [, where, what] = lines[lines.length - 1];
  return `${what.trim()} (${where})`;
}

/**
 * Opens an HDF5 file for reading, runs `body`, and closes the file whatever happens.
 * @throws DltsError `DLTS_IO` naming the file when it is missing, not HDF5, or corrupt.
 */
export async function readHdf5<T>(path: string, fn: string, body: (file: H5File) => T | Promise<T>): Promise<T> {
  await checkSignature(path, fn);
  const h5 = await hdf5();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot open ${path} as HDF5: ${hdf5Reason(error)}`, { cause: error });
  }
  try {
    return await body(file);
  } catch (error) {
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: ${path} is corrupt or not in the expected layout: ${hdf5Reason(error)}`, { cause: error });
  } finally {
    try {
      file.close();
    } catch {
      // closing a file whose read failed may fail too; the first error is the one to report
    }
  }
}

/** Creates (truncates) an HDF5 file, runs `body`, and closes it. Errors become `DLTS_IO`. */
export async function writeHdf5(path: string, fn: string, body: (file: H5File) => void | Promise<void>): Promise<void> {
  const h5 = await hdf5();
  let file: H5File;
  try {
    file = new h5.File(path, 'w');
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot create ${path}: ${hdf5Reason(error)}`, { cause: error });
  }
  try {
    await body(file);
  } catch (error) {
    try {
      file.close();
    } catch {
      // the body's error is the one to report
    }
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: cannot write ${path}: ${hdf5Reason(error)}`, { cause: error });
  }
  try {
    file.close();
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot finish writing ${path}: ${hdf5Reason(error)}`, { cause: error });
  }
}

/** Whether `obj` is an h5wasm group (a `File` is one too). */
export function isGroup(obj: unknown): obj is Group {
  return typeof obj === 'object' && obj !== null && (obj as { type?: string }).type === 'Group';
}

/** Whether `obj` is an h5wasm dataset. */
export function isDataset(obj: unknown): obj is Dataset {
  return typeof obj === 'object' && obj !== null && (obj as { type?: string }).type === 'Dataset';
}

/** The child `name` of `group` (a `/`-separated path is allowed), or null when absent. */
export function child(group: Group, name: string): Group | Dataset | null {
  try {
    const obj = group.get(name);
    return isGroup(obj) || isDataset(obj) ? obj : null;
  } catch {
    return null;
  }
}

function attrNames(obj: Group | Dataset): Set<string> {
  return new Set(Object.keys(obj.attrs));
}

function toStringList(value: unknown, where: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray)) return [Buffer.from(value).toString('utf8').replace(/\0+$/, '')];
  if (ArrayBuffer.isView(value)) {
    // h5py writes an empty list as an empty float64 array.
    if ((value as unknown as ArrayLike<number>).length === 0) return [];
  }
  if (Array.isArray(value)) {
    return value.map((v) => {
      if (typeof v === 'string') return v;
      if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8').replace(/\0+$/, '');
      throw new DltsError('DLTS_IO', `${where} must hold strings. Received: ${received(v)}`);
    });
  }
  throw new DltsError('DLTS_IO', `${where} must hold strings. Received: ${received(value)}`);
}

/**
 * A list-of-strings attribute as Keras writes it (`layer_names`, `weight_names`): one attribute,
 * or chunks `name0`, `name1`, ... when it was too large for one HDF5 object header. Returns
 * undefined when the attribute is absent.
 */
export function readStringList(obj: Group | Dataset, name: string, where: string): string[] | undefined {
  const names = attrNames(obj);
  if (names.has(name)) return toStringList(obj.attrs[name].value, `${where} attribute ${name}`);
  if (!names.has(`${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; names.has(`${name}${i}`); i++) out.push(...toStringList(obj.attrs[`${name}${i}`].value, `${where} attribute ${name}${i}`));
  return out;
}

/** A scalar string attribute (`model_config`, `keras_version`), or undefined when absent. */
export function readStringAttr(obj: Group | Dataset, name: string, where: string): string | undefined {
  if (!attrNames(obj).has(name)) return undefined;
  const list = toStringList(obj.attrs[name].value, `${where} attribute ${name}`);
  if (list.length !== 1) throw new DltsError('DLTS_IO', `${where} attribute ${name} must be one string. Received: ${list.length} values`);
  return list[0];
}

/** Largest slice read from a dataset at once: bounds the WebAssembly heap h5wasm grows. */
const SLICE_BYTES = 32 * 1024 * 1024;

/**
 * Reads a numeric dataset as float32, in slices along the first axis for large datasets (the
 * WebAssembly heap never grows beyond one slice, and the result is the only full copy).
 *
 * @throws DltsError `DLTS_UNSUPPORTED` for non-numeric, half-precision or big-endian data.
 */
export function readFloat32(ds: Dataset, where: string, sliceBytes: number = SLICE_BYTES): Float32Array {
  const meta = ds.metadata as { type: number; size: number; littleEndian: boolean; shape: number[] | null };
  const shape = meta.shape ?? [];
  // 0: integer, 1: float (H5T_class_t)
  if ((meta.type !== 0 && meta.type !== 1) || (meta.type === 1 && meta.size !== 4 && meta.size !== 8)) {
    throw new DltsError('DLTS_UNSUPPORTED', `${where}: only float32, float64 and integer datasets can be read. Received: dtype=${received(ds.dtype)}`);
  }
  if (!meta.littleEndian && meta.size > 1) {
    throw new DltsError('DLTS_UNSUPPORTED', `${where}: big-endian datasets are not supported. Received: dtype=${received(ds.dtype)}`);
  }
  const total = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0) return Float32Array.of(Number(ds.value as number | bigint));
  const out = new Float32Array(total);
  if (total === 0) return out;
  const rowElements = total / shape[0];
  const rowsPerSlice = Math.max(1, Math.floor(sliceBytes / (rowElements * meta.size)));
  for (let start = 0; start < shape[0]; start += rowsPerSlice) {
    const end = Math.min(shape[0], start + rowsPerSlice);
    const part = (start === 0 && end === shape[0] ? ds.value : ds.slice([[start, end]])) as ArrayLike<number | bigint>;
    const offset = start * rowElements;
    if (part instanceof Float32Array || part instanceof Float64Array || (ArrayBuffer.isView(part) && !(part instanceof BigInt64Array || part instanceof BigUint64Array))) {
      out.set(part as ArrayLike<number>, offset);
    } else {
      for (let i = 0; i < part.length; i++) out[offset + i] = Number(part[i]);
    }
  }
  return out;
}

/** The HDF5 limit Keras keeps each attribute under (the object header size). */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** A fixed-length ASCII string dtype of `n` bytes, as h5py stores Python `bytes`. */
function fixedString(values: string[]): string {
  const width = Math.max(1, ...values.map((v) => Buffer.byteLength(v, 'utf8')));
  return `A${width}`;
}

/** Writes a scalar string attribute as a fixed-length byte string (as Keras/h5py do). */
export function writeStringAttr(obj: Group | Dataset, name: string, value: string): void {
  obj.create_attribute(name, value, null, fixedString([value]));
}

/**
 * Writes a list-of-strings attribute the way Keras does: fixed-length byte strings, split into
 * `name0`, `name1`, ... chunks (numpy's `array_split`) when the array would exceed the HDF5
 * object-header limit; an empty list becomes an empty float64 array, as h5py writes `[]`.
 */
export function writeStringList(obj: Group | Dataset, name: string, values: string[]): void {
  if (values.length === 0) {
    obj.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const width = Math.max(1, ...values.map((v) => Buffer.byteLength(v, 'utf8')));
  if (width > HDF5_OBJECT_HEADER_LIMIT) {
    throw new DltsError('DLTS_VALUE', `saveModelHdf5: the attribute ${name} holds a string longer than ${HDF5_OBJECT_HEADER_LIMIT} bytes`);
  }
  let chunks = 1;
  while (Math.ceil(values.length / chunks) * width > HDF5_OBJECT_HEADER_LIMIT) chunks++;
  if (chunks === 1) {
    obj.create_attribute(name, values, [values.length], `A${width}`);
    return;
  }
  // numpy.array_split: the first (n % chunks) parts get one extra element.
  const base = Math.floor(values.length / chunks);
  const extra = values.length % chunks;
  let at = 0;
  for (let i = 0; i < chunks; i++) {
    const size = base + (i < extra ? 1 : 0);
    const part = values.slice(at, at + size);
    at += size;
    obj.create_attribute(`${name}${i}`, part, [part.length], `A${width}`);
  }
}

/** The group at `path` under `root`, created with its parents when missing. */
export function ensureGroup(root: Group, path: string): Group {
  let group = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    const existing = child(group, part);
    if (existing && isGroup(existing)) group = existing;
    else if (existing) throw new DltsError('DLTS_VALUE', `saveModelHdf5: ${part} is already a dataset in ${group.path}`);
    else group = group.create_group(part);
  }
  return group;
}

/** Writes a float32 or int64 dataset at a `/`-separated path under `group`, creating the groups on the way. */
export function writeDataset(group: Group, path: string, data: Float32Array | Int32Array | BigInt64Array, shape: number[]): void {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? group : ensureGroup(group, path.slice(0, slash));
  const name = slash < 0 ? path : path.slice(slash + 1);
  if (child(parent, name)) throw new DltsError('DLTS_VALUE', `saveModelHdf5: two weights would be stored at ${parent.path}/${name}; give the layers unique names`);
  const dtype = data instanceof Float32Array ? '<f' : data instanceof Int32Array ? '<i' : '<q';
  parent.create_dataset({ name, data, shape, dtype });
}
