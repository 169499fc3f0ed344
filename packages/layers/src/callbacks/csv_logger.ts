import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Callback, type Logs } from './callback';
import { formatRepr } from './pyformat';

/**
 * Streams epoch results to a CSV file (R: `callback_csv_logger`): a header `epoch,<keys sorted>`
 * and one row per epoch, written as each epoch ends so a crash loses nothing. As Keras, when the
 * first epoch has no `val_` results their columns are added anyway (filled with `NA`), and values
 * are written as Python writes floats (`0.5`, `1.0`, `1e-05`). With `append`, rows go after the
 * existing ones and the header is written only into an empty file.
 *
 * @example
 * ```ts
 * import { CSVLogger } from '@dlts/layers';
 * const csv = new CSVLogger('logs/training.csv');
 * await model.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.2, callbacks: [csv] });
 * // logs/training.csv, for metrics: ['accuracy']:
 * // epoch,accuracy,loss,val_accuracy,val_loss
 * // 0,0.5625,0.668591320514679,1.0,0.42835479974746704   (one row per epoch, floats as Python writes them)
 * ```
 */
export class CSVLogger extends Callback {
  private keys?: string[];

  constructor(
    readonly filename: string,
    readonly options: { separator?: string; append?: boolean } = {},
  ) {
    super();
  }

  override onTrainBegin(): void {
    mkdirSync(dirname(this.filename), { recursive: true });
    this.keys = undefined;
    if (!this.options.append) writeFileSync(this.filename, '');
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const sep = this.options.separator ?? ',';
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      // As Keras: without validation results, the columns for them are still written (as NA).
      if (this.keys.length > 0 && !this.keys.some((k) => k.startsWith('val_'))) this.keys.push(...this.keys.map((k) => `val_${k}`));
      let empty: boolean;
      try {
        empty = statSync(this.filename).size === 0;
      } catch {
        empty = true;
      }
      if (empty) appendFileSync(this.filename, `${['epoch', ...this.keys].join(sep)}\n`);
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : formatRepr(logs[k])))];
    appendFileSync(this.filename, `${row.join(sep)}\n`);
  }
}
