/**
 * The plain n-dimensional array that every file reader of this package returns: a dtype name, a
 * shape and a C-ordered (row-major) typed array. No tensors are made here, so readers stay cheap
 * and the caller decides when (and on which backend) data becomes a tensor.
 */

/** NumPy-style names of the element types the readers return. */
export type NdDtype =
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'bool';

/** The typed arrays an {@link NdArray} may hold. */
export type NdData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * A numeric array read from a file.
 *
 * - `data` is always in C (row-major) order, whatever order the file used.
 * - `int64` and `uint64` are returned as a `Float64Array` of exact integers (the readers refuse
 *   values outside `Number.MAX_SAFE_INTEGER`).
 * - `bool` is returned as a `Uint8Array` of 0 and 1.
 */
export interface NdArray {
  /** Element type, in NumPy's spelling. */
  dtype: NdDtype;
  /** Dimensions, outermost first; `[]` for a scalar. */
  shape: number[];
  /** The values, C order, `shape` product long. */
  data: NdData;
}

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
