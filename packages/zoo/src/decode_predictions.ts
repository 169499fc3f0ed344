import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { getZooFile, type GetZooFileOptions, type ZooFile } from './download';

/** The ImageNet class index Keras's `decode_predictions` downloads (`"0": ["n01440764", "tench"]`, ...). */
export const IMAGENET_CLASS_INDEX: ZooFile = {
  fileName: 'imagenet_class_index.json',
  url: 'https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json',
  hash: 'c2c37ea517e94d9795004a39431a14cb',
  size: 35363,
};

/** One decoded guess: the WordNet id, the class description and the score (R's column names, camelCased). */
export interface DecodedPrediction {
  /** WordNet id, e.g. `'n02123045'`. */
  className: string;
  /** Human-readable class, e.g. `'tabby'`. */
  classDescription: string;
  /** The model's score for the class. */
  score: number;
}

/** Options of {@link decodePredictions}. */
export interface DecodePredictionsOptions extends GetZooFileOptions {
  /** How many top guesses per sample. Default 5. */
  top?: number;
  /** A local class-index JSON to use instead of the cached/downloaded one. */
  classIndexPath?: string;
}

type ClassIndex = [string, string][];

let cached: ClassIndex | undefined;

/** Parses and checks a class-index JSON (`{"0": [wnid, name], ..., "999": [...]}`). */
function parseClassIndex(text: string, path: string): ClassIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DltsError('DLTS_IO', `decodePredictions: ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const out: ClassIndex = [];
  for (let i = 0; i < 1000; i++) {
    const entry = (json as Record<string, unknown> | null)?.[String(i)];
    if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      throw new DltsError('DLTS_IO', `decodePredictions: ${path} is not an ImageNet class index (entry "${i}" is missing or malformed). Received: ${received(entry)}`);
    }
    out.push([entry[0], entry[1]]);
  }
  return out;
}

/**
 * Loads the ImageNet class index: from `classIndexPath`, or from the cache (downloading Keras's
 * file once, md5-checked, into `models/`). Kept in memory after the first call (as Keras).
 *
 * @param options - `classIndexPath`, or the download options.
 * @returns the 1000 `[className, classDescription]` pairs.
 * @throws DltsError `DLTS_DOWNLOAD` when it is neither cached nor downloadable, `DLTS_IO` for a bad file.
 * @example
 * ```ts
 * (await imagenetClassIndex())[281]; // ['n02123045', 'tabby']
 * ```
 */
export async function imagenetClassIndex(options: DecodePredictionsOptions = {}): Promise<[string, string][]> {
  if (options.classIndexPath) {
    const text = await readFile(options.classIndexPath, 'utf8').catch((error: unknown) => {
      throw new DltsError('DLTS_IO', `decodePredictions: cannot read ${options.classIndexPath}: ${(error as Error).message}`, { cause: error });
    });
    return parseClassIndex(text, options.classIndexPath);
  }
  if (!cached) {
    const path = await getZooFile(IMAGENET_CLASS_INDEX, options);
    cached = parseClassIndex(await readFile(path, 'utf8'), path);
  }
  return cached;
}

/**
 * Decodes the predictions of an ImageNet model into the top classes of each sample, as Keras's
 * `decode_predictions` (R: `imagenet_decode_predictions(preds, top = 5)`).
 *
 * @param preds - the model's output, shape `[samples, 1000]` (a tensor or nested arrays).
 * @param options - `top` (default 5), `classIndexPath`, and the class index's download options.
 * @returns one list per sample of `{className, classDescription, score}`, best first.
 * @throws DltsError `DLTS_SHAPE_MISMATCH` when `preds` is not `[samples, 1000]`, `DLTS_VALUE` for a
 *   bad `top`, `DLTS_DOWNLOAD` / `DLTS_IO` when the class index cannot be had.
 * @example
 * ```ts
 * const preds = model.predict(preprocessInput(img)) as tf.Tensor;
 * const [guesses] = await decodePredictions(preds, { top: 3 });
 * guesses[0]; // { className: 'n02504458', classDescription: 'African_elephant', score: 0.909 }
 * ```
 */
export async function decodePredictions(preds: tf.Tensor | number[][], options: DecodePredictionsOptions = {}): Promise<DecodedPrediction[][]> {
  const fn = 'decodePredictions';
  const top = options.top ?? 5;
  if (!(Number.isInteger(top) && top > 0)) throw new DltsError('DLTS_VALUE', `${fn}: top must be a positive integer. Received: top=${received(top)}`);
  const rows: ArrayLike<number>[] = [];
  if (preds instanceof tf.Tensor) {
    if (preds.rank !== 2 || preds.shape[1] !== 1000) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: expects a batch of predictions (a 2D array of shape (samples, 1000)). Received: shape=[${preds.shape}]`);
    }
    const data = preds.dataSync();
    for (let i = 0; i < preds.shape[0]; i++) rows.push(data.subarray(i * 1000, (i + 1) * 1000));
  } else {
    if (!Array.isArray(preds) || !preds.every((r) => Array.isArray(r) && r.length === 1000)) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: expects a batch of predictions (samples x 1000). Received: ${received(preds)}`);
    }
    rows.push(...preds);
  }
  const index = await imagenetClassIndex(options);
  return rows.map((row) => {
    // Descending scores; ties put the higher index first, as Keras's argsort()[-top:][::-1] does.
    const order = Array.from({ length: row.length }, (_, i) => i).sort((a, b) => row[b] - row[a] || b - a);
    return order.slice(0, Math.min(top, row.length)).map((i) => ({ className: index[i][0], classDescription: index[i][1], score: row[i] }));
  });
}
