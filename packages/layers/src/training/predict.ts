import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Tensors } from '../engine/layer';
import type { Model } from '../models/model';
import { BatchReader, batchTensors, parseBatch, sliceRows, toTensorList, type BatchSource, type DataInput } from './data';
import { ensureBuiltFor } from './step';

/** Arguments of `model.predict`. */
export interface PredictArgs {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Batches to read from a batch source (default: until it ends; required for endless generators). */
  steps?: number;
  /** Kept for Keras parity; prediction prints nothing. */
  verbose?: 0 | 1 | 2;
}

/** The loop behind `model.predict`: outputs for every sample, computed batch by batch. */
export function predictModel(model: Model, x: DataInput, args: PredictArgs): Tensors {
  const batchSize = args.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize > 0) && batchSize !== Number.MAX_SAFE_INTEGER) {
    throw new DltsError('DLTS_VALUE', `predict: batchSize must be a positive integer. Received: batchSize=${received(batchSize)}`);
  }
  ensureBuiltFor(model, x);
  const xs = toTensorList(x, model.inputNames, 'x', 'predict');
  const n = xs[0].shape[0];
  const parts: tf.Tensor[][] = model.outputs.map(() => []);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const outs = tf.tidy(() => model.callOutputs(sliceRows(xs, start, size), { training: false }));
      outs.forEach((o, i) => parts[i].push(o));
    }
    return joinBatches(parts);
  } catch (error) {
    for (const list of parts) list.forEach((t) => t.dispose());
    throw error;
  }
}

/**
 * `model.predict` on a batch source: the outputs for `steps` batches (or every batch until the
 * source ends), concatenated. Each batch may be `x` alone or `[x, y]` (targets are ignored); the
 * batch tensors are disposed after use.
 */
export async function predictFromSource(model: Model, source: BatchSource, args: PredictArgs): Promise<Tensors> {
  if (args.steps !== undefined && !(Number.isInteger(args.steps) && args.steps > 0)) {
    throw new DltsError('DLTS_VALUE', `predict: steps must be a positive integer. Received: steps=${received(args.steps)}`);
  }
  const reader = new BatchReader(source);
  reader.restart();
  const parts: tf.Tensor[][] = [];
  try {
    for (let s = 0; args.steps === undefined || s < args.steps; s++) {
      const value = await reader.next();
      if (value === undefined) break;
      const batch = value instanceof tf.Tensor ? { x: value as DataInput } : parseBatch(value, 'predict');
      const owned = batchTensors(batch);
      try {
        ensureBuiltFor(model, batch.x);
        const xs = toTensorList(batch.x, model.inputNames, 'x', 'predict');
        const outs = tf.tidy(() => model.callOutputs(xs, { training: false }));
        outs.forEach((o, i) => (parts[i] ??= []).push(o));
      } finally {
        owned.forEach((t) => t.dispose());
      }
    }
    if (parts.length === 0) throw new DltsError('DLTS_VALUE', 'predict: the batch source produced no batches');
    return joinBatches(parts);
  } catch (error) {
    for (const list of parts) list.forEach((t) => t.dispose());
    throw error;
  }
}

/**
 * Each output's batches concatenated along the samples (a single batch is returned as it is);
 * the batch tensors are disposed. One output comes back as a tensor, several as a list.
 */
function joinBatches(parts: tf.Tensor[][]): Tensors {
  const results = parts.map((list) => (list.length === 1 ? list[0] : tf.concat(list, 0)));
  for (const list of parts) if (list.length > 1) list.forEach((t) => t.dispose());
  return results.length === 1 ? results[0] : results;
}
