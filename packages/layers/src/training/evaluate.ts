import { DltsError, received } from '@dlts/tensors';
import { CallbackList, type Callback } from '../callbacks/callback';
import type { Model } from '../models/model';
import { BatchReader, batchTensors, isBatchSource, parseBatch, sliceRows, type DataInput } from './data';
import type { FitData } from './fit';
import { ensureBuiltFor, EpochAggregator, requireCompiled, runTestStep, toStepData } from './step';
import { checkTargets } from './targets';
import type * as tf from '@tensorflow/tfjs-core';

/** Arguments of `model.evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Batches to draw when `x` is a batch source (required for endless generators). */
  steps?: number;
  /** Per-sample weights. */
  sampleWeight?: tf.Tensor;
  /** Callbacks (their `onTest*` hooks run). */
  callbacks?: Callback | Callback[];
  /** Kept for Keras parity; evaluation prints nothing. */
  verbose?: 0 | 1 | 2;
}

/** The loop behind `model.evaluate`: `{loss, ...metrics}` averaged over all samples. */
export async function evaluateModel(model: Model, x: FitData, y: DataInput | undefined, args: EvaluateArgs): Promise<Record<string, number>> {
  const state = requireCompiled(model, 'evaluate');
  const batchSize = args.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new DltsError('DLTS_VALUE', `evaluate: batchSize must be a positive integer. Received: batchSize=${received(batchSize)}`);
  }
  const callbacks = new CallbackList(args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]);
  callbacks.setModel(model);
  const agg = new EpochAggregator(model, state);
  try {
    await callbacks.call('onTestBegin', {});
    let step = 0;
    if (isBatchSource(x)) {
      const reader = new BatchReader(x);
      reader.restart();
      for (; args.steps === undefined || step < args.steps; step++) {
        const value = await reader.next();
        if (value === undefined) break;
        const batch = parseBatch(value, 'evaluate');
        const owned = batchTensors(batch);
        try {
          if (batch.y === undefined) throw new DltsError('DLTS_VALUE', 'evaluate: the generator must yield targets: [x, y]');
          ensureBuiltFor(model, batch.x);
          await callbacks.call('onTestBatchBegin', step, {});
          runTestStep(model, state, toStepData(model, batch.x, batch.y, batch.sampleWeight, 'evaluate'), agg);
          await callbacks.call('onTestBatchEnd', step, {});
        } finally {
          owned.forEach((t) => t.dispose());
        }
      }
    } else {
      if (y === undefined) throw new DltsError('DLTS_VALUE', 'evaluate: y (the targets) is required when x is in-memory data');
      ensureBuiltFor(model, x);
      const data = toStepData(model, x, y, args.sampleWeight, 'evaluate');
      checkTargets(model, state, data.ys, 'evaluate');
      const n = data.xs[0].shape[0];
      const all = data.sampleWeight ? [...data.xs, ...data.ys, data.sampleWeight] : [...data.xs, ...data.ys];
      for (let start = 0; start < n; start += batchSize, step++) {
        const size = Math.min(batchSize, n - start);
        const rows = sliceRows(all, start, size);
        try {
          await callbacks.call('onTestBatchBegin', step, {});
          runTestStep(
            model,
            state,
            { xs: rows.slice(0, data.xs.length), ys: rows.slice(data.xs.length, data.xs.length + data.ys.length), sampleWeight: data.sampleWeight ? rows[rows.length - 1] : undefined },
            agg,
          );
          await callbacks.call('onTestBatchEnd', step, {});
        } finally {
          rows.forEach((r, i) => r !== all[i] && r.dispose());
        }
      }
    }
    if (step === 0) throw new DltsError('DLTS_VALUE', 'evaluate: the data produced no batches');
    const logs = agg.results();
    await callbacks.call('onTestEnd', logs);
    return logs;
  } finally {
    agg.dispose();
  }
}
