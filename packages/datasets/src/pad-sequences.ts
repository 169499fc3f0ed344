/**
 * Padding and truncating sequences to one length: Keras's `pad_sequences`.
 */
import { DltsError, received, tf } from '@dlts/tensors';

/** Options of {@link padSequences} (Keras's names and defaults). */
export interface PadSequencesOptions {
  /** Length of every output row. Default: the longest sequence. */
  maxlen?: number;
  /** Element type of the result. Default `'int32'`. */
  dtype?: 'int32' | 'float32';
  /** Pad before (`'pre'`, default) or after (`'post'`) each sequence. */
  padding?: 'pre' | 'post';
  /** Drop values from the start (`'pre'`, default) or the end (`'post'`) of longer sequences. */
  truncating?: 'pre' | 'post';
  /** The padding value. Default 0. */
  value?: number;
}

/**
 * Pads (or truncates) sequences to the same length, as Keras's `pad_sequences` (R:
 * `pad_sequences()`): a sequence longer than `maxlen` loses values at its start (`truncating:
 * 'pre'`) or end (`'post'`); a shorter one gets `value` before (`padding: 'pre'`) or after it;
 * an empty one is all `value`.
 *
 * @param sequences - lists of numbers.
 * @param options - `maxlen` (the longest sequence), `dtype` (`'int32'`), `padding` (`'pre'`),
 *   `truncating` (`'pre'`), `value` (0).
 * @returns a tensor `[sequences.length, maxlen]` (yours to dispose); int32 values are truncated
 *   towards zero, as numpy's `asarray(dtype='int32')`.
 * @throws DltsError `DLTS_VALUE` for a bad option or a sequence that is not a list of numbers.
 * @example
 * ```ts
 * padSequences([[1], [2, 3], [4, 5, 6]]).arraySync(); // [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
 * padSequences([[1], [2, 3], [4, 5, 6]], { maxlen: 2, padding: 'post' }).arraySync(); // [[1, 0], [2, 3], [5, 6]]
 * ```
 */
export function padSequences(sequences: ArrayLike<ArrayLike<number>>, options: PadSequencesOptions = {}): tf.Tensor2D {
  const fn = 'padSequences';
  const { dtype = 'int32', padding = 'pre', truncating = 'pre', value = 0 } = options;
  if (sequences === null || typeof sequences !== 'object' || typeof sequences.length !== 'number') {
    throw new DltsError('DLTS_VALUE', `${fn}: sequences must be an array of sequences. Received: sequences=${received(sequences)}`);
  }
  if (dtype !== 'int32' && dtype !== 'float32') throw new DltsError('DLTS_VALUE', `${fn}: dtype must be 'int32' or 'float32'. Received: dtype=${received(dtype)}`);
  if (padding !== 'pre' && padding !== 'post') throw new DltsError('DLTS_VALUE', `${fn}: padding must be 'pre' or 'post'. Received: padding=${received(padding)}`);
  if (truncating !== 'pre' && truncating !== 'post') {
    throw new DltsError('DLTS_VALUE', `${fn}: truncating must be 'pre' or 'post'. Received: truncating=${received(truncating)}`);
  }
  if (typeof value !== 'number' || Number.isNaN(value)) throw new DltsError('DLTS_VALUE', `${fn}: value must be a number. Received: value=${received(value)}`);
  const n = sequences.length;
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
      throw new DltsError('DLTS_VALUE', `${fn}: sequences[${i}] must be a list of numbers. Received: ${received(s)}`);
    }
  }
  let maxlen = options.maxlen;
  if (maxlen === undefined) {
    maxlen = 0;
    for (let i = 0; i < n; i++) maxlen = Math.max(maxlen, sequences[i].length);
  } else if (!Number.isSafeInteger(maxlen) || maxlen < 1) {
    throw new DltsError('DLTS_VALUE', `${fn}: maxlen must be a positive integer. Received: maxlen=${received(maxlen)}`);
  }
  const out = dtype === 'int32' ? new Int32Array(n * maxlen) : new Float32Array(n * maxlen);
  if (value !== 0) out.fill(value);
  for (let i = 0; i < n; i++) {
    const s = sequences[i];
    const len = Math.min(s.length, maxlen);
    if (len === 0) continue;
    const from = truncating === 'pre' ? s.length - len : 0;
    const to = padding === 'pre' ? i * maxlen + maxlen - len : i * maxlen;
    for (let j = 0; j < len; j++) {
      const v = s[from + j];
      if (typeof v !== 'number') throw new DltsError('DLTS_VALUE', `${fn}: sequences[${i}][${from + j}] must be a number. Received: ${received(v)}`);
      out[to + j] = v;
    }
  }
  return tf.tensor2d(out, [n, maxlen], dtype);
}
