import { Callback, type Logs, type TrainingParams } from './callback';
import { formatExponential, formatFixed } from './pyformat';

/** Options of {@link ProgbarLogger}. */
export interface ProgbarOptions {
  /** Where text goes (default `process.stdout`). */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Force the live bar (true) or one line per epoch (false); default: live when `stream` is a TTY. */
  live?: boolean;
  /** Minimum seconds between redraws of the live bar (Keras: 0.05). */
  interval?: number;
}

/**
 * Keras 2's progress output for `fit` (`verbose = 1`, Keras 2's `Progbar`): on a terminal a
 * per-step bar with ETA, redrawn in place,
 *
 * ```
 * Epoch 1/5
 *   5/20 [======>.......................] - ETA: 1s - loss: 0.6931 - accuracy: 0.5000
 * ```
 *
 * ending each epoch as `20/20 [==============================] - 1s 50ms/step - loss: ...`; and
 * when output is not a terminal (CI, files) one line per epoch as Keras's `verbose = 2`:
 * `469/469 - 3s - loss: 0.2571 - accuracy: 0.9257 - 3s/epoch - 6ms/step`.
 *
 * Numbers are written as Python writes them (`%.4f`, `%.4e` below 1e-3, ties to even, `nan`).
 *
 * @example
 * ```ts
 * import { ProgbarLogger } from '@dlts/layers';
 * // One line per epoch even on a terminal (it replaces the bar `fit` adds by itself):
 * await model.fit(xTrain, yTrain, { epochs: 5, callbacks: [new ProgbarLogger({ live: false })] });
 * ```
 */
export class ProgbarLogger extends Callback {
  private readonly stream: { write(text: string): unknown; isTTY?: boolean };
  private readonly live: boolean;
  private readonly interval: number;
  private epochs = 1;
  private target?: number;
  private start = 0;
  private lastUpdate = -Infinity;
  private totalWidth = 0;
  private timeAfterFirstStep?: number;
  private seen = 0;
  /** Values shown this epoch, in order of first appearance (a key once shown stays, as Keras). */
  private readonly values = new Map<string, number>();

  constructor(options: ProgbarOptions = {}) {
    super();
    this.stream = options.stream ?? process.stdout;
    this.live = options.live ?? Boolean(this.stream.isTTY);
    this.interval = options.interval ?? 0.05;
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    this.epochs = params.epochs;
    this.target = params.steps;
  }

  override onEpochBegin(epoch: number): void {
    // A fresh Keras Progbar per epoch.
    this.start = now();
    this.lastUpdate = -Infinity;
    this.totalWidth = 0;
    this.timeAfterFirstStep = undefined;
    this.seen = 0;
    this.values.clear();
    if (this.epochs > 1) this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1;
    if (this.live) this.draw(this.seen, logs, false);
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    void epoch;
    // Unknown length (a generator without stepsPerEpoch): the first epoch tells it, as Keras.
    if (this.target === undefined) this.target = this.seen;
    const target = this.target;
    if (this.live) {
      this.draw(target, logs, true);
    } else {
      const t = now();
      const elapsed = t - this.start;
      let info = `${target}/${target} - ${formatFixed(elapsed, 0)}s`;
      for (const [key, value] of entries(logs)) this.values.set(key, value);
      for (const [key, value] of this.values) info += ` - ${key}: ${value > 1e-3 ? formatFixed(value, 4) : formatExponential(value, 4)}`;
      info += ` -${formatTime(elapsed, 'epoch')} -${formatTime(target > 0 ? elapsed / target : 0, 'step')}\n`;
      this.stream.write(info);
    }
  }

  /** Keras 2's `Progbar.update` with `verbose = 1` on a dynamic display. */
  private draw(current: number, logs: Logs, finalize: boolean): void {
    const t = now();
    if (t - this.lastUpdate < this.interval && !finalize) return;
    const target = this.target;
    const previousWidth = this.totalWidth;
    let bar: string;
    if (target !== undefined) {
      const digits = String(target).length;
      const width = 30;
      const filled = Math.trunc(width * (current / target));
      bar = `${String(current).padStart(digits)}/${target} [`;
      if (filled > 0) bar += '='.repeat(filled - 1) + (current < target ? '>' : '=');
      bar += '.'.repeat(Math.max(0, width - filled)) + ']';
    } else {
      bar = `${String(current).padStart(7)}/Unknown`;
    }
    const perStep = this.estimateStepDuration(current, t);
    let info: string;
    if (target === undefined || finalize) {
      info = ` - ${formatFixed(t - this.start, 0)}s${formatTime(perStep, 'step')}`;
    } else {
      info = ` - ETA: ${formatEta(perStep * (target - current))}`;
    }
    for (const [key, value] of entries(logs)) this.values.set(key, value);
    info += formatLogs(Object.fromEntries(this.values));
    this.totalWidth = bar.length + info.length;
    if (previousWidth > this.totalWidth) info += ' '.repeat(previousWidth - this.totalWidth);
    if (finalize) info += '\n';
    this.stream.write(`\r${bar}${info}`);
    this.lastUpdate = t;
  }

  /** Keras's estimate: the mean step time, leaving out the (unrepresentative) first step once there are more. */
  private estimateStepDuration(current: number, t: number): number {
    if (!current) return 0;
    const perStep = this.timeAfterFirstStep !== undefined && current > 1 ? (t - this.timeAfterFirstStep) / (current - 1) : (t - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = t;
    return perStep;
  }
}

/** The log entries a progress line shows (not the `batch`/`size` bookkeeping). */
function entries(logs: Logs): [string, number][] {
  return Object.entries(logs).filter(([key]) => key !== 'batch' && key !== 'size');
}

/**
 * ` - loss: 0.2571 - accuracy: 0.9257`, values as Keras prints them (%.4f, or %.4e when tiny).
 *
 * @example
 * ```ts
 * import { formatLogs } from '@dlts/layers';
 * formatLogs({ loss: 0.25712, accuracy: 0.9257 }); // ' - loss: 0.2571 - accuracy: 0.9257'
 * formatLogs({ lr: 0.00001 }); // ' - lr: 1.0000e-05'
 * ```
 */
export function formatLogs(logs: Logs): string {
  let out = '';
  for (const [key, value] of entries(logs)) {
    out += ` - ${key}: ${Math.abs(value) > 1e-3 ? formatFixed(value, 4) : formatExponential(value, 4)}`;
  }
  return out;
}

/** Keras's `_format_time`: ` 3s/epoch`, ` 6ms/step`, ` 120us/step` (and ` 0s/step` for zero). */
function formatTime(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return ` ${formatFixed(seconds, 0)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${formatFixed(seconds * 1e3, 0)}ms/${unit}`;
  return ` ${formatFixed(seconds * 1e6, 0)}us/${unit}`;
}

/** Keras's ETA: `%d:%02d:%02d`, `%d:%02d` or `%ds`, each part truncated as Python's `%d` does. */
function formatEta(seconds: number): string {
  const two = (n: number) => String(Math.trunc(n)).padStart(2, '0');
  if (seconds > 3600) return `${Math.trunc(seconds / 3600)}:${two((seconds % 3600) / 60)}:${two(seconds % 60)}`;
  if (seconds > 60) return `${Math.trunc(seconds / 60)}:${two(seconds % 60)}`;
  return `${Math.trunc(seconds)}s`;
}

function now(): number {
  return performance.now() / 1000;
}
