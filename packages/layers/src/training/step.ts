import * as tf from '@tensorflow/tfjs-core';
import { DltsError, gradientsRegistered } from '@dlts/tensors';
import { recordKerasLogits } from '../keras_logits';
import type { Model } from '../models/model';
import type { CompiledState } from './compile';
import { sampleCount, toTensorList, type DataInput } from './data';

/** One batch, ordered as the model's inputs and outputs. */
export interface StepData {
  xs: tf.Tensor[];
  ys: tf.Tensor[];
  /** Per-sample weights (one vector for all outputs), if any. */
  sampleWeight?: tf.Tensor;
}

/** Throws when the model has not been compiled. */
export function requireCompiled(model: Model, fn: string): CompiledState {
  if (!model.compiled) {
    throw new DltsError('DLTS_NOT_COMPILED', `${fn}: you must compile your model before training/testing. Use \`model.compile({optimizer, loss})\``);
  }
  return model.compiled;
}

/**
 * Running means of the loss terms over an epoch, kept on the device (no read-back per batch),
 * plus the compiled metrics. `results()` reads everything back once.
 */
export class EpochAggregator {
  private lossSum?: tf.Tensor;
  private outputLossSums: (tf.Tensor | undefined)[] = [];
  private count = 0;

  constructor(
    private readonly model: Model,
    private readonly state: CompiledState,
  ) {}

  /** Log names in order: `loss`, per-output losses (several outputs), then metrics. */
  get names(): string[] {
    const outputs = this.model.outputNames;
    const names = ['loss'];
    if (outputs.length > 1) names.push(...outputs.map((n) => `${n}_loss`));
    for (const list of this.state.metricNames) names.push(...list);
    return names;
  }

  reset(): void {
    this.lossSum?.dispose();
    this.lossSum = undefined;
    for (const t of this.outputLossSums) t?.dispose();
    this.outputLossSums = [];
    this.count = 0;
    for (const list of this.state.metrics) for (const m of list) m.reset();
  }

  /** Adds one batch: its total loss, per-output losses, and the metric updates. */
  add(total: tf.Scalar, perOutput: tf.Scalar[], preds: tf.Tensor[], ys: tf.Tensor[], batchSize: number, sampleWeight?: tf.Tensor): void {
    const prev = this.lossSum;
    this.lossSum = tf.keep(prev ? tf.add(prev, tf.mul(total, batchSize)) : tf.mul(total, batchSize));
    prev?.dispose();
    if (perOutput.length > 1) {
      perOutput.forEach((l, i) => {
        const p = this.outputLossSums[i];
        this.outputLossSums[i] = tf.keep(p ? tf.add(p, tf.mul(l, batchSize)) : tf.mul(l, batchSize));
        p?.dispose();
      });
    }
    this.count += batchSize;
    this.state.metrics.forEach((list, i) => {
      for (const m of list) m.update(ys[i], preds[i], sampleWeight);
    });
  }

  /** Reads the epoch's means so far (one sync). */
  results(): Record<string, number> {
    const logs: Record<string, number> = {};
    if (this.count === 0) return logs;
    const scalars: tf.Tensor[] = [];
    tf.tidy(() => {
      scalars.push(tf.keep(tf.div(this.lossSum!, this.count)));
      for (const s of this.outputLossSums) if (s) scalars.push(tf.keep(tf.div(s, this.count)));
    });
    for (const list of this.state.metrics) for (const m of list) scalars.push(m.result());
    const values = scalars.map((s) => s.dataSync()[0]);
    scalars.forEach((s) => s.dispose());
    this.names.forEach((name, i) => (logs[name] = values[i]));
    return logs;
  }

  dispose(): void {
    this.reset();
  }
}

/**
 * The training loss of a batch: per output, the Keras `sum_over_batch_size` reduction of the
 * per-sample losses (weighted by `sampleWeight`), times its loss weight; plus the weights'
 * regularization penalties.
 */
export function computeLoss(
  model: Model,
  state: CompiledState,
  ys: tf.Tensor[],
  preds: tf.Tensor[],
  sampleWeight: tf.Tensor | undefined,
): { total: tf.Scalar; perOutput: tf.Scalar[] } {
  const perOutput = preds.map((pred, i) => {
    let values = state.losses[i].call(ys[i], pred);
    if (sampleWeight) {
      const w = sampleWeight.rank < values.rank ? tf.reshape(sampleWeight, [...sampleWeight.shape, ...new Array(values.rank - sampleWeight.rank).fill(1)]) : sampleWeight;
      values = tf.mul(values, w);
    }
    return tf.mean(values) as tf.Scalar;
  });
  let total = perOutput.length === 1 && state.lossWeights[0] === 1 ? perOutput[0] : (tf.addN(perOutput.map((l, i) => tf.mul(l, state.lossWeights[i]))) as tf.Scalar);
  const penalties = model.regularizationLosses();
  if (penalties.length > 0) total = tf.add(total, tf.addN(penalties)) as tf.Scalar;
  return { total, perOutput };
}

