import { Callback, type Logs } from './callback';
import { isImprovement, resolveMode, type MonitorMode } from './monitor';
import { formatRepr } from './pyformat';

/** Options of {@link ReduceLROnPlateau} (Keras's names and defaults). */
export interface ReduceLROnPlateauOptions {
  /** Default `'val_loss'`. */
  monitor?: string;
  /** New rate = rate * factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 1 prints when the rate changes. Default 0. */
  verbose?: number;
  /** Default `'auto'`. */
  mode?: MonitorMode;
  /** Smallest change that counts as improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the rate. Default 0. */
  minLr?: number;
}

/**
 * Reduces the learning rate when a metric has stopped improving (R: `callback_reduce_lr_on_plateau`).
 * Adds the current rate to the epoch logs as `lr`, as Keras 2 does.
 *
 * @example
 * ```ts
 * import { ReduceLROnPlateau } from '@dlts/layers';
 * const reduceLr = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.1, patience: 10 });
 * await model.fit(xTrain, yTrain, { epochs: 100, validationData: [xVal, yVal], callbacks: [reduceLr] });
 * ```
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor must be < 1. Received: factor=${this.factor}`);
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? 0;
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor);
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
  }

  override onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const optimizer = this.model!.compiled!.optimizer;
    logs.lr = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`ReduceLROnPlateau: learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = optimizer.learningRate;
        if (Math.fround(old) > Math.fround(this.minLr)) {
          const next = Math.max(old * this.factor, this.minLr);
          optimizer.learningRate = next;
          if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${formatRepr(next)}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
