/**
 * The batch order of Keras's image `Iterator`, with prefetching.
 *
 * Order (Keras's `_flow_index`): before every batch the random state is seeded with
 * `seed + totalBatchesSeen` (when a seed is given); at the start of each pass (`batchIndex === 0`)
 * a new permutation of the samples is drawn (when shuffling); a batch is the next `batchSize`
 * entries of that permutation, the last one of a pass being shorter; then the next pass begins.
 * With a seed the draws are numpy's, so the order is Keras's own; without one they come from the
 * dlts stream (`setSeed`).
 *
 * Prefetching: `next()` hands out the oldest scheduled batch and schedules more, so `prefetch`
 * batches are being decoded and augmented while the caller trains. Scheduling (the index slice and
 * every random draw) happens synchronously inside `next()`, in call order, so prefetching never
 * changes which samples or which augmentations a batch gets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check, DltsError } from '@dlts/tensors';
import { dltsDraws, numpyDraws, type Draws } from '../random/draws';

/** One batch as tensors: `[x, y]`, `[x, y, sampleWeight]`, or `x` alone (no labels). The receiver owns them. */
export type ImageBatch = [tf.Tensor, tf.Tensor] | [tf.Tensor, tf.Tensor, tf.Tensor] | tf.Tensor;

/** A batch computed ahead, as plain arrays (no tensors exist until it is handed out). */
export interface PreparedBatch {
  x: Float32Array;
  xShape: number[];
  y?: { data: Float32Array; shape: number[] };
  sampleWeight?: Float32Array;
}

/** Options every image iterator takes. */
export interface IteratorOptions {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Reshuffle at the start of every pass. */
  shuffle?: boolean;
  /** Seed of the order and the augmentation draws (numpy's stream, as Keras). */
  seed?: number | null;
  /** How many batches to prepare ahead of the one being consumed. Default 2. */
  prefetch?: number;
}

interface Checkpoint {
  batchIndex: number;
  totalBatchesSeen: number;
  indexArray: Int32Array | null;
}

/**
 * Base class of the image iterators: an endless async iterator of batches in Keras's order.
 * Use `next()` / `for await` (what `model.fit` does), {@link generatorNext} for R's
 * `generator_next`, or {@link ImageIterator.getBatch} for Keras's `Sequence` indexing.
 *
 * @example
 * ```ts
 * import { imageDataGenerator, type ImageIterator } from '@dlts/image';
 * import { tf } from '@dlts/tensors';
 * const datagen = imageDataGenerator({ rescale: 1 / 255 });
 * const it: ImageIterator = datagen.flow(tf.zeros([100, 28, 28, 1]), tf.zeros([100]), { batchSize: 32 });
 * it.length; // 4 batches per pass
 * const [x, y] = (await it.next()).value as [tf.Tensor, tf.Tensor]; // x: [32, 28, 28, 1], y: [32]
 * const last = await it.getBatch(3); // Keras's Sequence indexing: the pass's last, shorter batch (4 samples)
 * ```
 */
export abstract class ImageIterator implements AsyncIterableIterator<ImageBatch> {
  /** Number of samples. */
  readonly n: number;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each pass is reshuffled. */
  readonly shuffle: boolean;
  /** The seed, or undefined. */
  readonly seed: number | undefined;
  /** Batches scheduled ahead. */
  readonly prefetch: number;
  /** Position within the current pass (Keras's `batch_index`). */
  batchIndex = 0;
  /** Batches produced so far, including prefetched ones (Keras's `total_batches_seen`). */
  totalBatchesSeen = 0;
  /** The current pass's sample order (Keras's `index_array`). */
  indexArray: Int32Array | null = null;
  private queue: { promise: Promise<PreparedBatch>; before: Checkpoint }[] = [];

  protected constructor(n: number, options: IteratorOptions, defaults: { shuffle: boolean }, fn: string) {
    const batchSize = options.batchSize ?? 32;
    check(Number.isInteger(batchSize) && batchSize > 0, fn, 'batchSize must be a positive integer', 'batchSize', batchSize);
    const seed = options.seed ?? undefined;
    check(seed === undefined || (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff), fn, 'seed must be an integer between 0 and 2**32 - 1', 'seed', seed);
    const prefetch = options.prefetch ?? 2;
    check(Number.isInteger(prefetch) && prefetch >= 0, fn, 'prefetch must be a non-negative integer', 'prefetch', prefetch);
    this.n = n;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? defaults.shuffle;
    this.seed = seed;
    this.prefetch = prefetch;
  }

  /** Prepares the samples at `indices`; must make every random draw before its first `await`. */
  protected abstract prepare(indices: Int32Array, draws: Draws): Promise<PreparedBatch>;

  /** Batches per pass: `ceil(n / batchSize)` (Keras's `len(iterator)`). */
  get length(): number {
    return Math.ceil(this.n / this.batchSize);
  }

