import * as tf from '@tensorflow/tfjs-core';
import { DltsError, ensureGradients, permutation, received } from '@dlts/tensors';
import { Callback, CallbackList, type Logs } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { ProgbarLogger } from '../callbacks/progbar';
import type { Model } from '../models/model';
import {
  BatchReader,
  batchTensors,
  gatherRows,
  isBatchSource,
  parseBatch,
  sampleCount,
  sliceRows,
  toTensorList,
  type BatchSource,
  type DataInput,
} from './data';
import { ensureBuiltFor, EpochAggregator, requireCompiled, runTestStep, runTrainStep, toStepData, type StepData } from './step';
import { checkTargets } from './targets';
import type { CompiledState } from './compile';

export { History };

/** In-memory data or a batch source (an iterator/generator of `[x, y]` batches). */
export type FitData = DataInput | BatchSource;

/** Validation data for `fit`: `[x, y]`, `[x, y, sampleWeight]`, `{x, y}`, or a batch source. */
export type ValidationData = [DataInput, DataInput] | [DataInput, DataInput, tf.Tensor] | { x: DataInput; y: DataInput } | BatchSource;

/** Arguments of `model.fit` (Keras's names and defaults). */
export interface FitArgs {
  /** Number of epochs. Default 1. */
  epochs?: number;
  /** Samples per gradient step. Default 32. */
  batchSize?: number;
  /** 0 = silent, 1 = progress bar (one line per epoch when not on a terminal), 2 = one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Callbacks to run (EarlyStopping, ModelCheckpoint, ...). */
  callbacks?: Callback | Callback[];
  /** Data to evaluate at the end of each epoch. */
  validationData?: ValidationData;
  /** Fraction of the training data (the last samples, before shuffling) held out for validation. */
  validationSplit?: number;
  /** Shuffle the training samples before each epoch. Default true. */
  shuffle?: boolean;
  /** Epoch at which to start (to resume a run). Default 0. */
  initialEpoch?: number;
  /** Weights per class index, to weight the loss of each sample by its class. */
  classWeight?: Record<number, number>;
  /** Weights per training sample. */
  sampleWeight?: tf.Tensor;
  /** Batches per epoch when `x` is a batch source (required for endless generators). */
  stepsPerEpoch?: number;
  /** Batches of validation per epoch when `validationData` is a batch source. */
  validationSteps?: number;
  /** Batch size for validation. Default `batchSize`. */
  validationBatchSize?: number;
  /** Validate every `validationFreq` epochs. Default 1. */
  validationFreq?: number;
}

