/**
 * A safe reader for the Python pickles found in dataset files: the object arrays of `.npy`/`.npz`
 * files (IMDB, Reuters) and the CIFAR batches. It is a small stack machine over the pickle
 * opcodes of protocols 0 to 5 that builds plain JavaScript values, and it never runs anything:
 * a pickle may name only the globals needed to rebuild numpy arrays, and those are interpreted
 * here, never looked up or called. Any other global, and every opcode that would create an
 * arbitrary object (INST, OBJ, NEWOBJ, extensions, persistent ids, out-of-band buffers), is
 * refused with a `DLTS_DATASET_FORMAT` error that names the data and what was refused.
 */
import { DltsError } from '@dlts/tensors';
import { decodeElements, fortranToC, ITEM_SIZE } from './decode';
import { describe, formatError, IN_MEMORY, loadSource, type ByteSource } from './input';
import { shapeSize, type NdArray, type NdDtype } from './ndarray';
import type { NpyArray, ObjectArrayInfo } from './npy';

/**
 * The globals a dataset pickle may name: exactly those Keras's `RestrictedUnpickler` allows,
 * the numpy array reconstruction (`numpy.ndarray`, `numpy.dtype`, and `_reconstruct` in its
 * numpy < 2 and numpy >= 2 modules).
 */
export const ALLOWED_PICKLE_GLOBALS: readonly string[] = Object.freeze([
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
]);

/**
 * How Python 3 writes a `bytes` value at protocols 0 to 2: `_codecs.encode(str, 'latin1')`.
 * It is part of the pickle format's spelling of bytes (an array written by Python 3 at protocol
 * 2 holds it), so it is decoded here as data: only a string and the latin-1 codec are accepted,
 * and nothing is called.
 */
const BYTES_SPELLING = '_codecs.encode';

/**
 * A value read from a pickle:
 * `None` -> `null`; `bool`; `int` -> `number` (or `bigint` beyond 2^53 - 1); `float` -> `number`;
 * `str` and Python 2 `str` (read as latin-1) -> `string`; `bytes`/`bytearray` -> `Uint8Array`;
 * `list`/`tuple` -> array; `dict` -> `Map`; `set`/`frozenset` -> `Set`; a numpy array ->
 * {@link NdArray} (numeric) or {@link NpyObjectArray}; a bare `numpy.dtype` -> its name.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleKey, PickleValue>
  | Set<PickleKey>
  | NpyArray;

/** The keys of a {@link PickleValue} `Map`/`Set` (bytes keys become latin-1 strings). */
export type PickleKey = null | boolean | number | bigint | string;

/** Options of {@link readPickle} and {@link parsePickle}. */
export interface ReadPickleOptions {
  /** What to call the data in error messages (default: the path, or `<bytes>`). */
  name?: string;
}

/**
 * Reads a Python pickle safely (protocols 0 to 5; Python 2 strings are read as latin-1).
 *
 * Only data is built: numbers, strings, bytes, lists, tuples, dicts, sets and numpy arrays. The
 * only globals allowed are {@link ALLOWED_PICKLE_GLOBALS} (as Keras), plus `_codecs.encode`,
 * which is Python's own spelling of a `bytes` value at protocol 2 and is decoded as data. Nothing
 * from the file is ever executed.
 *
 * @param source - a file path, or the pickle's bytes.
 * @param options - `name` for messages.
 * @returns the unpickled value.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the data and the reason: a refused global (named),
 *   a refused opcode, a truncated or corrupt stream, an array whose data does not fit its shape;
 *   `DLTS_IO` when the file cannot be opened.
 * @example
 * ```ts
 * const batch = (await readPickle('cifar-10-batches-py/data_batch_1')) as Map<string, PickleValue>;
 * const data = batch.get('data'); // {dtype: 'uint8', shape: [10000, 3072], data}
 * ```
 */
export async function readPickle(source: ByteSource, options: ReadPickleOptions = {}): Promise<PickleValue> {
  const { bytes, name } = await loadSource(source, 'readPickle', options.name);
  return unpickle(bytes, name, 'readPickle');
}

