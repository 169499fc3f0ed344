import { Callback, type Logs } from './callback';

/**
 * Stops training as soon as the loss becomes NaN or infinite (R: `callback_terminate_on_naan`).
 *
 * @example
 * ```ts
 * import { TerminateOnNaN } from '@dlts/layers';
 * await model.fit(xTrain, yTrain, { epochs: 10, callbacks: [new TerminateOnNaN()] });
 * ```
 */
export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}
