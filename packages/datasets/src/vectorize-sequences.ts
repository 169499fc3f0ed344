/**
 * Multi-hot encoding of word-index sequences: the course's `vectorize_sequences()`.
 */
import { DltsError, received, tf } from '@dlts/tensors';

/**
 * Turns sequences of word indexes into a multi-hot matrix: row `i` has a 1 in column `w` for
 * every index `w` of `sequences[i]`, and 0 elsewhere (the course's `vectorize_sequences()`).
 *
 * Columns are 0-based, as in Python Keras: word `w` sets column `w`. (R's version writes
 * `results[i, sequences[[i]]] <- 1` with 1-based columns, so word `w` lands in R's column `w`,
 * which is column `w - 1` here; the matrices differ by that one-column shift only, and column 0
 * here, the padding index, is always 0 for the course's data.)
 *
 * @param sequences - lists of word indexes (for example `train.x` of `loadImdb`).
 * @param dimension - number of columns; every index must be below it. Default 10000.
 * @returns a float32 tensor `[sequences.length, dimension]` of 0 and 1 (yours to dispose).
 *   A backend must be set up (`initBackend()`; the loaders do it).
 * @throws DltsError `DLTS_VALUE` when `dimension` is not a positive integer or an index is not an
 *   integer in [0, dimension).
 * @example
 * ```ts
 * const xTrain = vectorizeSequences(train.x); // [25000, 10000]
 * vectorizeSequences([[1, 3], [0]], 4).arraySync(); // [[0, 1, 0, 1], [1, 0, 0, 0]]
 * ```
 */
export function vectorizeSequences(sequences: ArrayLike<ArrayLike<number>>, dimension = 10000): tf.Tensor2D {
  const fn = 'vectorizeSequences';
  if (!Number.isSafeInteger(dimension) || dimension < 1) {
    throw new DltsError('DLTS_VALUE', `${fn}: dimension must be a positive integer. Received: dimension=${received(dimension)}`);
  }
  if (sequences === null || typeof sequences !== 'object' || typeof sequences.length !== 'number') {
    throw new DltsError('DLTS_VALUE', `${fn}: sequences must be an array of sequences. Received: sequences=${received(sequences)}`);
  }
  const n = sequences.length;
  if (n * dimension > 2 ** 31 - 1) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: a [${n}, ${dimension}] matrix is too large for one tensor; vectorize the sequences in batches. Received: ${n} sequences, dimension=${dimension}`,
    );
  }
  const out = new Float32Array(n * dimension);
  for (let i = 0; i < n; i++) {
    const seq = sequences[i];
    if (seq === null || typeof seq !== 'object' || typeof seq.length !== 'number') {
      throw new DltsError('DLTS_VALUE', `${fn}: sequences[${i}] must be a list of word indexes. Received: ${received(seq)}`);
    }
    const row = i * dimension;
    for (let j = 0; j < seq.length; j++) {
      const w = seq[j];
      if (!Number.isInteger(w) || w < 0 || w >= dimension) {
        throw new DltsError(
          'DLTS_VALUE',
          `${fn}: every word index must be an integer in [0, dimension=${dimension}); use loadImdb({numWords: ${dimension}}) or a larger dimension. Received: sequences[${i}][${j}]=${received(w)}`,
        );
      }
      out[row + w] = 1;
    }
  }
  return tf.tensor2d(out, [n, dimension], 'float32');
}