/**
 * Synchronous {@link readPickle} for bytes in memory.
 *
 * @param bytes - the pickle stream.
 * @param options - `name` for messages.
 * @returns the unpickled value.
 * @throws DltsError `DLTS_DATASET_FORMAT` as {@link readPickle}.
 * @example
 * ```ts
 * parsePickle(new Uint8Array([0x80, 0x02, 0x4b, 0x07, 0x2e])); // 7
 * ```
 */
export function parsePickle(bytes: Uint8Array, options: ReadPickleOptions = {}): PickleValue {
  return unpickle(bytes, options.name ?? IN_MEMORY, 'parsePickle');
}

/**
 * The object-array reader of `readNpy`/`readNpz`: the payload of a `dtype('O')` array is a
 * pickle of the whole array; its elements come back in C order.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` when the pickle is refused or is not an object array
 *   of the header's shape.
 */
export function readObjectArrayPickle(payload: Uint8Array, info: ObjectArrayInfo): unknown[] {
  const value = unpickle(payload, info.name, 'readNpy');
  if (!isNpyArray(value) || value.dtype !== 'object') {
    throw formatError('readNpy', info.name, `the object array's pickle holds ${kindOf(value)}, not a numpy object array`);
  }
  if (value.shape.join(',') !== info.shape.join(',')) {
    throw formatError(
      'readNpy',
      info.name,
      `the pickled array has shape [${value.shape.join(', ')}], but the header says [${info.shape.join(', ')}]`,
    );
  }
  return value.data;
}

function isNpyArray(value: unknown): value is NpyArray {
  return typeof value === 'object' && value !== null && builtArrays.has(value);
}

// ---------------------------------------------------------------------------------------------
// Internal value classes

/** A reference to an allowed global (never a function: the reader interprets it). */
class Global {
  constructor(readonly qualified: string) {}
}

/** A Python 2 `str`: bytes, read as latin-1 text, or used as raw array data. */
class Latin1 {
  constructor(readonly bytes: Uint8Array) {}
  text(): string {
    return latin1(this.bytes);
  }
}

/** A numpy dtype being built (`numpy.dtype(typestr, align, copy)` then BUILD with its state). */
class Dtype {
  byteorder = '=';
  constructor(
    readonly kind: NdDtype | 'object',
    readonly typestr: string,
  ) {}
}

/** An array being built (`_reconstruct(ndarray, shape, typecode)` then BUILD with its state). */
class ArrayBuilder {
  result?: NpyArray;
}

/** The arrays the reader built (plain `{dtype, shape, data}` objects), to tell them from dicts. */
const builtArrays = new WeakSet<object>();

function pickledArray(dtype: NdDtype | 'object', shape: number[], data: NdArray['data'] | unknown[]): NpyArray {
  const array = { dtype, shape, data } as NpyArray;
  builtArrays.add(array);
  return array;
}

const NUMERIC_TYPESTR: Record<string, NdDtype> = {
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

/** Opcodes that would build arbitrary objects: always refused. */
const REFUSED_OPCODES: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x97: 'NEXT_BUFFER',
};

/** Raised inside the machine; turned into a `DLTS_DATASET_FORMAT` error naming the data. */
class PickleError extends Error {}

