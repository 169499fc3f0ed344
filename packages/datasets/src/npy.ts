/**
 * NPY, NumPy's array file: magic `\x93NUMPY`, a version, a Python-literal header
 * (`descr`, `fortran_order`, `shape`) and the raw values. Numeric arrays are decoded here;
 * object arrays (`|O`, a pickle stream) go to an {@link ObjectArrayReader}: by default the safe
 * pickle reader of `pickle.ts`, which only rebuilds numpy arrays and never runs anything.
 */
import { decodeElements, fortranToC, ITEM_SIZE } from './decode';
import { describe, formatError, IN_MEMORY } from './input';
import { shapeSize, type NdArray, type NdDtype } from './ndarray';
import { readObjectArrayPickle } from './pickle';
import { parsePyLiteral, type PyLiteral } from './py-literal';

/** An object array (`dtype('O')`): one JavaScript value per element, C order. */
export interface NpyObjectArray {
  dtype: 'object';
  shape: number[];
  data: unknown[];
}

/** What {@link readNpy} returns: a numeric {@link NdArray}, or an object array. */
export type NpyArray = NdArray | NpyObjectArray;

/** What an {@link ObjectArrayReader} is told about the object array it decodes. */
export interface ObjectArrayInfo {
  /** The array's shape from the header. */
  shape: number[];
  /** Whether the header says Fortran order (the reader must return C order). */
  fortranOrder: boolean;
  /** What to call the data in messages (file, and member of an `.npz`). */
  name: string;
}

/**
 * Decodes the payload of an object array (a pickle stream) into `shapeSize(shape)` values in C
 * order. It must be a safe reader that never runs code from the file.
 */
export type ObjectArrayReader = (payload: Uint8Array, info: ObjectArrayInfo) => unknown[];

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** What to call the data in error messages (default `<bytes>`). */
  name?: string;
  /**
   * Decoder for object arrays (default: the safe pickle reader, which allows only the numpy
   * array globals Keras allows).
   */
  objectReader?: ObjectArrayReader;
}

