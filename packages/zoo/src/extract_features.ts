import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Model } from '@dlts/layers';

/** A batch as image flows give them: `[x, y]`, `[x, y, sampleWeight]`, or `x` alone. */
export type FeatureBatch = tf.Tensor | [tf.Tensor, tf.Tensor] | [tf.Tensor, tf.Tensor, tf.Tensor];

/** Where the batches come from: a (async) iterator or iterable, such as `flowFromDirectory(...)`. */
export type BatchSource =
  | AsyncIterator<FeatureBatch>
  | Iterator<FeatureBatch>
  | AsyncIterable<FeatureBatch>
  | Iterable<FeatureBatch>;

/** What {@link extractFeatures} returns: the caller owns both tensors. */
export interface ExtractedFeatures {
  /** `[sampleCount, ...output shape of the base]`, e.g. `[2000, 4, 4, 512]`. */
  features: tf.Tensor;
  /** The labels of the same samples, `[sampleCount, ...]` (undefined when the batches have none). */
  labels?: tf.Tensor;
}

function iteratorOf(source: BatchSource): AsyncIterator<FeatureBatch> | Iterator<FeatureBatch> {
  const s = source as Partial<AsyncIterable<FeatureBatch> & Iterable<FeatureBatch> & Iterator<FeatureBatch>>;
  if (typeof s.next === 'function') return source as Iterator<FeatureBatch>;
  if (typeof s[Symbol.asyncIterator] === 'function') return s[Symbol.asyncIterator]!();
  if (typeof s[Symbol.iterator] === 'function') return s[Symbol.iterator]!();
  throw new DltsError('DLTS_VALUE', `extractFeatures: generator must be an iterator or iterable of [x, y] batches. Received: ${received(source)}`);
}

/**
 * Runs a convolutional base over the batches of a generator and collects exactly `sampleCount`
 * feature maps and labels (the course's `extract_features(directory, sample_count)`, done right:
 * the last batch may be partial and only the samples needed are kept, every batch is freed as soon
 * as it is used, and the outputs are filled in place, so memory holds one batch plus the result).
 *
 * @param convBase - the model to run (e.g. VGG16 without its top).
 * @param generator - batches `[x, y]` (or `x`), e.g. `imageDataGenerator({rescale: 1/255}).flowFromDirectory(dir, {targetSize: [150, 150], batchSize: 20, classMode: 'binary'})`.
 * @param sampleCount - how many samples to collect (a positive integer).
 * @returns `{features, labels}`: `[sampleCount, 4, 4, 512]` and `[sampleCount]` for the course.
 * @throws DltsError `DLTS_VALUE` for a bad `sampleCount` or a generator that ends too soon,
 *   `DLTS_SHAPE_MISMATCH` when batches disagree in shape.
 * @example
 * ```ts
 * const train = await extractFeatures(convBase, datagen.flowFromDirectory(trainDir, { targetSize: [150, 150], batchSize: 20, classMode: 'binary' }), 2000);
 * const x = tf.reshape(train.features, [2000, 4 * 4 * 512]);
 * ```
 */
export async function extractFeatures(convBase: Model, generator: BatchSource, sampleCount: number): Promise<ExtractedFeatures> {
  const fn = 'extractFeatures';
  if (!(Number.isInteger(sampleCount) && sampleCount > 0)) {
    throw new DltsError('DLTS_VALUE', `${fn}: sampleCount must be a positive integer. Received: sampleCount=${received(sampleCount)}`);
  }
  if (!convBase || typeof (convBase as Model).predict !== 'function') {
    throw new DltsError('DLTS_VALUE', `${fn}: convBase must be a model. Received: ${received(convBase)}`);
  }
  const it = iteratorOf(generator);
  let features: Float32Array | undefined;
  let labels: Float32Array | undefined;
  let featureShape: number[] = [];
  let labelShape: number[] | undefined;
  let filled = 0;
  while (filled < sampleCount) {
    const step = await it.next();
    if (step.done) {
      throw new DltsError('DLTS_VALUE', `${fn}: the generator ended after ${filled} sample(s), before sampleCount. Received: sampleCount=${sampleCount}`);
    }
    const batch = step.value;
    const [x, y] = Array.isArray(batch) ? batch : [batch, undefined];
    try {
      const take = Math.min(x.shape[0], sampleCount - filled);
      if (take === 0) continue;
      const out = tf.tidy(() => {
        const part = take === x.shape[0] ? x : tf.slice(x, 0, take);
        const pred = convBase.predict(part, { batchSize: take }) as tf.Tensor;
        return pred;
      });
      const values = out.dataSync() as Float32Array;
      const rowShape = out.shape.slice(1);
      out.dispose();
      if (!features) {
        featureShape = rowShape;
        features = new Float32Array(sampleCount * rowShape.reduce((a, b) => a * b, 1));
      } else if (rowShape.join() !== featureShape.join()) {
        throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: the base gave features of shape [${rowShape}] for one batch and [${featureShape}] for another`);
      }
      features.set(values, filled * (values.length / take));
      if (y !== undefined) {
        const yShape = y.shape.slice(1);
        if (!labels) {
          labelShape = yShape;
          labels = new Float32Array(sampleCount * yShape.reduce((a, b) => a * b, 1));
        } else if (yShape.join() !== labelShape!.join()) {
          throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: labels of shape [${yShape}] in one batch and [${labelShape}] in another`);
        }
        const perRow = yShape.reduce((a, b) => a * b, 1);
        const yValues = y.dataSync();
        labels.set(yValues.subarray(0, take * perRow) as ArrayLike<number>, filled * perRow);
      }
      filled += take;
    } finally {
      tf.dispose(Array.isArray(batch) ? batch : [batch]);
    }
  }
  return {
    features: tf.tensor(features!, [sampleCount, ...featureShape], 'float32'),
    labels: labels ? tf.tensor(labels, [sampleCount, ...labelShape!], 'float32') : undefined,
  };
}