function latin1(bytes: Uint8Array): string {
  // Chunked so that large strings do not overflow the argument limit.
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

const utf8 = new TextDecoder('utf-8');

// ---------------------------------------------------------------------------------------------
// The machine

function unpickle(bytes: Uint8Array, name: string, fn: string): PickleValue {
  try {
    return finish(run(bytes));
  } catch (error) {
    if (error instanceof DltsError) throw error;
    if (error instanceof PickleError) throw formatError(fn, name, `${error.message}. Nothing from the file was run`);
    throw formatError(fn, name, `corrupt pickle (${describe(error)}). Nothing from the file was run`, error);
  }
}

function run(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let op = 0;
  let opAt = 0;

  const need = (n: number): void => {
    if (n < 0 || pos + n > end) {
      throw new PickleError(`truncated or corrupt pickle: opcode ${opName(op)} at byte ${opAt} needs ${n} more bytes, only ${end - pos} remain`);
    }
  };
  const base = (): number => (marks.length > 0 ? marks[marks.length - 1] : 0);
  const pop = (): unknown => {
    if (stack.length <= base()) throw new PickleError(`corrupt pickle: stack underflow at byte ${opAt} (${opName(op)})`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= base()) throw new PickleError(`corrupt pickle: stack underflow at byte ${opAt} (${opName(op)})`);
    return stack[stack.length - 1];
  };
  const popMark = (): number => {
    const at = marks.pop();
    if (at === undefined) throw new PickleError(`corrupt pickle: ${opName(op)} at byte ${opAt} without a MARK`);
    return at;
  };
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) throw new PickleError(`truncated or corrupt pickle: opcode ${opName(op)} at byte ${opAt} has no end of line`);
    const text = latin1(bytes.subarray(pos, nl));
    pos = nl + 1;
    return text;
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++];
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const lo = view.getUint32(pos, true);
    const hi = view.getUint32(pos + 4, true);
    pos += 8;
    const v = hi * 4294967296 + lo;
    if (!Number.isSafeInteger(v)) throw new PickleError(`corrupt pickle: a length of ${view.getBigUint64(pos - 8, true)} at byte ${opAt}`);
    return v;
  };
  const memoPut = (index: number): void => {
    memo.set(index, top());
  };
  const memoGet = (index: number): void => {
    if (!memo.has(index)) throw new PickleError(`corrupt pickle: memo key ${index} read at byte ${opAt} was never stored`);
    stack.push(memo.get(index));
  };

  for (;;) {
    opAt = pos;
    if (pos >= end) throw new PickleError(`truncated pickle: the stream ends at byte ${end} without a STOP opcode`);
    op = bytes[pos++];
    switch (op) {
      case 0x80: {
        // PROTO
        const protocol = u8();
        if (protocol > 5) throw new PickleError(`unsupported pickle protocol ${protocol} (known: 0 to 5)`);
        break;
      }
      case 0x95: {
        // FRAME: a length hint only.
        const length = u64();
        if (length > end - pos) throw new PickleError(`truncated pickle: a frame of ${length} bytes at byte ${opAt}, only ${end - pos} remain`);
        break;
      }
      case 0x2e: // STOP
        if (stack.length === 0) throw new PickleError('corrupt pickle: STOP with an empty stack');
        return stack[stack.length - 1];
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (stack.length > base()) stack.pop();
        else stack.length = popMark();
        break;
      case 0x31: // POP_MARK
        stack.length = popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
        stack.push(readLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) throw new PickleError(`corrupt pickle: LONG4 with a negative length at byte ${opAt}`);
        stack.push(readLong(take(n)));
        break;
      }
      case 0x49: {
        // INT (text): "01"/"00" are True/False in protocol 0/1.
        const text = line().trim();
        if (text === '01') stack.push(true);
        else if (text === '00') stack.push(false);
        else stack.push(parseIntText(text, opAt));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(parseIntText(line().trim().replace(/L$/, ''), opAt));
        break;
      case 0x46: {
        // FLOAT (text)
        const text = line().trim();
        const v = Number(text);
        if (Number.isNaN(v) && !/^[-+]?nan$/i.test(text)) throw new PickleError(`corrupt pickle: bad FLOAT ${JSON.stringify(text)} at byte ${opAt}`);
        stack.push(v);
        break;
      }
      case 0x47: {
        // BINFLOAT: big-endian double.
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        stack.push(new Latin1(take(u8())));
        break;
      case 0x54: {
        // BINSTRING (Python 2 str)
        const n = i32();
        if (n < 0) throw new PickleError(`corrupt pickle: BINSTRING with a negative length at byte ${opAt}`);
        stack.push(new Latin1(take(n)));
        break;
      }
      case 0x53: // STRING (text, a Python repr)
        stack.push(new Latin1(parseReprString(line(), opAt)));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()));
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x98: // READONLY_BUFFER
        top();
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x56: // UNICODE (text, raw-unicode-escape)
        stack.push(parseRawUnicode(line()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x6c: // LIST
      case 0x74: {
        // TUPLE
        const at = popMark();
        const items = stack.slice(at);
        stack.length = at;
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x64: {
        // DICT
        const at = popMark();
        const map = new Map<PickleKey, unknown>();
        for (let i = at; i + 1 < stack.length; i += 2) map.set(toKey(stack[i]), stack[i + 1]);
        if ((stack.length - at) % 2 !== 0) throw new PickleError(`corrupt pickle: DICT with an odd number of items at byte ${opAt}`);
        stack.length = at;
        stack.push(map);
        break;
      }
      case 0x91: {
        // FROZENSET
        const at = popMark();
        const set = new Set<PickleKey>();
        for (let i = at; i < stack.length; i++) set.add(toKey(stack[i]));
        stack.length = at;
        stack.push(set);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        asList(top(), opAt).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const at = popMark();
        if (at === 0 || at <= base()) throw new PickleError(`corrupt pickle: APPENDS at byte ${opAt} has no list below its MARK`);
        const list = asList(stack[at - 1], opAt);
        for (let i = at; i < stack.length; i++) list.push(stack[i]);
        stack.length = at;
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        asMap(top(), opAt).set(toKey(key), value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const at = popMark();
        if (at === 0 || at <= base()) throw new PickleError(`corrupt pickle: SETITEMS at byte ${opAt} has no dict below its MARK`);
        if ((stack.length - at) % 2 !== 0) throw new PickleError(`corrupt pickle: SETITEMS with an odd number of items at byte ${opAt}`);
        const map = asMap(stack[at - 1], opAt);
        for (let i = at; i + 1 < stack.length; i += 2) map.set(toKey(stack[i]), stack[i + 1]);
        stack.length = at;
        break;
      }
      case 0x90: {
        // ADDITEMS
        const at = popMark();
        if (at === 0 || at <= base()) throw new PickleError(`corrupt pickle: ADDITEMS at byte ${opAt} has no set below its MARK`);
        const set = stack[at - 1];
        if (!(set instanceof Set)) throw new PickleError(`corrupt pickle: ADDITEMS at byte ${opAt} on ${kindOf(set)}`);
        for (let i = at; i < stack.length; i++) set.add(toKey(stack[i]));
        stack.length = at;
        break;
      }
      case 0x67: // GET (text)
        memoGet(parseIntIndex(line(), opAt));
        break;
      case 0x68: // BINGET
        memoGet(u8());
        break;
      case 0x6a: // LONG_BINGET
        memoGet(u32());
        break;
      case 0x70: // PUT (text)
        memoPut(parseIntIndex(line(), opAt));
        break;
      case 0x71: // BINPUT
        memoPut(u8());
        break;
      case 0x72: // LONG_BINPUT
        memoPut(u32());
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size);
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        const qualname = line();
        stack.push(resolveGlobal(module, qualname));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const qualname = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof qualname !== 'string') {
          throw new PickleError(`corrupt pickle: STACK_GLOBAL at byte ${opAt} needs two strings, found ${kindOf(module)} and ${kindOf(qualname)}`);
        }
        stack.push(resolveGlobal(module, qualname));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(reduce(callable, args, opAt));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state, opAt);
        break;
      }
      case 0x69: {
        // INST "module\nname\n": creates an arbitrary instance; refused after naming its class.
        const module = line();
        const qualname = line();
        resolveGlobal(module, qualname);
        throw new PickleError(`refused pickle opcode INST at byte ${opAt} (it creates an instance of ${module}.${qualname})`);
      }
      default:
        if (op in REFUSED_OPCODES) {
          throw new PickleError(
            `refused pickle opcode ${REFUSED_OPCODES[op]} at byte ${opAt}: it would create an arbitrary object, and a dataset file only needs numpy arrays`,
          );
        }
        throw new PickleError(`corrupt pickle: unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${opAt}`);
    }
  }
}

