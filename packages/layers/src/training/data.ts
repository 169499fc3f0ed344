import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { formatShape } from '../engine/shape';

/** Data for one side of a model (inputs or targets): a tensor, a list in order, or a map by layer name. */
export type DataInput = tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;

/** Turns `DataInput` into a list ordered as `names` (the model's input or output layer names). */
export function toTensorList(data: DataInput, names: string[], what: 'x' | 'y' | 'sampleWeight', fn: string): tf.Tensor[] {
  let list: tf.Tensor[];
  if (data instanceof tf.Tensor) list = [data];
  else if (Array.isArray(data)) list = data;
  else if (data && typeof data === 'object') {
    const map = data as Record<string, tf.Tensor>;
    list = names.map((name) => {
      const t = map[name];
      if (!t) {
        throw new DltsError('DLTS_VALUE', `${fn}: no data for "${name}" in ${what}; expected keys ${names.join(', ')}. Received: keys ${Object.keys(map).join(', ')}`);
      }
      return t;
    });
  } else {
    throw new DltsError('DLTS_VALUE', `${fn}: ${what} must be a tensor, an array of tensors or a map of tensors. Received: ${what}=${received(data)}`);
  }
  if (list.length !== names.length) {
    throw new DltsError('DLTS_VALUE', `${fn}: the model expects ${names.length} array(s) for ${what} (${names.join(', ')}). Received: ${list.length}`);
  }
  list.forEach((t, i) => {
    if (!(t instanceof tf.Tensor)) throw new DltsError('DLTS_VALUE', `${fn}: ${what}[${i}] must be a tensor. Received: ${received(t)}`);
    if (t.isDisposed) throw new DltsError('DLTS_VALUE', `${fn}: ${what}[${i}] has been disposed`);
    if (t.rank === 0) throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: ${what}[${i}] needs a batch axis. Received: a scalar`);
  });
  return list;
}

/** Checks that every array has the same number of samples and returns it. */
export function sampleCount(arrays: tf.Tensor[], fn: string): number {
  const n = arrays[0].shape[0];
  for (const a of arrays) {
    if (a.shape[0] !== n) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${fn}: all arrays must have the same number of samples. Received: shapes ${arrays.map((t) => formatShape(t.shape)).join(', ')}`,
      );
    }
  }
  return n;
}

/** Rows `[start, start + size)` of every array (views made with slice). */
export function sliceRows(arrays: tf.Tensor[], start: number, size: number): tf.Tensor[] {
  return arrays.map((a) => {
    if (start === 0 && size === a.shape[0]) return a;
    const begin = new Array(a.rank).fill(0);
    begin[0] = start;
    const sizes = a.shape.slice();
    sizes[0] = size;
    return tf.slice(a, begin, sizes);
  });
}

/** Rows at `indices` of every array. */
export function gatherRows(arrays: tf.Tensor[], indices: Int32Array): tf.Tensor[] {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, 'int32');
    return arrays.map((a) => tf.gather(a, idx));
  });
}

/** One batch from an iterator: `[x, y]`, `[x, y, sampleWeight]`, or tfjs-data's `{xs, ys}`. */
export interface Batch {
  x: DataInput;
  y?: DataInput;
  sampleWeight?: tf.Tensor;
}

/** Reads a batch as produced by a generator (`[x, y]`, `[x, y, w]`, `{xs, ys}`, `{x, y}`). */
export function parseBatch(value: unknown, fn: string): Batch {
  if (Array.isArray(value) && (value.length === 2 || value.length === 3)) {
    return { x: value[0] as DataInput, y: value[1] as DataInput, sampleWeight: value[2] as tf.Tensor | undefined };
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('xs' in v) return { x: v.xs as DataInput, y: v.ys as DataInput | undefined };
    if ('x' in v) return { x: v.x as DataInput, y: v.y as DataInput | undefined, sampleWeight: v.sampleWeight as tf.Tensor | undefined };
  }
  if (value instanceof tf.Tensor) return { x: value };
  throw new DltsError('DLTS_VALUE', `${fn}: a generator must yield [x, y], [x, y, sampleWeight] or {xs, ys}. Received: ${received(value)}`);
}

/** Every tensor inside a batch (to dispose it after use). */
export function batchTensors(batch: Batch): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const add = (d: DataInput | undefined) => {
    if (!d) return;
    if (d instanceof tf.Tensor) out.push(d);
    else if (Array.isArray(d)) out.push(...d);
    else out.push(...Object.values(d));
  };
  add(batch.x);
  add(batch.y);
  if (batch.sampleWeight) out.push(batch.sampleWeight);
  return out;
}

/** A source of batches for `fit`/`evaluate`/`predict`: sync or async iterator or iterable. */
export type BatchSource =
  | Iterator<unknown>
  | AsyncIterator<unknown>
  | Iterable<unknown>
  | AsyncIterable<unknown>;

/** True when `x` is a batch source rather than in-memory data. */
export function isBatchSource(x: unknown): x is BatchSource {
  if (x instanceof tf.Tensor || Array.isArray(x) || x === null || typeof x !== 'object') return false;
  const o = x as Record<string | symbol, unknown>;
  return typeof o.next === 'function' || typeof o[Symbol.iterator] === 'function' || typeof o[Symbol.asyncIterator] === 'function';
}

/**
 * Pulls batches from a source. An iterable is restarted (a new iterator) when `restart` is
 * called, so a finite dataset gives one pass per epoch; a plain iterator (a Keras-style endless
 * generator) simply continues.
 */
export class BatchReader {
  private iterator?: Iterator<unknown> | AsyncIterator<unknown>;

  constructor(private readonly source: BatchSource) {}

  /** Starts a new pass over an iterable source (no-op for plain iterators). */
  restart(): void {
    const s = this.source as unknown as Record<string | symbol, unknown>;
    if (typeof s.next === 'function') {
      this.iterator ??= this.source as Iterator<unknown>;
      return;
    }
    const make = (s[Symbol.asyncIterator] ?? s[Symbol.iterator]) as () => Iterator<unknown> | AsyncIterator<unknown>;
    this.iterator = make.call(this.source);
  }

  /** The next batch, or undefined when the source is exhausted. */
  async next(): Promise<unknown | undefined> {
    if (!this.iterator) this.restart();
    const r = await this.iterator!.next();
    return r.done ? undefined : r.value;
  }
}
