/**
 * IMDB movie reviews (25,000 + 25,000, labelled positive or negative), as Keras's
 * `imdb.load_data()` and the R course's `dataset_imdb()`.
 */
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
import { DltsError, NumpyRandomState } from '@dlts/tensors';

/** Options of {@link loadImdb}: Keras's `imdb.load_data` arguments, camelCased. */
export type ImdbOptions = SequenceOptions;

/**
 * Loads the IMDB reviews exactly as Keras's `imdb.load_data()` (the R course's
 * `dataset_imdb(num_words = 10000)`): the same shuffling (numpy's `RandomState(seed)`, the train
 * indices then the test indices from one stream), the start char, the index offset, `maxlen`
 * filtering and the vocabulary cut.
 *
 * Without `path`, Keras's `imdb.npz` comes from the dlts cache, else the Keras cache, else a
 * download checked against Keras's sha256. The file's ragged sequences are object arrays,
 * read by the safe pickle reader (nothing from the file is run).
 *
 * @param options - `path`, `numWords`, `skipTop`, `maxlen`, `seed` (113), `startChar` (1),
 *   `oovChar` (2), `indexFrom` (3), and `cacheDir`, `fetch`, `progress` for the download. `null`
 *   stands for Keras's `None`.
 * @returns `{train: {x, y}, test: {x, y}, source}`: `x` a `number[][]` of word indexes, `y` an
 *   `Int32Array` of 0/1 labels.
 * @throws DltsError `DLTS_VALUE` for a bad option or when `maxlen` leaves no sequence;
 *   `DLTS_DATASET_FORMAT` naming the file for a malformed, truncated or refused file;
 *   `DLTS_DOWNLOAD` when the file is not cached and cannot be downloaded; `DLTS_IO` when `path`
 *   cannot be read.
 * @example
 * ```ts
 * const { train, test } = await loadImdb({ numWords: 10000 });
 * train.x[0].slice(0, 5); // [1, 14, 22, 16, 43]
 * train.y[0]; // 1
 * ```
 */
export async function loadImdb(options: ImdbOptions = {}): Promise<SequenceData> {
  const fn = 'loadImdb';
  const o = resolveSequenceOptions(fn, options);
  const { arrays, source } = await readSequenceNpz(fn, 'imdb', ['x_train', 'y_train', 'x_test', 'y_test'], options);
  const member = (key: string) => `${source.path} (array ${key})`;
  let xTrain = toSequences(fn, arrays.get('x_train')!, member('x_train'));
  let yTrain = toLabels(fn, arrays.get('y_train')!, member('y_train'), xTrain.length);
  let xTest = toSequences(fn, arrays.get('x_test')!, member('x_test'));
  let yTest = toLabels(fn, arrays.get('y_test')!, member('y_test'), xTest.length);

  const rng = new NumpyRandomState(o.seed);
  const trainOrder = rng.permutation(xTrain.length);
  xTrain = reorder(xTrain, trainOrder);
  yTrain = reorder(yTrain, trainOrder);
  const testOrder = rng.permutation(xTest.length);
  xTest = reorder(xTest, testOrder);
  yTest = reorder(yTest, testOrder);

  xTrain = addStartAndOffset(xTrain, o);
  xTest = addStartAndOffset(xTest, o);
  if (o.maxlen !== null) {
    ({ xs: xTrain, labels: yTrain } = removeLongSequences(o.maxlen, xTrain, yTrain));
    ({ xs: xTest, labels: yTest } = removeLongSequences(o.maxlen, xTest, yTest));
    if (xTrain.length === 0 || xTest.length === 0) {
      throw new DltsError(
        'DLTS_VALUE',
        `${fn}: after filtering for sequences shorter than maxlen=${o.maxlen}, no sequence was kept. Increase maxlen. Received: maxlen=${o.maxlen}`,
      );
    }
  }
  const xs = limitVocabulary([...xTrain, ...xTest], o);
  const n = xTrain.length;
  return { train: split(xs.slice(0, n), yTrain), test: split(xs.slice(n), yTest), source };
}