const OPCODES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST',
  0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS',
  0x47: 'BINFLOAT', 0x80: 'PROTO', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE',
  0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE',
  0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x98: 'READONLY_BUFFER',
  ...REFUSED_OPCODES,
};

function opName(op: number): string {
  return OPCODES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

function resolveGlobal(module: string, qualname: string): Global {
  const qualified = `${module}.${qualname}`;
  if (ALLOWED_PICKLE_GLOBALS.includes(qualified) || qualified === BYTES_SPELLING) return new Global(qualified);
  throw new PickleError(
    `the pickle refers to the global ${JSON.stringify(qualified)}, which is refused: a dataset file may only name ` +
      `${ALLOWED_PICKLE_GLOBALS.join(', ')} (and _codecs.encode, Python's spelling of bytes)`,
  );
}

/** Interprets a call of an allowed global; nothing is looked up or run. */
function reduce(callable: unknown, args: unknown, at: number): unknown {
  if (!(callable instanceof Global)) throw new PickleError(`corrupt pickle: REDUCE at byte ${at} calls ${kindOf(callable)}, not an allowed global`);
  if (!Array.isArray(args)) throw new PickleError(`corrupt pickle: REDUCE at byte ${at} with ${kindOf(args)} as arguments`);
  switch (callable.qualified) {
    case 'numpy.core.multiarray._reconstruct':
    case 'numpy._core.multiarray._reconstruct': {
      const cls = args[0];
      if (!(cls instanceof Global) || cls.qualified !== 'numpy.ndarray') {
        throw new PickleError(`unsupported pickle: _reconstruct at byte ${at} builds ${cls instanceof Global ? cls.qualified : kindOf(cls)}, not numpy.ndarray`);
      }
      return new ArrayBuilder();
    }
    case 'numpy.dtype': {
      const spec = args[0] instanceof Latin1 ? args[0].text() : args[0];
      if (typeof spec !== 'string') throw new PickleError(`unsupported pickle: numpy.dtype at byte ${at} of ${kindOf(spec)}`);
      const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(spec);
      if (match) {
        const [, order, kind, size] = match;
        if (kind === 'O') {
          const d = new Dtype('object', spec);
          d.byteorder = '|';
          return d;
        }
        const dtype = NUMERIC_TYPESTR[`${kind}${size}`];
        if (dtype !== undefined) {
          const d = new Dtype(dtype, spec);
          if (order) d.byteorder = order;
          return d;
        }
      }
      throw new PickleError(
        `unsupported dtype ${JSON.stringify(spec)} in the pickle (supported: bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, object)`,
      );
    }
    case BYTES_SPELLING: {
      const text = args[0] instanceof Latin1 ? args[0].text() : args[0];
      const codec = args[1];
      const codecName = codec instanceof Latin1 ? codec.text() : codec;
      if (typeof text !== 'string' || typeof codecName !== 'string' || !['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1'].includes(codecName.toLowerCase())) {
        throw new PickleError(`unsupported pickle: _codecs.encode at byte ${at} is only read as Python's latin-1 spelling of bytes`);
      }
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 255) throw new PickleError(`corrupt pickle: _codecs.encode at byte ${at} of a character beyond latin-1`);
        out[i] = c;
      }
      return out;
    }
    default:
      throw new PickleError(`unsupported pickle: ${callable.qualified} is called at byte ${at}; it may only appear as an argument`);
  }
}