/** The parsed NPY header. */
export interface NpyHeader {
  /** Format version, e.g. `[1, 0]`. */
  version: [number, number];
  /** The `descr` string, e.g. `'<u1'`, `'|O'`. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The reader used for object arrays when the caller passes none. */
let defaultObjectReader: ObjectArrayReader = readObjectArrayPickle;

/**
 * Replaces the object-array reader used when {@link ReadNpyOptions.objectReader} is not given;
 * `undefined` restores the safe pickle reader. Internal (tests).
 */
export function setDefaultObjectArrayReader(reader: ObjectArrayReader | undefined): void {
  defaultObjectReader = reader ?? readObjectArrayPickle;
}

/**
 * Decodes an NPY file held in memory.
 *
 * Numeric dtypes: `u1 i1 u2 i2 u4 i4 u8 i8 f4 f8 b1`, little- or big-endian, C or Fortran order;
 * the result is always C-ordered. 64-bit integers come back as exact numbers in a `Float64Array`
 * (a value beyond 2^53 - 1 is an error). Object arrays (`|O`, as IMDB's and Reuters's ragged
 * sequences) are read by the safe pickle reader: `data` holds one JavaScript value per element
 * (a list becomes an array, a nested numpy array an `NdArray`), in C order.
 *
 * @param bytes - the `.npy` file's bytes.
 * @param options - `name` for messages; `objectReader` to decode object arrays another way.
 * @returns `{dtype, shape, data}`.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the data and the reason: bad magic, unsupported
 *   version, malformed header, unsupported dtype, truncated or oversized data, an int64 value that
 *   is not a safe integer, or an object array whose pickle names a global other than the numpy
 *   array globals (the message names it) or is truncated. Nothing from the file is ever run.
 * @example
 * ```ts
 * const arr = readNpy(readFileSync('weights.npy'), { name: 'weights.npy' });
 * if (arr.dtype === 'float32') console.log(arr.shape, arr.data[0]);
 * ```
 */
export function readNpy(bytes: Uint8Array, options: ReadNpyOptions = {}): NpyArray {
  const name = options.name ?? IN_MEMORY;
  const fn = 'readNpy';
  const header = readNpyHeader(bytes, name);
  const { descr, fortranOrder, shape, dataOffset } = header;
  const count = shapeSize(shape);
  const payload = bytes.subarray(dataOffset);

  const parsed = parseDescr(descr);
  if (parsed === 'object') {
    const reader = options.objectReader ?? defaultObjectReader;
    const data = reader(payload, { shape, fortranOrder, name });
    if (data.length !== count) {
      throw formatError(fn, name, `the object array has ${data.length} elements, but its shape [${shape.join(', ')}] needs ${count}`);
    }
    return { dtype: 'object', shape, data };
  }
  if (typeof parsed === 'string') throw formatError(fn, name, parsed);

  const { dtype, littleEndian } = parsed;
  const expected = count * ITEM_SIZE[dtype];
  if (payload.length < expected) {
    throw formatError(
      fn,
      name,
      `truncated: shape [${shape.join(', ')}] of ${descr} needs ${expected} bytes of data, found ${payload.length}`,
    );
  }
  if (payload.length > expected) {
    throw formatError(
      fn,
      name,
      `wrong size: shape [${shape.join(', ')}] of ${descr} needs ${expected} bytes of data, found ${payload.length} (${payload.length - expected} extra)`,
    );
  }
  let data;
  try {
    data = decodeElements(bytes, dataOffset, count, dtype, littleEndian);
  } catch (error) {
    throw formatError(fn, name, describe(error), error);
  }
  return { dtype, shape, data: fortranOrder ? fortranToC(data, shape) : data };
}

/**
 * Reads and checks the header of an NPY file (magic, version, `descr`, `fortran_order`, `shape`).
 *
 * @param bytes - the file's bytes (at least the header).
 * @param name - what to call the data in messages.
 * @returns the header and the offset of the data.
 * @throws DltsError `DLTS_DATASET_FORMAT` on a bad magic number, unknown version or malformed header.
 * @example
 * ```ts
 * readNpyHeader(bytes).shape; // [1000, 28, 28]
 * ```
 */
export function readNpyHeader(bytes: Uint8Array, name: string = IN_MEMORY): NpyHeader {
  const fn = 'readNpy';
  if (bytes.length < 10) throw formatError(fn, name, `truncated: an NPY file is at least 10 bytes long, found ${bytes.length}`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw formatError(fn, name, 'bad magic number: an NPY file starts with "\\x93NUMPY"');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw formatError(fn, name, `truncated: the version ${major}.${minor} preamble needs 12 bytes`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw formatError(fn, name, `unsupported NPY format version ${major}.${minor} (known: 1.0, 2.0, 3.0)`);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) {
    throw formatError(fn, name, `truncated: the header says it is ${headerLength} bytes long, but only ${bytes.length - headerStart} follow`);
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  let literal: PyLiteral;
  try {
    literal = parsePyLiteral(text);
  } catch (error) {
    throw formatError(fn, name, `malformed header ${JSON.stringify(text.trim().slice(0, 120))}: ${describe(error)}`, error);
  }
  if (literal === null || typeof literal !== 'object' || Array.isArray(literal)) {
    throw formatError(fn, name, `malformed header: expected a dict, found ${JSON.stringify(text.trim().slice(0, 120))}`);
  }
  const keys = Object.keys(literal).sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    throw formatError(fn, name, `malformed header: expected the keys 'descr', 'fortran_order', 'shape', found ${keys.map((k) => `'${k}'`).join(', ')}`);
  }
  const { descr, fortran_order: fortranOrder, shape } = literal;
  if (typeof descr !== 'string') {
    throw formatError(fn, name, `unsupported dtype ${JSON.stringify(descr)}: structured arrays are not supported`);
  }
  if (typeof fortranOrder !== 'boolean') throw formatError(fn, name, `malformed header: 'fortran_order' must be True or False`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw formatError(fn, name, `malformed header: 'shape' must be a tuple of non-negative integers, found ${JSON.stringify(shape)}`);
  }
  const dims = shape as number[];
  if (!Number.isSafeInteger(shapeSize(dims))) throw formatError(fn, name, `malformed header: shape (${dims.join(', ')}) is too large`);
  return { version: [major, minor], descr, fortranOrder, shape: dims, dataOffset };
}

const NUMERIC: Record<string, NdDtype> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

/**
 * Interprets a `descr`: a numeric dtype with its byte order, `'object'`, or (a string) the reason
 * it is not supported.
 */
function parseDescr(descr: string): { dtype: NdDtype; littleEndian: boolean } | 'object' | string {
  const match = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!match) return `unsupported dtype '${descr}'`;
  const [, order, kind, size] = match;
  if (kind === 'O') return 'object';
  const dtype = NUMERIC[`${kind}${size}`];
  if (dtype === undefined) {
    return `unsupported dtype '${descr}' (supported: bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64 and object arrays)`;
  }
  // '=' is the writer's native order; every platform NumPy files come from in practice is little-endian.
  return { dtype, littleEndian: order !== '>' };
}
