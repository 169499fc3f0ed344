/**
 * Turning a sequence of word indexes back into text, as the course decodes the first review.
 */
import { DltsError, received } from '@dlts/tensors';

/** Options of {@link decodeSequence}. */
export interface DecodeSequenceOptions {
  /** The offset the loader added to every word rank (`indexFrom`). Default 3. */
  indexFrom?: number;
  /** What to print for the reserved indexes and unknown words. Default `'?'`. */
  unknown?: string;
}

/** rank -> word; where two words share a rank the first wins (as R's `[[` on the reversed names). */
function reverse(wordIndex: Map<string, number> | Record<string, number>): Map<number, string> {
  const out = new Map<number, string>();
  const entries = wordIndex instanceof Map ? wordIndex.entries() : Object.entries(wordIndex);
  for (const [word, rank] of entries) if (!out.has(rank)) out.set(rank, word);
  return out;
}

/**
 * Decodes a sequence of word indexes into words joined by spaces, as the course does:
 * an index below `indexFrom` (0 padding, 1 start, 2 out-of-vocabulary) and an index without a
 * word become `'?'`; any other index `i` is the word of rank `i - indexFrom`.
 *
 * @param sequence - word indexes (a row of `loadImdb().train.x`).
 * @param wordIndex - word -> rank (`getImdbWordIndex()`), a `Map` or a plain object.
 * @param options - `indexFrom` (3), `unknown` (`'?'`).
 * @returns the text.
 * @throws DltsError `DLTS_VALUE` when the word index is not a `Map` or object, or `indexFrom` is
 *   not a non-negative integer.
 * @example
 * ```ts
 * decodeSequence(train.x[0], await getImdbWordIndex());
 * // '? this film was just brilliant casting location scenery story direction ...'
 * ```
 */
export function decodeSequence(
  sequence: ArrayLike<number>,
  wordIndex: Map<string, number> | Record<string, number>,
  options: DecodeSequenceOptions = {},
): string {
  const fn = 'decodeSequence';
  const indexFrom = options.indexFrom ?? 3;
  const unknown = options.unknown ?? '?';
  if (!Number.isSafeInteger(indexFrom) || indexFrom < 0) {
    throw new DltsError('DLTS_VALUE', `${fn}: indexFrom must be a non-negative integer. Received: indexFrom=${received(indexFrom)}`);
  }
  if (wordIndex === null || typeof wordIndex !== 'object') {
    throw new DltsError('DLTS_VALUE', `${fn}: wordIndex must be a Map or an object of word -> index. Received: wordIndex=${received(wordIndex)}`);
  }
  const words = reverse(wordIndex);
  const out = new Array<string>(sequence.length);
  for (let i = 0; i < sequence.length; i++) {
    const index = sequence[i];
    out[i] = index >= indexFrom ? (words.get(index - indexFrom) ?? unknown) : unknown;
  }
  return out.join(' ');
}
