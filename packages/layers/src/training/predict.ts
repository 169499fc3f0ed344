import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Tensors } from '../engine/layer';
import type { Model } from '../models/model';
import { sliceRows, toTensorList, type DataInput } from './data';
import { ensureBuiltFor } from './step';

/** Arguments of `model.predict`. */
export interface PredictArgs {
  /** Samples per batch. Default 32. */
  batchSize?: number;
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
    const results = parts.map((list) => (list.length === 1 ? list[0] : tf.concat(list, 0)));
    for (const list of parts) if (list.length > 1) list.forEach((t) => t.dispose());
    return results.length === 1 ? results[0] : results;
  } catch (error) {
    for (const list of parts) list.forEach((t) => t.dispose());
    throw error;
  }
}
