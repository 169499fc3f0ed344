/**
 * Reuters newswires (11,228, labelled with 46 topics), as Keras's `reuters.load_data()` and the
 * R course's `dataset_reuters()`.
 */
import { DltsError, received, NumpyRandomState } from '@dlts/tensors';
import {
  addStartAndOffset,
  limitVocabulary,
  readSequenceNpz,
  removeLongSequences,
  reorder,
  resolveSequenceOptions,
  split,
  toLabels,
  toSequences,
  type SequenceData,
  type SequenceOptions,
} from './sequences';

/** Options of {@link loadReuters}: Keras's `reuters.load_data` arguments, camelCased. */
export interface ReutersOptions extends SequenceOptions {
  /** Fraction of the samples (the last ones after shuffling) used as the test set. Default 0.2. */
  testSplit?: number;
}

/**
 * The 46 Reuters topics, in label order (Keras's `reuters.get_label_names()`).
 */
export const REUTERS_LABEL_NAMES: readonly string[] = Object.freeze([
  'cocoa', 'grain', 'veg-oil', 'earn', 'acq', 'wheat', 'copper', 'housing', 'money-supply', 'coffee',
  'sugar', 'trade', 'reserves', 'ship', 'cotton', 'carcass', 'crude', 'nat-gas', 'cpi', 'money-fx',
  'interest', 'gnp', 'meal-feed', 'alum', 'oilseed', 'gold', 'tin', 'strategic-metal', 'livestock', 'retail',
  'ipi', 'iron-steel', 'rubber', 'heat', 'jobs', 'lei', 'bop', 'zinc', 'orange', 'pet-chem',
  'dlr', 'gas', 'silver', 'wpi', 'hog', 'lead',
]);

/**
 * Loads the Reuters newswires exactly as Keras's `reuters.load_data()` (the R course's
 * `dataset_reuters(num_words = 10000)`): shuffled by numpy's `RandomState(seed)`, start char and
 * index offset, `maxlen` filtering, the vocabulary cut, then the first
 * `floor(n * (1 - testSplit))` samples for training and the rest for testing (8,982 and 2,246 with
 * the defaults).
 *
 * Without `path`, Keras's `reuters.npz` comes from the dlts cache, else the Keras cache, else a
 * download checked against Keras's sha256.
 *
 * @param options - as {@link loadImdb} (`path`, `numWords`, `skipTop`, `maxlen`, `seed`,
 *   `startChar`, `oovChar`, `indexFrom`, download options), plus `testSplit` (0.2).
 * @returns `{train: {x, y}, test: {x, y}, source}`: `x` a `number[][]` of word indexes, `y` an
 *   `Int32Array` of topics 0..45.
 * @throws DltsError `DLTS_VALUE` for a bad option; `DLTS_DATASET_FORMAT` naming the file for a
 *   malformed, truncated or refused file; `DLTS_DOWNLOAD`; `DLTS_IO`.
 * @example
 * ```ts
 * const { train, test } = await loadReuters({ numWords: 10000 });
 * console.log(train.x.length, test.x.length); // 8982 2246
 * ```
 */
export async function loadReuters(options: ReutersOptions = {}): Promise<SequenceData> {
  const fn = 'loadReuters';
  const o = resolveSequenceOptions(fn, options);
  const testSplit = options.testSplit ?? 0.2;
  if (typeof testSplit !== 'number' || !(testSplit >= 0 && testSplit < 1)) {
    throw new DltsError('DLTS_VALUE', `${fn}: testSplit must be a number in [0, 1). Received: testSplit=${received(testSplit)}`);
  }
  const { arrays, source } = await readSequenceNpz(fn, 'reuters', ['x', 'y'], options);
  let xs = toSequences(fn, arrays.get('x')!, `${source.path} (array x)`);
  let labels = toLabels(fn, arrays.get('y')!, `${source.path} (array y)`, xs.length);

  const order = new NumpyRandomState(o.seed).permutation(xs.length);
  xs = reorder(xs, order);
  labels = reorder(labels, order);
  xs = addStartAndOffset(xs, o);
  if (o.maxlen !== null) ({ xs, labels } = removeLongSequences(o.maxlen, xs, labels));
  xs = limitVocabulary(xs, o);
  // Python: int(len(xs) * (1 - test_split)), the same double arithmetic.
  const at = Math.trunc(xs.length * (1 - testSplit));
  return { train: split(xs.slice(0, at), labels.slice(0, at)), test: split(xs.slice(at), labels.slice(at)), source };
}
