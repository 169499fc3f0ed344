import { Callback, type Logs, type TrainingParams } from './callback';

/**
 * The record `fit` returns (Keras's `History`): `history.history.loss[i]` is the loss of epoch
 * `epoch[i]`; keys follow Keras (`loss`, `accuracy` or `acc`, `val_loss`, `val_accuracy`, ...).
 *
 * @example
 * ```ts
 * import type { History } from '@dlts/layers';
 * const history: History = await model.fit(xTrain, yTrain, { epochs: 20, validationSplit: 0.2 });
 * history.epoch; // [0, 1, ..., 19]
 * history.history.val_loss; // the validation loss of each epoch
 * JSON.stringify(history); // '{"params":{...},"history":{"loss":[...],...},"epoch":[0,...]}'
 * ```
 */
export class History extends Callback {
  /** Epoch indices (0-based), one per recorded epoch. */
  epoch: number[] = [];
  /** Per-epoch values by log name. */
  history: Record<string, number[]> = {};

  override setParams(params: TrainingParams): void {
    super.setParams(params);
  }

  override onTrainBegin(): void {
    // A model fitted again keeps appending, as Keras's History object.
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      (this.history[key] ??= []).push(value);
    }
  }

  /** A plain JSON-able object `{params, history, epoch}`. */
  toJSON(): { params: TrainingParams | undefined; history: Record<string, number[]>; epoch: number[] } {
    return { params: this.params, history: this.history, epoch: this.epoch };
  }
}
