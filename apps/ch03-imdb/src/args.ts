import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The flags of the chapter-3 IMDB app. */
export interface ImdbAppOptions {
  /** Epochs of the first run, with 10,000 reviews held out (default 20, as the course). */
  epochs: number;
  /** Epochs of the final model on all training reviews (default 4, as the course). */
  finalEpochs: number;
  /** Use only the first N training and N test reviews. */
  limit?: number;
  /** A folder holding `imdb.npz` (and optionally `imdb_word_index.json`), in Keras's layout. */
  dataDir?: string;
  backend: BackendPreference;
  seed?: number;
  /** Write the results (and the history to plot) here. */
  json?: string;
  /** Write the course's plots (PNG) to this folder. */
  plots?: string;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch03-imdb start -- [flags]

Chapter 3 of the course: classify IMDB reviews as positive or negative (multi-hot 10,000 words,
dense 10-10-1).

  --epochs N           epochs of the first run, 10,000 reviews held out (default 20)
  --final-epochs N     epochs of the final model on all training reviews (default 4)
  --limit N            use the first N training and N test reviews for a quick run
  --data-dir DIR       a folder with imdb.npz (and imdb_word_index.json) in Keras's layout;
                       default: the dlts cache, the Keras cache, else a download
  --backend NAME       auto (default), native, tensorflow, wasm or cpu
  --seed N             seed weights and shuffling for a repeatable run
  --json FILE          write {dataset, backend, params, history, final, test, predictions, plots} to FILE
  --plots DIR          write the course's plots as PNG files to DIR
  --help               this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseImdbArgs(argv: string[]): ImdbAppOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      epochs: { type: 'string' },
      'final-epochs': { type: 'string' },
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
  const limit = positive('limit', values.limit);
  if (limit !== undefined && limit < 2) throw new Error(`--limit must be at least 2 (training and validation both need reviews). Received: ${limit}`);
  return {
    epochs: positive('epochs', values.epochs) ?? 20,
    finalEpochs: positive('final-epochs', values['final-epochs']) ?? 4,
    limit,
    dataDir: values['data-dir'],
    backend,
    seed: integer('seed', values.seed),
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

function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer. Received: ${v}`);
  return n;
}

function plotsDir(v: string | undefined): string | undefined {
  if (v !== undefined && v.trim() === '') throw new Error('--plots must name a folder. Received: an empty string');
  return v;
}