/** Applies a BUILD state to a dtype or an array. */
function build(target: unknown, state: unknown, at: number): void {
  if (target instanceof Dtype) {
    if (!Array.isArray(state) || state.length < 2) throw new PickleError(`unsupported pickle: dtype state at byte ${at} is ${kindOf(state)}`);
    const order = state[1] instanceof Latin1 ? state[1].text() : state[1];
    if (typeof order !== 'string' || !['<', '>', '|', '='].includes(order)) {
      throw new PickleError(`corrupt pickle: dtype byte order ${JSON.stringify(order)} at byte ${at}`);
    }
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    if (state.length >= 5 && (state[2] !== null || state[3] !== null || state[4] !== null)) {
      throw new PickleError(`unsupported pickle: a structured or sub-array dtype at byte ${at}`);
    }
    target.byteorder = order;
    return;
  }
  if (target instanceof ArrayBuilder) {
    if (target.result) throw new PickleError(`corrupt pickle: an array is built twice (byte ${at})`);
    if (!Array.isArray(state) || (state.length !== 5 && state.length !== 4)) {
      throw new PickleError(`unsupported pickle: array state at byte ${at} is ${kindOf(state)}`);
    }
    const [shapeValue, dtype, fortran, raw] = state.length === 5 ? state.slice(1) : state;
    if (!Array.isArray(shapeValue) || !shapeValue.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      throw new PickleError(`corrupt pickle: array shape at byte ${at} is ${kindOf(shapeValue)}`);
    }
    const shape = shapeValue as number[];
    const count = shapeSize(shape);
    if (!Number.isSafeInteger(count)) throw new PickleError(`corrupt pickle: array shape (${shape.join(', ')}) is too large`);
    if (!(dtype instanceof Dtype)) throw new PickleError(`corrupt pickle: array dtype at byte ${at} is ${kindOf(dtype)}`);
    if (dtype.kind === 'object') {
      if (!Array.isArray(raw)) throw new PickleError(`corrupt pickle: object array data at byte ${at} is ${kindOf(raw)}, not a list`);
      if (raw.length !== count) {
        throw new PickleError(`corrupt pickle: an object array of shape (${shape.join(', ')}) needs ${count} elements, found ${raw.length}`);
      }
      // numpy pickles object elements in C order, whatever the array's memory order.
      target.result = pickledArray('object', shape, raw);
      return;
    }
    const data = raw instanceof Latin1 ? raw.bytes : typeof raw === 'string' ? latin1Bytes(raw, at) : raw;
    if (!(data instanceof Uint8Array)) throw new PickleError(`corrupt pickle: array data at byte ${at} is ${kindOf(raw)}, not bytes`);
    const expected = count * ITEM_SIZE[dtype.kind];
    if (data.length !== expected) {
      throw new PickleError(`corrupt pickle: an array of shape (${shape.join(', ')}) of ${dtype.kind} needs ${expected} bytes, found ${data.length}`);
    }
    let values: NdArray['data'];
    try {
      values = decodeElements(data, 0, count, dtype.kind, dtype.byteorder !== '>');
    } catch (error) {
      throw new PickleError(describe(error));
    }
    target.result = pickledArray(dtype.kind, shape, fortran === true ? fortranToC(values, shape) : values);
    return;
  }
  throw new PickleError(`unsupported pickle: BUILD at byte ${at} on ${kindOf(target)} (only numpy arrays and dtypes are built)`);
}