/** The training loop behind `model.fit`. */
export async function fitModel(model: Model, x: FitData, y: DataInput | undefined, args: FitArgs): Promise<History> {
  const state = requireCompiled(model, 'fit');
  await ensureGradients();
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = args.verbose ?? 1;
  const validationFreq = args.validationFreq ?? 1;
  positiveInt('epochs', epochs);
  positiveInt('batchSize', batchSize);
  positiveInt('validationFreq', validationFreq);
  if (!(Number.isInteger(initialEpoch) && initialEpoch >= 0)) fail(`initialEpoch must be a non-negative integer`, 'initialEpoch', initialEpoch);
  if (args.validationSplit !== undefined && !(args.validationSplit >= 0 && args.validationSplit < 1)) {
    fail('validationSplit must be in [0, 1)', 'validationSplit', args.validationSplit);
  }
  if (![0, 1, 2].includes(verbose)) fail('verbose must be 0, 1 or 2', 'verbose', verbose);

  const { feed: train, heldOut } = isBatchSource(x)
    ? { feed: sourceFeed(model, x, args.stepsPerEpoch, 'fit'), heldOut: undefined }
    : arrayFeed(model, state, x, y, args, batchSize);
  const validation = makeValidation(model, state, args, batchSize, heldOut);

  warnIfTrainabilityChanged(model, state);
  // As Keras 2: the user's callbacks, then History, then the progress bar (unless one was given),
  // so the epoch line shows what callbacks added to the logs (`lr`).
  const history = new History();
  const user = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  const wantsProgbar = verbose !== 0 && !user.some((c) => c instanceof ProgbarLogger);
  const progbar = wantsProgbar ? [new ProgbarLogger(verbose === 2 ? { live: false } : {})] : [];
  const callbacks = new CallbackList([...user, history, ...progbar]);
  callbacks.setModel(model);
  callbacks.setParams({ verbose, epochs, steps: train.steps });
  const wantsBatchLogs = callbacks.overrides('onTrainBatchEnd');
  const agg = new EpochAggregator(model, state);
  model.stopTraining = false;
  let lastYield = performance.now();
  try {
    await callbacks.call('onTrainBegin', {});
    for (let epoch = initialEpoch; epoch < epochs; epoch++) {
      agg.reset();
      await callbacks.call('onEpochBegin', epoch, {});
      let step = 0;
      for await (const data of train.epoch()) {
        await callbacks.call('onTrainBatchBegin', step, { batch: step, size: data.step.xs[0].shape[0] });
        try {
          runTrainStep(model, state, data.step, agg);
        } finally {
          data.release();
        }
        await callbacks.call('onTrainBatchEnd', step, wantsBatchLogs ? lazyLogs(agg, step, data.step.xs[0].shape[0]) : {});
        step++;
        if (performance.now() - lastYield > 50) {
          // Let timers and servers (e.g. a live dashboard) run during long epochs.
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        // As Keras 2, a callback that sets stopTraining ends the epoch after the current step.
        if (model.stopTraining) break;
      }
      if (step === 0) {
        throw new DltsError('DLTS_VALUE', 'fit: the training data produced no batches in this epoch');
      }
      const logs: Logs = agg.results();
      if (validation && (epoch + 1 - initialEpoch) % validationFreq === 0) {
        const valLogs = await validation.run();
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      await callbacks.call('onEpochEnd', epoch, logs);
      if (model.stopTraining) break;
    }
    await callbacks.call('onTrainEnd', {});
  } finally {
    agg.dispose();
    train.dispose();
    validation?.dispose();
  }
  return history;
}

/** Logs whose values are read from the device only when a callback looks at them. */
function lazyLogs(agg: EpochAggregator, batch: number, size: number): Logs {
  let cache: Logs | undefined;
  const logs: Logs = { batch, size };
  for (const name of agg.names) {
    Object.defineProperty(logs, name, {
      enumerable: true,
      get: () => (cache ??= agg.results())[name],
    });
  }
  return logs;
}

/** A per-epoch stream of batches. */
interface Feed {
  steps: number | undefined;
  epoch(): AsyncIterable<{ step: StepData; release(): void }>;
  dispose(): void;
}

/** In-memory training data as a feed, plus the samples `validationSplit` held out. */
function arrayFeed(
  model: Model,
  state: CompiledState,
  x: DataInput,
  y: DataInput | undefined,
  args: FitArgs,
  batchSize: number,
): { feed: Feed; heldOut?: StepData } {
  if (y === undefined) throw new DltsError('DLTS_VALUE', 'fit: y (the targets) is required when x is in-memory data');
  ensureBuiltFor(model, x);
  let xs = toTensorList(x, model.inputNames, 'x', 'fit');
  let ys = toTensorList(y, model.outputNames, 'y', 'fit');
  let n = sampleCount([...xs, ...ys], 'fit');
  checkTargets(model, state, ys, 'fit');
  let sampleWeight = args.sampleWeight;
  if (sampleWeight && sampleWeight.shape[0] !== n) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `fit: sampleWeight has ${sampleWeight.shape[0]} entries for ${n} samples`);
  }
  const owned: tf.Tensor[] = [];
  let heldOut: StepData | undefined;
  if (args.classWeight) {
    const w = classWeights(args.classWeight, ys[0]);
    sampleWeight = sampleWeight ? tf.mul(sampleWeight, w) : w;
    if (sampleWeight !== w) w.dispose();
    owned.push(sampleWeight);
  }
  if (args.validationSplit && args.validationSplit > 0) {
    const at = Math.floor(n * (1 - args.validationSplit));
    if (at < 1 || at >= n) {
      throw new DltsError('DLTS_VALUE', `fit: validationSplit=${args.validationSplit} leaves no training or no validation samples out of ${n}`);
    }
    const trainX = sliceRows(xs, 0, at);
    const trainY = sliceRows(ys, 0, at);
    const sw = sampleWeight ? sliceRows([sampleWeight], 0, at)[0] : undefined;
    owned.push(...trainX, ...trainY, ...(sw ? [sw] : []));
    heldOut = {
      xs: sliceRows(xs, at, n - at),
      ys: sliceRows(ys, at, n - at),
      sampleWeight: sampleWeight ? sliceRows([sampleWeight], at, n - at)[0] : undefined,
    };
    xs = trainX;
    ys = trainY;
    sampleWeight = sw;
    n = at;
  }
  const steps = Math.ceil(n / batchSize);
  const shuffle = args.shuffle ?? true;
  const feed: Feed = {
    steps,
    async *epoch() {
      const order = shuffle ? permutation(n) : undefined;
      for (let s = 0; s < steps; s++) {
        const start = s * batchSize;
        const size = Math.min(batchSize, n - start);
        const all = sampleWeight ? [...xs, ...ys, sampleWeight] : [...xs, ...ys];
        const rows = order ? gatherRows(all, order.subarray(start, start + size)) : sliceRows(all, start, size);
        const step: StepData = {
          xs: rows.slice(0, xs.length),
          ys: rows.slice(xs.length, xs.length + ys.length),
          sampleWeight: sampleWeight ? rows[rows.length - 1] : undefined,
        };
        yield {
          step,
          release: () => rows.forEach((r, i) => r !== all[i] && r.dispose()),
        };
      }
    },
    dispose: () => owned.forEach((t) => t.dispose()),
  };
  return { feed, heldOut };
}

