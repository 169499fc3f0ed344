import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The flags of the chapter-3 Boston housing app. */
export interface BostonAppOptions {
  /** Epochs of each fold of the cross-validation (default 100, as the course). */
  epochs: number;
  /** Samples per step in the cross-validation (default 1, as the course). */
  batchSize: number;
  /** Number of folds (default 4). */
  k: number;
  /** Epochs of the validation-MAE histories (default 500, as the course; 0 skips them). */
  historyEpochs: number;
  /** Epochs of the final model (default 80) ... */
  finalEpochs: number;
  /** ... and its batch size (default 16). */
  finalBatchSize: number;
  /** Use only the first N training samples (and at most N test samples). */
  limit?: number;
  /** The folder holding `boston_housing.npz` (Keras's layout). */
  dataDir?: string;
  backend: BackendPreference;
  seed?: number;
  /** Write the results (fold MAEs, histories, final test MAE) here. */
  json?: string;
  /** Write the course's plots (PNG) to this folder. */
  plots?: string;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch03-boston start -- [flags]

Chapter 3 of the course: predict Boston house prices (standardised features, dense 64-64-1,
mse loss, mae metric) with 4-fold cross-validation, then train the final model.

  --epochs N           epochs of each cross-validation fold (default 100)
  --batch-size N       batch size of the cross-validation (default 1)
  --k N                number of folds (default 4)
  --history-epochs N   epochs of the averaged validation-MAE curves (default 500; 0 skips them)
  --final-epochs N     epochs of the final model on all training data (default 80)
  --final-batch-size N batch size of the final model (default 16)
  --limit N            use the first N training samples (and at most N test samples)
  --data-dir DIR       the folder holding boston_housing.npz;
                       default: the dlts cache, the Keras cache, else a download
  --backend NAME       auto (default), native, tensorflow, wasm or cpu
  --seed N             seed weights, shuffling and the folds for a repeatable run
  --json FILE          write {dataset, backend, params, kfold: {mae, mean}, histories, test: {loss, mae}, plots} to FILE
  --plots DIR          write the course's plots as PNG files to DIR
  --help               this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseBostonArgs(argv: string[]): BostonAppOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      k: { type: 'string' },
      'history-epochs': { type: 'string' },
      'final-epochs': { type: 'string' },
      'final-batch-size': { type: 'string' },
      limit: { type: 'string' },
      'data-dir': { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      plots: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const backend = parseBackendPreference(values.backend ?? 'auto', '--backend');
  const k = positive('k', values.k) ?? 4;
  if (k < 2) throw new Error(`--k must be at least 2. Received: ${k}`);
  const limit = positive('limit', values.limit);
  if (limit !== undefined && limit < 2 * k) throw new Error(`--limit must leave at least 2 samples per fold (>= ${2 * k} with --k ${k}). Received: ${limit}`);
  let historyEpochs = 500;
  if (values['history-epochs'] !== undefined) {
    historyEpochs = Number(values['history-epochs']);
    if (!Number.isInteger(historyEpochs) || historyEpochs < 0) {
      throw new Error(`--history-epochs must be a non-negative integer. Received: ${values['history-epochs']}`);
    }
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer. Received: ${values.seed}`);
  }
  return {
    epochs: positive('epochs', values.epochs) ?? 100,
    batchSize: positive('batch-size', values['batch-size']) ?? 1,
    k,
    historyEpochs,
    finalEpochs: positive('final-epochs', values['final-epochs']) ?? 80,
    finalBatchSize: positive('final-batch-size', values['final-batch-size']) ?? 16,
    limit,
    dataDir: values['data-dir'],
    backend,
    seed,
    json: values.json,
    plots: plotsDir(values.plots),
  };
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer. Received: ${v}`);
  return n;
}

function plotsDir(v: string | undefined): string | undefined {
  if (v !== undefined && v.trim() === '') throw new Error('--plots must name a folder. Received: an empty string');
  return v;
}