  /**
   * The next batch, as the async-iterator protocol wants it (`{value, done: false}`; the iterator
   * never ends). `model.fit(iterator, {stepsPerEpoch})` calls this.
   */
  next(): Promise<IteratorResult<ImageBatch>> {
    if (this.queue.length === 0) this.queue.push(this.schedule());
    const head = this.queue.shift()!;
    while (this.queue.length < this.prefetch) this.queue.push(this.schedule());
    return head.promise.then((batch) => ({ done: false, value: toTensors(batch) }));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ImageBatch> {
    return this;
  }

  /**
   * Batch `idx` of the current pass, as Keras's `Sequence.__getitem__` (seeded with
   * `seed + totalBatchesSeen`, the order drawn on first use and redrawn by
   * {@link ImageIterator.onEpochEnd}). Independent of `next()`'s position.
   *
   * @param idx - 0 <= idx < `length`.
   * @returns the batch; the caller owns its tensors.
   * @throws DltsError `DLTS_VALUE` when `idx` is out of range.
   */
  async getBatch(idx: number): Promise<ImageBatch> {
    if (!(Number.isInteger(idx) && idx >= 0 && idx < this.length)) {
      throw new DltsError('DLTS_VALUE', `getBatch: asked to retrieve element ${idx}, but the Sequence has length ${this.length}. Received: idx=${idx}`);
    }
    const draws = this.drawsForBatch();
    this.totalBatchesSeen++;
    if (!this.indexArray) this.setIndexArray(draws);
    const indices = this.indexArray!.slice(this.batchSize * idx, this.batchSize * (idx + 1));
    return toTensors(await this.prepare(indices, draws));
  }

  /** Draws a new order (Keras's `on_epoch_end`, for use with {@link ImageIterator.getBatch}). */
  onEpochEnd(): void {
    this.setIndexArray(dltsDraws());
  }

  /**
   * Restarts at the beginning of a pass (Keras's `reset`). Batches already prefetched are
   * dropped and the counters restored, so the next batch is what Keras would give.
   */
  reset(): void {
    const first = this.queue[0];
    if (first) {
      this.totalBatchesSeen = first.before.totalBatchesSeen;
      this.indexArray = first.before.indexArray;
    }
    this.queue = [];
    this.batchIndex = 0;
  }

  private drawsForBatch(): Draws {
    return this.seed === undefined ? dltsDraws() : numpyDraws((this.seed + this.totalBatchesSeen) >>> 0);
  }

  private setIndexArray(draws: Draws): void {
    if (this.shuffle) this.indexArray = draws.permutation(this.n);
    else {
      const a = new Int32Array(this.n);
      for (let i = 0; i < this.n; i++) a[i] = i;
      this.indexArray = a;
    }
  }

  private schedule(): { promise: Promise<PreparedBatch>; before: Checkpoint } {
    const before: Checkpoint = { batchIndex: this.batchIndex, totalBatchesSeen: this.totalBatchesSeen, indexArray: this.indexArray };
    const draws = this.drawsForBatch();
    if (this.batchIndex === 0) this.setIndexArray(draws);
    const current = this.n === 0 ? 0 : (this.batchIndex * this.batchSize) % this.n;
    if (this.n > current + this.batchSize) this.batchIndex++;
    else this.batchIndex = 0;
    this.totalBatchesSeen++;
    const indices = this.indexArray!.slice(current, current + this.batchSize);
    let promise: Promise<PreparedBatch>;
    try {
      promise = this.prepare(indices, draws);
    } catch (error) {
      promise = Promise.reject(error);
    }
    // A prefetched batch may fail before anyone awaits it: keep that from being "unhandled".
    promise.catch(() => undefined);
    return { promise, before };
  }
}

/**
 * The next batch of an image iterator (R's `generator_next(generator)`): the batch itself rather
 * than the iterator protocol's `{value, done}`.
 *
 * @param iterator - a flow from {@link ImageDataGenerator.flow} or `flowFromDirectory`.
 * @returns `[x, y]` (or `x` when the flow has no labels); the caller owns the tensors.
 * @throws what decoding the batch throws (`DLTS_DATASET_FORMAT` when no image of the batch can be read).
 * @example
 * ```ts
 * const [x, y] = (await generatorNext(trainGenerator)) as [tf.Tensor, tf.Tensor];
 * ```
 */
export async function generatorNext(iterator: ImageIterator): Promise<ImageBatch> {
  const r = await iterator.next();
  return r.value;
}

function toTensors(b: PreparedBatch): ImageBatch {
  const x = tf.tensor(b.x, b.xShape, 'float32');
  if (!b.y) return x;
  const y = tf.tensor(b.y.data, b.y.shape, 'float32');
  if (b.sampleWeight) return [x, y, tf.tensor1d(b.sampleWeight, 'float32')];
  return [x, y];
}