function sourceFeed(model: Model, source: BatchSource, stepsPerEpoch: number | undefined, fn: string): Feed {
  if (stepsPerEpoch !== undefined) positiveInt('stepsPerEpoch', stepsPerEpoch);
  const reader = new BatchReader(source);
  let checked = false;
  return {
    steps: stepsPerEpoch,
    async *epoch() {
      if (stepsPerEpoch === undefined) reader.restart();
      for (let s = 0; stepsPerEpoch === undefined || s < stepsPerEpoch; s++) {
        const value = await reader.next();
        if (value === undefined) {
          if (stepsPerEpoch !== undefined) {
            console.warn(
              `${fn}: your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least stepsPerEpoch * epochs batches (in this case, ${stepsPerEpoch} batches per epoch).`,
            );
            model.stopTraining = true;
          }
          return;
        }
        const batch = parseBatch(value, fn);
        const owned = batchTensors(batch);
        try {
          if (batch.y === undefined) throw new DltsError('DLTS_VALUE', `${fn}: the generator must yield targets: [x, y]`);
          ensureBuiltFor(model, batch.x);
          const step = toStepData(model, batch.x, batch.y, batch.sampleWeight, fn);
          if (!checked && model.compiled) {
            checkTargets(model, model.compiled, step.ys, fn);
            checked = true;
          }
          yield { step, release: () => owned.forEach((t) => t.dispose()) };
        } catch (error) {
          owned.forEach((t) => t.dispose());
          throw error;
        }
      }
    },
    dispose: () => undefined,
  };
}

interface Validation {
  run(): Promise<Logs>;
  dispose(): void;
}

