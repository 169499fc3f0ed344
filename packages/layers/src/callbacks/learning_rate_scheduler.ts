import { Callback, type Logs } from './callback';
import { formatRepr } from './pyformat';

/**
 * Sets the learning rate at the start of each epoch from `schedule(epoch, currentRate)`
 * (R: `callback_learning_rate_scheduler`). Adds `lr` to the epoch logs, as Keras 2.
 *
 * @example
 * ```ts
 * new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 * ```
 */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, lr: number) => number,
    readonly verbose = 0,
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model!.compiled!.optimizer;
    const lr = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new TypeError(`LearningRateScheduler: the schedule must return a finite number. Received: ${String(lr)}`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${formatRepr(lr)}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.lr = this.model!.compiled!.optimizer.learningRate;
  }
}
