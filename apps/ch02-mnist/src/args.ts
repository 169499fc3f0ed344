import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The flags of the chapter-2 app. */
export interface Ch02Options {
  epochs: number;
  batchSize: number;
  /** Use only the first N training (and N/6 test) images. */
  limit?: number;
  dataset: 'mnist' | 'fashion-mnist';
  /** An .npz file or a folder with the four IDX files. */
  dataDir?: string;
  backend: BackendPreference;
  seed?: number;
  /** Write `{dataset, backend, params, history, test}` here. */
  json?: string;
  /** Never download: use local data or the embedded sample. */
  offline: boolean;
  /** Write the course's pictures here: the first digit (`digit.png`) and `plot(history)` (`history.png`). */
  plots?: string;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch02-mnist start -- [flags]

Chapter 2 of the course: a dense network (784-512-10) learns handwritten digits.

  --epochs N           training epochs (default 5, as the course)
  --batch-size N       samples per step (default 128)
  --limit N            train on the first N images (and test on N/6) for a quick run
  --dataset NAME       mnist (default) or fashion-mnist
  --data-dir PATH      an .npz file or a folder with the four IDX files
  --backend NAME       auto (default), native, tensorflow, wasm or cpu
  --seed N             seed weights, shuffling and dropout for a repeatable run
  --json FILE          write {dataset, backend, params, history, test} to FILE
  --offline            never download; fall back to the embedded Fashion-MNIST sample
  --plots DIR          write the first digit (digit.png) and plot(history) (history.png) to DIR
  --help               this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseCh02Args(argv: string[]): Ch02Options | 'help' {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      limit: { type: 'string' },
      dataset: { type: 'string' },
      'data-dir': { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      offline: { type: 'boolean' },
      plots: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.plots !== undefined && values.plots.trim() === '') throw new Error('--plots must name a folder. Received: an empty string');
  const int = (name: string, v: string | undefined, fallback?: number): number | undefined => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer. Received: ${v}`);
    return n;
  };
  const dataset = values.dataset ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') throw new Error(`--dataset must be mnist or fashion-mnist. Received: ${dataset}`);
  const backend = parseBackendPreference(values.backend ?? 'auto', '--backend');
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer. Received: ${values.seed}`);
  }
  return {
    epochs: int('epochs', values.epochs, 5)!,
    batchSize: int('batch-size', values['batch-size'], 128)!,
    limit: int('limit', values.limit),
    dataset,
    dataDir: values['data-dir'],
    backend,
    seed,
    json: values.json,
    offline: values.offline ?? false,
    plots: values.plots,
  };
}
