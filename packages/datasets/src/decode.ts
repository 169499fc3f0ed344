/**
 * Turning raw little- or big-endian element bytes into typed arrays, shared by the IDX and NPY
 * readers. Every function copies: results never alias the input buffer, so callers may drop it.
 */
import type { NdData, NdDtype } from './ndarray';

/** Bytes per element of each dtype. */
export const ITEM_SIZE: Record<NdDtype, number> = {
  uint8: 1,
  int8: 1,
  bool: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of `dtype` starting at `offset` of `bytes`.
 *
 * @throws RangeError with a short reason when an int64/uint64 value is not a safe integer (the
 *   caller turns it into a typed error naming the file).
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: NdDtype,
  littleEndian: boolean,
): NdData {
  const size = ITEM_SIZE[dtype];
  const end = offset + count * size;
  switch (dtype) {
    case 'uint8':
      return copyBytes(bytes, offset, end);
    case 'int8':
      return new Int8Array(copyBytes(bytes, offset, end).buffer);
    case 'bool': {
      const out = copyBytes(bytes, offset, end);
      for (let i = 0; i < out.length; i++) if (out[i] !== 0) out[i] = 1;
      return out;
    }
    case 'int64':
    case 'uint64':
      return decodeInt64(bytes, offset, count, dtype === 'int64', littleEndian);
    default:
      break;
  }
  if (littleEndian === HOST_LITTLE_ENDIAN) {
    // Same byte order as this machine: one copy into a fresh (so aligned) buffer, then a view.
    const copy = copyBytes(bytes, offset, end).buffer;
    return viewAs(dtype, copy);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  switch (dtype) {
    case 'uint16': {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, littleEndian);
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, littleEndian);
      return out;
    }
    case 'uint32': {
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, littleEndian);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, littleEndian);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, littleEndian);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, littleEndian);
      return out;
    }
    default:
      throw new Error(`decodeElements: unhandled dtype ${dtype}`);
  }
}

/**
 * A copy of `bytes[start, end)` in a fresh, exactly sized ArrayBuffer. (`Buffer#slice` would
 * alias a Node Buffer, and its `.buffer` may be a shared pool, so it is never used here.)
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}

function viewAs(dtype: NdDtype, buffer: ArrayBuffer): NdData {
  switch (dtype) {
    case 'uint16':
      return new Uint16Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    default:
      throw new Error(`viewAs: unhandled dtype ${dtype}`);
  }
}

/** 64-bit integers as exact doubles; a value beyond 2^53 - 1 in magnitude is a RangeError. */
function decodeInt64(bytes: Uint8Array, offset: number, count: number, signed: boolean, littleEndian: boolean): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 8);
  const out = new Float64Array(count);
  const loAt = littleEndian ? 0 : 4;
  const hiAt = littleEndian ? 4 : 0;
  for (let i = 0; i < count; i++) {
    const lo = view.getUint32(i * 8 + loAt, littleEndian);
    const hi = signed ? view.getInt32(i * 8 + hiAt, littleEndian) : view.getUint32(i * 8 + hiAt, littleEndian);
    const value = hi * 4294967296 + lo;
    if (!Number.isSafeInteger(value)) {
      const exact = signed ? view.getBigInt64(i * 8, littleEndian) : view.getBigUint64(i * 8, littleEndian);
      throw new RangeError(
        `element ${i} (${exact}) of the ${signed ? 'int64' : 'uint64'} array is outside the range of exact JavaScript numbers (|x| <= 2^53 - 1)`,
      );
    }
    out[i] = value;
  }
  return out;
}

/**
 * Reorders Fortran-ordered (column-major) data into C order (row-major) for `shape`.
 * Returns a new array of the same type.
 */
export function fortranToC<T extends NdData>(data: T, shape: readonly number[]): T {
  const ndim = shape.length;
  if (ndim < 2) return data;
  const n = data.length;
  const out = new (data.constructor as { new (length: number): T })(n);
  if (n === 0) return out;
  // Fortran strides (in elements): the first axis varies fastest.
  const fStride = new Array<number>(ndim);
  let s = 1;
  for (let axis = 0; axis < ndim; axis++) {
    fStride[axis] = s;
    s *= shape[axis];
  }
  // Walk the output in C order with an odometer over the indices, tracking the source position.
  const index = new Array<number>(ndim).fill(0);
  const last = ndim - 1;
  const lastDim = shape[last];
  const lastStride = fStride[last];
  let src = 0;
  let dst = 0;
  while (dst < n) {
    // The innermost C axis is the slowest Fortran axis: a strided run.
    let p = src;
    for (let j = 0; j < lastDim; j++) {
      out[dst++] = data[p];
      p += lastStride;
    }
    // Carry into the outer axes.
    let axis = last - 1;
    while (axis >= 0) {
      index[axis]++;
      src += fStride[axis];
      if (index[axis] < shape[axis]) break;
      src -= fStride[axis] * shape[axis];
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) break;
  }
  return out;
}