function latin1Bytes(text: string, at: number): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new PickleError(`corrupt pickle: array data at byte ${at} is text beyond latin-1`);
    out[i] = c;
  }
  return out;
}

/** Longest integer accepted (bytes of LONG1/LONG4, digits of INT/LONG): data never needs more. */
const MAX_LONG_BYTES = 1024;

function readLong(bytes: Uint8Array): number | bigint {
  if (bytes.length > MAX_LONG_BYTES) throw new PickleError(`unsupported pickle: an integer of ${bytes.length} bytes (at most ${MAX_LONG_BYTES})`);
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

function parseIntText(text: string, at: number): number | bigint {
  if (text.length > MAX_LONG_BYTES * 3) throw new PickleError(`unsupported pickle: an integer of ${text.length} digits at byte ${at}`);
  if (!/^[-+]?\d+$/.test(text)) throw new PickleError(`corrupt pickle: bad integer ${JSON.stringify(text.slice(0, 40))} at byte ${at}`);
  const value = BigInt(text);
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

function parseIntIndex(text: string, at: number): number {
  const v = parseIntText(text.trim(), at);
  if (typeof v !== 'number' || v < 0) throw new PickleError(`corrupt pickle: bad memo key at byte ${at}`);
  return v;
}

/** A Python 2 `repr` of a str (protocol 0 STRING) to bytes. */
function parseReprString(text: string, at: number): Uint8Array {
  const body = text.trimEnd();
  const q = body[0];
  if (body.length < 2 || (q !== "'" && q !== '"') || body[body.length - 1] !== q) {
    throw new PickleError(`corrupt pickle: STRING at byte ${at} is not a quoted string`);
  }
  const out: number[] = [];
  const s = body.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(s.charCodeAt(i) & 0xff);
      continue;
    }
    const e = s[++i];
    if (e in simple) out.push(simple[e]);
    else if (e === 'x') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(s.slice(i));
      out.push(parseInt(m![0], 8) & 0xff);
      i += m![0].length - 1;
    } else throw new PickleError(`corrupt pickle: unknown escape \\${e} in STRING at byte ${at}`);
  }
  if (out.some((b) => Number.isNaN(b))) throw new PickleError(`corrupt pickle: bad escape in STRING at byte ${at}`);
  return Uint8Array.from(out);
}