/**
 * One optimisation step: forward in training mode, loss, gradients of the weights that were
 * trainable at `compile`, optimizer update, metric updates. Leaves no tensors behind.
 */
export function runTrainStep(model: Model, state: CompiledState, data: StepData, agg: EpochAggregator): void {
  const variables = state.trainableWeights.map((w) => w.variable);
  let preds: tf.Tensor[] = [];
  let perOutput: tf.Scalar[] = [];
  const logits: tf.Tensor[] = [];
  try {
    tf.tidy(() => {
      const lossFn = (): tf.Scalar => {
        const outs = recordKerasLogits(logits, () => model.callOutputs(data.xs, { training: true }));
        const loss = computeLoss(model, state, data.ys, outs, data.sampleWeight);
        preds = outs.map((o) => tf.keep(o));
        perOutput = loss.perOutput.map((l) => tf.keep(l));
        return loss.total;
      };
      let total: tf.Scalar;
      if (variables.length === 0) {
        total = lossFn();
      } else {
        const { value, grads } = tf.variableGrads(lossFn, variables);
        total = value;
        const pairs = variables.filter((v) => grads[v.name]).map((v) => ({ variable: v, gradient: grads[v.name] }));
        state.optimizer.applyGradients(pairs);
      }
      agg.add(total, perOutput, preds, data.ys, data.xs[0].shape[0], data.sampleWeight);
    });
  } finally {
    for (const t of preds) t.dispose();
    for (const t of perOutput) t.dispose();
    tf.dispose(logits);
  }
}

/** Loss and metric updates for one batch in inference mode (validation, evaluate). */
export function runTestStep(model: Model, state: CompiledState, data: StepData, agg: EpochAggregator): void {
  const logits: tf.Tensor[] = [];
  try {
    tf.tidy(() => {
      const outs = recordKerasLogits(logits, () => model.callOutputs(data.xs, { training: false }));
      const { total, perOutput } = computeLoss(model, state, data.ys, outs, data.sampleWeight);
      agg.add(total, perOutput, outs, data.ys, data.xs[0].shape[0], data.sampleWeight);
    });
  } finally {
    tf.dispose(logits);
  }
}

/** Converts user data for one batch into a `StepData`, casting targets to float32 where the loss needs it. */
export function toStepData(model: Model, x: DataInput, y: DataInput, sampleWeight: tf.Tensor | undefined, fn: string): StepData {
  const xs = toTensorList(x, model.inputNames, 'x', fn);
  const ys = toTensorList(y, model.outputNames, 'y', fn);
  const n = sampleCount([...xs, ...ys], fn);
  if (sampleWeight && sampleWeight.shape[0] !== n) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: sampleWeight has ${sampleWeight.shape[0]} entries for ${n} samples`);
  }
  return { xs, ys, sampleWeight };
}

/** `model.trainOnBatch`: one step on one batch, returning that batch's loss and metrics. */
export function trainOnBatch(model: Model, x: DataInput, y: DataInput, sampleWeight?: tf.Tensor): Record<string, number> {
  const state = requireCompiled(model, 'trainOnBatch');
  if (!gradientsRegistered()) {
    throw new DltsError('DLTS_BACKEND', 'trainOnBatch: tfjs gradients are not registered yet; run `await initBackend()` (or `await ensureGradients()`) first');
  }
  ensureBuiltFor(model, x);
  const agg = new EpochAggregator(model, state);
  try {
    runTrainStep(model, state, toStepData(model, x, y, sampleWeight, 'trainOnBatch'), agg);
    return agg.results();
  } finally {
    agg.dispose();
  }
}

/** `model.testOnBatch`: loss and metrics of one batch without training. */
export function testOnBatch(model: Model, x: DataInput, y: DataInput, sampleWeight?: tf.Tensor): Record<string, number> {
  const state = requireCompiled(model, 'testOnBatch');
  ensureBuiltFor(model, x);
  const agg = new EpochAggregator(model, state);
  try {
    runTestStep(model, state, toStepData(model, x, y, sampleWeight, 'testOnBatch'), agg);
    return agg.results();
  } finally {
    agg.dispose();
  }
}

/** Builds a deferred sequential model from the first data it sees. */
export function ensureBuiltFor(model: Model, x: DataInput): void {
  if (model.built) return;
  const first = x instanceof tf.Tensor ? x : Array.isArray(x) ? x[0] : Object.values(x)[0];
  model.build([null, ...first.shape.slice(1)]);
  if (model.compiled && model.compiled.trainableWeights.length === 0) {
    // Compiled before the weights existed (no input shape yet): take the snapshot now.
    model.compiled.trainableWeights = model.trainableWeights;
    model.compiled.optimizer.build(model.compiled.trainableWeights.map((w) => w.variable));
  }
}