function makeValidation(model: Model, state: CompiledState, args: FitArgs, batchSize: number, split: StepData | undefined): Validation | undefined {
  const vbs = args.validationBatchSize ?? batchSize;
  const agg = new EpochAggregator(model, state);
  const runArrays = (data: StepData, owned: tf.Tensor[]): Validation => ({
    async run() {
      agg.reset();
      const n = data.xs[0].shape[0];
      for (let start = 0; start < n; start += vbs) {
        const size = Math.min(vbs, n - start);
        const all = data.sampleWeight ? [...data.xs, ...data.ys, data.sampleWeight] : [...data.xs, ...data.ys];
        const rows = sliceRows(all, start, size);
        try {
          runTestStep(model, state, { xs: rows.slice(0, data.xs.length), ys: rows.slice(data.xs.length, data.xs.length + data.ys.length), sampleWeight: data.sampleWeight ? rows[rows.length - 1] : undefined }, agg);
        } finally {
          rows.forEach((r, i) => r !== all[i] && r.dispose());
        }
      }
      return agg.results();
    },
    dispose() {
      agg.dispose();
      owned.forEach((t) => t.dispose());
    },
  });
  if (split) {
    return runArrays(split, [...split.xs, ...split.ys, ...(split.sampleWeight ? [split.sampleWeight] : [])]);
  }
  const v = args.validationData;
  if (v === undefined) {
    agg.dispose();
    return undefined;
  }
  if (isBatchSource(v)) {
    const feed = sourceFeed(model, v, args.validationSteps, 'fit (validation)');
    return {
      async run() {
        agg.reset();
        for await (const data of feed.epoch()) {
          try {
            runTestStep(model, state, data.step, agg);
          } finally {
            data.release();
          }
        }
        return agg.results();
      },
      dispose: () => agg.dispose(),
    };
  }
  let vx: DataInput;
  let vy: DataInput;
  let vw: tf.Tensor | undefined;
  if (Array.isArray(v)) {
    if (v.length < 2) throw new DltsError('DLTS_VALUE', `fit: validationData must be [x, y] or [x, y, sampleWeight]. Received: an array of ${v.length}`);
    [vx, vy, vw] = v as unknown as [DataInput, DataInput, tf.Tensor?];
  } else {
    ({ x: vx, y: vy } = v as { x: DataInput; y: DataInput });
  }
  const data = toStepData(model, vx, vy, vw, 'fit (validationData)');
  checkTargets(model, state, data.ys, 'fit (validationData)');
  return runArrays(data, []);
}

function classWeights(classWeight: Record<number, number>, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = y.rank > 1 && y.shape[y.rank - 1]! > 1 ? tf.argMax(y, -1) : tf.cast(tf.round(tf.reshape(y, [y.shape[0]])), 'int32');
    const maxClass = Math.max(...Object.keys(classWeight).map(Number), tf.max(classes).dataSync()[0]);
    const table = new Float32Array(maxClass + 1).fill(1);
    for (const [k, w] of Object.entries(classWeight)) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0) fail('classWeight keys must be class indices', 'classWeight', classWeight);
      table[i] = w;
    }
    return tf.gather(tf.tensor1d(table), tf.reshape(classes, [-1]));
  });
}

function warnIfTrainabilityChanged(model: Model, state: CompiledState): void {
  const now = model.trainableWeights;
  const then = state.trainableWeights;
  if (now.length !== then.length || now.some((w, i) => w !== then[i])) {
    console.warn(
      `fit: the trainable weights of "${model.name}" changed since compile (${then.length} then, ${now.length} now). ` +
        'As in Keras, training uses the weights that were trainable at compile time: call model.compile(...) again after freezeWeights/unfreezeWeights or setting trainable.',
    );
  }
}

function positiveInt(name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) fail(`${name} must be a positive integer`, name, value);
}

function fail(what: string, arg: string, value: unknown): never {
  throw new DltsError('DLTS_VALUE', `fit: ${what}. Received: ${arg}=${received(value)}`);
}