/** Python's raw-unicode-escape (protocol 0 UNICODE). */
function parseRawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4: string | undefined, u8: string | undefined) =>
    String.fromCodePoint(parseInt((u4 ?? u8) as string, 16)),
  );
}

function toKey(value: unknown): PickleKey {
  if (value instanceof Latin1) return value.text();
  if (value instanceof Uint8Array) return latin1(value);
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    return value;
  }
  throw new PickleError(`unsupported pickle: ${kindOf(value)} as a dict key or set item`);
}

function asList(value: unknown, at: number): unknown[] {
  if (!Array.isArray(value)) throw new PickleError(`corrupt pickle: APPEND at byte ${at} on ${kindOf(value)}, not a list`);
  return value;
}

function asMap(value: unknown, at: number): Map<PickleKey, unknown> {
  if (!(value instanceof Map)) throw new PickleError(`corrupt pickle: SETITEM at byte ${at} on ${kindOf(value)}, not a dict`);
  return value as Map<PickleKey, unknown>;
}

function kindOf(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Latin1 || typeof value === 'string') return 'a string';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return `a list/tuple of ${value.length}`;
  if (value instanceof Map) return 'a dict';
  if (value instanceof Set) return 'a set';
  if (value instanceof Global) return `the global ${value.qualified}`;
  if (value instanceof Dtype) return `a dtype (${value.typestr})`;
  if (value instanceof ArrayBuilder || isNpyArray(value)) return 'a numpy array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Replaces the reader's internal objects by plain values, in place and without recursion (so a
 * deeply nested or self-referencing pickle cannot overflow the stack).
 */
function finish(root: unknown): PickleValue {
  const seen = new Set<unknown>();
  const work: unknown[] = [];
  const plain = (value: unknown): unknown => {
    if (value instanceof Latin1) return value.text();
    if (value instanceof ArrayBuilder) {
      if (!value.result) throw new PickleError('corrupt pickle: an array was created but never filled (no BUILD)');
      value = value.result;
    }
    if (value instanceof Dtype) return value.kind;
    if (value instanceof Global) throw new PickleError(`unsupported pickle: the global ${value.qualified} appears as data`);
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !seen.has(value)) {
      seen.add(value);
      work.push(value);
    }
    return value;
  };
  const result = plain(root);
  while (work.length > 0) {
    const item = work.pop();
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const v = item[i];
        if (v !== null && typeof v === 'object') item[i] = plain(v);
      }
    } else if (item instanceof Map) {
      for (const [k, v] of item) if (v !== null && typeof v === 'object') item.set(k, plain(v));
    } else if (isNpyArray(item) && item.dtype === 'object') {
      plain(item.data);
    }
  }
  return result as PickleValue;
}
