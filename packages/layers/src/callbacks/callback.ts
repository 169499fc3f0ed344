import type { Model } from '../models/model';

/** Numbers reported to callbacks: `{loss, accuracy, val_loss, ...}`. */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks about the run (Keras's `params`). */
export interface TrainingParams {
  verbose: number;
  epochs: number;
  /** Steps per epoch (undefined when a generator has no known length). */
  steps: number | undefined;
  [key: string]: unknown;
}

/**
 * Base class of training callbacks (Keras's `Callback`). Override the hooks you need; each may
 * return a promise, which `fit` awaits. `this.model` and `this.params` are set before training.
 *
 * Batch logs are computed lazily: reading a value from `logs` in `onTrainBatchEnd` reads the
 * running metrics back from the device, so callbacks that do not look cost nothing.
 *
 * @example
 * ```ts
 * import { Callback, type Logs } from '@dlts/layers';
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs?: Logs): void {
 *     console.log(`epoch ${epoch + 1}: loss ${logs?.loss}`);
 *   }
 * }
 * await model.fit(xTrain, yTrain, { epochs: 5, callbacks: [new PrintLoss()] });
 * ```
 */
export class Callback {
  /** The model being trained (set by `fit`). */
  model?: Model;
  /** The run's parameters (set by `fit`). */
  params?: TrainingParams;

  setModel(model: Model): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }
  onTrainBegin(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onTrainEnd(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onEpochBegin(epoch: number, logs?: Logs): void | Promise<void> {
    void epoch;
    void logs;
  }
  onEpochEnd(epoch: number, logs?: Logs): void | Promise<void> {
    void epoch;
    void logs;
  }
  onTrainBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
  onTrainBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
  onTestBegin(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onTestEnd(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onTestBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
  onTestBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
  onPredictBegin(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onPredictEnd(logs?: Logs): void | Promise<void> {
    void logs;
  }
  onPredictBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
  onPredictBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    void batch;
    void logs;
  }
}

type Hook = Exclude<keyof Callback, 'model' | 'params' | 'setModel' | 'setParams'>;

/**
 * Runs a hook on every callback in order, awaiting each.
 *
 * @example
 * ```ts
 * import { CallbackList, History, TerminateOnNaN } from '@dlts/layers';
 * const history = new History();
 * const list = new CallbackList([new TerminateOnNaN(), history]);
 * list.setModel(model);
 * await list.call('onEpochEnd', 0, { loss: 0.5 }); // each callback's onEpochEnd, in order
 * history.history.loss; // [0.5]
 * list.overrides('onTrainBatchEnd'); // true: TerminateOnNaN implements it
 * ```
 */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  setModel(model: Model): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  /** True when some callback overrides `hook` (so `fit` knows whether to prepare batch logs). */
  overrides(hook: Hook): boolean {
    return this.callbacks.some((c) => (c as unknown as Record<string, unknown>)[hook] !== (Callback.prototype as unknown as Record<string, unknown>)[hook]);
  }

  async call(hook: Hook, ...args: unknown[]): Promise<void> {
    for (const c of this.callbacks) {
      const fn = (c as unknown as Record<string, (...a: unknown[]) => void | Promise<void>>)[hook];
      const r = fn.apply(c, args);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
    }
  }
}
