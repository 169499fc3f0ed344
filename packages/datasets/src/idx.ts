/**
 * IDX, the format of the original MNIST and Fashion-MNIST files: two zero bytes, a type code, the
 * number of dimensions, the dimensions as big-endian uint32, then the values (big-endian), all
 * optionally gzipped.
 */
import { decodeElements, ITEM_SIZE } from './decode';
import { formatError, gunzipIfNeeded, gunzipIfNeededSync, IN_MEMORY, loadSource, type ByteSource } from './input';
import { shapeSize, type NdArray, type NdDtype } from './ndarray';

/** IDX type codes and the element types they stand for. */
const IDX_TYPES: Record<number, NdDtype> = {
  0x08: 'uint8',
  0x09: 'int8',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** Options of {@link readIdx} and {@link parseIdx}. */
export interface ReadIdxOptions {
  /** What to call the data in error messages (default: the path, or `<bytes>`). */
  name?: string;
}

/**
 * Reads an IDX file (gzipped or not) from a path or from bytes.
 *
 * @param source - a file path, or the file's bytes.
 * @param options - `name`: what to call the data in messages.
 * @returns the array: `dtype` from the type byte, `shape` from the header, C-ordered `data`.
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file and the reason (bad magic number,
 *   unknown type code, truncated header or data, trailing bytes, corrupt gzip);
 *   `DLTS_IO` when the file cannot be opened.
 * @example
 * ```ts
 * const labels = await readIdx('t10k-labels-idx1-ubyte.gz');
 * labels.shape; // [10000]
 * labels.data[0]; // 7
 * ```
 */
export async function readIdx(source: ByteSource, options: ReadIdxOptions = {}): Promise<NdArray> {
  const { bytes, name } = await loadSource(source, 'readIdx', options.name);
  return decodeIdx(await gunzipIfNeeded(bytes, 'readIdx', name), name, 'readIdx');
}

/**
 * Synchronous {@link readIdx} for bytes already in memory (gzipped or not).
 *
 * @param bytes - the file's bytes.
 * @param options - `name`: what to call the data in messages.
 * @returns the decoded array.
 * @throws DltsError `DLTS_DATASET_FORMAT` as {@link readIdx}.
 * @example
 * ```ts
 * const images = parseIdx(readFileSync('t10k-images-idx3-ubyte'), { name: 't10k-images' });
 * images.shape; // [10000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): NdArray {
  const name = options.name ?? IN_MEMORY;
  return decodeIdx(gunzipIfNeededSync(bytes, 'parseIdx', name), name, 'parseIdx');
}

function decodeIdx(bytes: Uint8Array, name: string, fn: string): NdArray {
  if (bytes.length < 4) {
    throw formatError(fn, name, `truncated: an IDX file starts with a 4-byte magic number, but the data is only ${bytes.length} bytes long`);
  }
  const magic = hex(bytes, 0, 4);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw formatError(fn, name, `bad magic number 0x${magic}: an IDX file starts with two zero bytes (0x00000803 for images, 0x00000801 for labels)`);
  }
  const dtype = IDX_TYPES[bytes[2]];
  if (dtype === undefined) {
    throw formatError(
      fn,
      name,
      `bad magic number 0x${magic}: unknown IDX type code 0x${hex(bytes, 2, 3)} (known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)`,
    );
  }
  const ndim = bytes[3];
  if (ndim === 0) throw formatError(fn, name, `bad magic number 0x${magic}: zero dimensions`);
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw formatError(fn, name, `truncated: the header of ${ndim} dimensions needs ${headerSize} bytes, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let axis = 0; axis < ndim; axis++) shape.push(view.getUint32(4 + 4 * axis, false));
  const count = shapeSize(shape);
  const expected = count * ITEM_SIZE[dtype];
  const found = bytes.length - headerSize;
  if (found < expected) {
    throw formatError(
      fn,
      name,
      `truncated: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes of data after the header, found ${found}`,
    );
  }
  if (found > expected) {
    throw formatError(
      fn,
      name,
      `wrong size: shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes of data after the header, found ${found} (${found - expected} extra)`,
    );
  }
  return { dtype, shape, data: decodeElements(bytes, headerSize, count, dtype, false) };
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += bytes[i].toString(16).padStart(2, '0').toUpperCase();
  return s;
}
