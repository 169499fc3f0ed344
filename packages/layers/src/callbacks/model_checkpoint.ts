import { Callback, type Logs } from './callback';
import { isImprovement, resolveMode, type MonitorMode } from './monitor';
import { formatFilepath } from './filepath';
import { formatFixed } from './pyformat';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Where to save; may contain `{epoch:02d}` and `{val_loss:.2f}` style fields, as Keras. */
  filepath: string;
  /** Quantity for `saveBestOnly`. Default `'val_loss'`. */
  monitor?: string;
  /** 1 prints a line when saving. Default 0. */
  verbose?: number;
  /** Only save when the monitored quantity improves. Default false. */
  saveBestOnly?: boolean;
  /** Save only the weights (no optimizer state, no training config). Default false. */
  saveWeightsOnly?: boolean;
  /** `'auto'` (default), `'min'`, `'max'`. */
  mode?: MonitorMode;
  /** Custom writer; default `model.save(path)` (a `.h5` path writes Keras HDF5, as Keras). */
  save?: (model: NonNullable<Callback['model']>, path: string, weightsOnly: boolean) => Promise<void>;
}

/**
 * Saves the model after each epoch, or only when it improved (R: `callback_model_checkpoint`).
 * Every save is atomic: an interrupted run never leaves a half-written checkpoint.
 *
 * @example
 * ```ts
 * new ModelCheckpoint({ filepath: 'checkpoints/model-{epoch:02d}-{val_loss:.2f}', saveBestOnly: true });
 * ```
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: 'min' | 'max';
  private readonly writer?: ModelCheckpointOptions['save'];
  /** Best monitored value so far. */
  best: number;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    super();
    this.filepath = options.filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.verbose = options.verbose ?? 0;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.mode = resolveMode(options.mode ?? 'auto', this.monitor);
    this.writer = options.save;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const path = formatFilepath(this.filepath, epoch + 1, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`ModelCheckpoint: can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      if (!isImprovement(current, this.best, this.mode, 0)) {
        if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${formatFixed(this.best, 5)}`);
        return;
      }
      if (this.verbose > 0) {
        console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${formatFixed(this.best, 5)} to ${formatFixed(current, 5)}, saving model to ${path}`);
      }
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    const model = this.model!;
    if (this.writer) {
      await this.writer(model, path, this.saveWeightsOnly);
    } else if (this.saveWeightsOnly && /\.(h5|hdf5)$/i.test(path)) {
      // Keras's save_weights_only to .h5: a weights file (loaded on demand, see Model.save).
      const { saveWeightsHdf5 } = await import('../saving/hdf5_weights');
      await saveWeightsHdf5(model, path);
    } else {
      await model.save(path, { includeOptimizer: !this.saveWeightsOnly });
    }
    this.saved.push(path);
  }
}
