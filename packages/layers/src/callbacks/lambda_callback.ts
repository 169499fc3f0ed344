import { Callback, type Logs } from './callback';

/** The hooks of {@link LambdaCallback}, each optional. */
export interface LambdaHooks {
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
}

/**
 * A callback made of plain functions (R: `callback_lambda(on_epoch_end = function(epoch, logs) ...)`).
 * @example
 * ```ts
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.loss) });
 * ```
 */
export class LambdaCallback extends Callback {
  constructor(hooks: LambdaHooks) {
    super();
    if (hooks.onEpochBegin) this.onEpochBegin = hooks.onEpochBegin;
    if (hooks.onEpochEnd) this.onEpochEnd = hooks.onEpochEnd;
    if (hooks.onBatchBegin) this.onTrainBatchBegin = hooks.onBatchBegin;
    if (hooks.onBatchEnd) this.onTrainBatchEnd = hooks.onBatchEnd;
    if (hooks.onTrainBegin) this.onTrainBegin = hooks.onTrainBegin;
    if (hooks.onTrainEnd) this.onTrainEnd = hooks.onTrainEnd;
  }
}
