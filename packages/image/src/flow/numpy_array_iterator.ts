import * as tf from '@tensorflow/tfjs-core';
import { check, DltsError, received } from '@dlts/tensors';
import type { Draws } from '../random/draws';
import type { ImageDataGenerator } from '../generator/image_data_generator';
import { ImageIterator, type IteratorOptions, type PreparedBatch } from './iterator';

/** Options of {@link ImageDataGenerator.flow} (Keras's `flow` arguments). */
export interface FlowOptions extends IteratorOptions {
  /** Per-sample weights, `[n]`; batches become `[x, y, sampleWeight]`. */
  sampleWeight?: tf.Tensor | null;
  /** `'training'` or `'validation'`: the part of the data the generator's `validationSplit` assigns. */
  subset?: 'training' | 'validation' | null;
  /** Allow a split whose two parts do not hold the same classes. Default false. */
  ignoreClassSplit?: boolean;
}

/**
 * Batches from in-memory arrays (Keras's `NumpyArrayIterator`). Created by
 * {@link ImageDataGenerator.flow}; shuffles by default, as `flow` does.
 *
 * @example
 * ```ts
 * import { NumpyArrayIterator, imageDataGenerator } from '@dlts/image';
 * const datagen = imageDataGenerator({ rotationRange: 20, horizontalFlip: true });
 * const flow = datagen.flow(xTrain, yTrain, { batchSize: 32, seed: 1 });
 * flow instanceof NumpyArrayIterator; // true
 * await model.fit(flow, { stepsPerEpoch: flow.length, epochs: 10 });
 * ```
 */
export class NumpyArrayIterator extends ImageIterator {
  /** The generator that augments and normalises each sample (null: none). */
  readonly imageDataGenerator: ImageDataGenerator | null;
  /** The sample shape `[h, w, c]`. */
  readonly imageShape: number[];
  private readonly xData: Float32Array;
  private readonly yData: Float32Array | null;
  private readonly yShape: number[];
  private readonly weights: Float32Array | null;

  constructor(x: tf.Tensor, y: tf.Tensor | null, generator: ImageDataGenerator | null, options: FlowOptions = {}) {
    const fn = 'flow';
    if (!(x instanceof tf.Tensor) || x.rank !== 4) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${fn}: input data should have rank 4 ([samples, height, width, channels]). Received: ${x instanceof tf.Tensor ? `shape=${received(x.shape)}` : received(x)}`,
      );
    }
    let n = x.shape[0];
    if (y && y.shape[0] !== n) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: x (images) and y (labels) should have the same length. Received: x.shape=${received(x.shape)}, y.shape=${received(y.shape)}`);
    }
    const w = options.sampleWeight ?? null;
    if (w && w.shape[0] !== n) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: x (images) and sampleWeight should have the same length. Received: x.shape=${received(x.shape)}, sampleWeight.shape=${received(w.shape)}`);
    }
    const per = x.shape[1]! * x.shape[2]! * x.shape[3]!;
    let xData = Float32Array.from(x.dataSync());
    let yData = y ? Float32Array.from(y.dataSync()) : null;
    const yPer = y ? y.size / n : 0;
    let weights = w ? Float32Array.from(w.dataSync()) : null;
    const subset = options.subset ?? null;
    if (subset !== null) {
      check(subset === 'training' || subset === 'validation', fn, 'subset must be "training" or "validation"', 'subset', subset);
      const split = generator?.options.validationSplit ?? 0;
      const at = Math.trunc(n * split);
      if (yData && !options.ignoreClassSplit) {
        const a = new Set(yData.subarray(0, at * yPer));
        const b = new Set(yData.subarray(at * yPer));
        if (a.size !== b.size || [...a].some((v) => !b.has(v))) {
          throw new DltsError(
            'DLTS_VALUE',
            `${fn}: training and validation subsets have different classes after the split. If your arrays are sorted by label, shuffle them first. Received: validationSplit=${split}`,
          );
        }
      }
      const [from, to] = subset === 'validation' ? [0, at] : [at, n];
      xData = xData.slice(from * per, to * per);
      if (yData) yData = yData.slice(from * yPer, to * yPer);
      if (weights) weights = weights.slice(from, to);
      n = to - from;
    }
    if (![1, 3, 4].includes(x.shape[3]!)) {
      console.warn(`${fn}: expected images with 1, 3 or 4 channels on axis 3. Received: shape=${received(x.shape)} (${x.shape[3]} channels)`);
    }
    super(n, options, { shuffle: true }, fn);
    this.imageDataGenerator = generator;
    this.imageShape = x.shape.slice(1);
    this.xData = xData;
    this.yData = yData;
    this.yShape = y ? y.shape.slice(1) : [];
    this.weights = weights;
  }

  protected override async prepare(indices: Int32Array, draws: Draws): Promise<PreparedBatch> {
    const per = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
    const out = new Float32Array(indices.length * per);
    const gen = this.imageDataGenerator;
    indices.forEach((j, i) => {
      let img: Float32Array = this.xData.slice(j * per, (j + 1) * per);
      if (gen) {
        const params = gen.drawTransform(this.imageShape, draws);
        img = gen.transformPixels(img, this.imageShape, params);
        img = gen.standardizePixels(img, this.imageShape);
      }
      out.set(img, i * per);
    });
    const batch: PreparedBatch = { x: out, xShape: [indices.length, ...this.imageShape] };
    if (this.yData) {
      const yPer = this.yShape.reduce((a, b) => a * b, 1);
      const y = new Float32Array(indices.length * yPer);
      indices.forEach((j, i) => y.set(this.yData!.subarray(j * yPer, (j + 1) * yPer), i * yPer));
      batch.y = { data: y, shape: [indices.length, ...this.yShape] };
      if (this.weights) batch.sampleWeight = Float32Array.from(indices, (j) => this.weights![j]);
    }
    return batch;
  }
}
