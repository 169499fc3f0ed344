import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The flags of the chapter-4 MNIST convnet app. */
export interface Ch04MnistOptions {
  epochs: number;
  batchSize: number;
  /** Use only the first N training (and N/6 test) images. */
  limit?: number;
  dataset: 'mnist' | 'fashion-mnist';
  /** An .npz file or a folder with the four IDX files. */
  dataDir?: string;
  backend: BackendPreference;
  seed?: number;
  /** Write `{dataset, data, backend, params, summaries, history, test}` here. */
  json?: string;
  /** Draw the training history (`plot(history)`) to this .png/.svg/.html file. */
  plot?: string;
  /** Save the trained model to this folder (`model.save`). */
  save?: string;
  /** Never download. */
  offline: boolean;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch04-mnist-convnet start -- [flags]

Chapter 4 of the course: a small convnet (conv 32-64-64, max pooling, dense 64-10) on MNIST,
its summary (55,744 then 93,322 parameters), 5 epochs with batch 64, the test accuracy, and the
summary of the same network without pooling (2,038,922 parameters).

  --epochs N           training epochs (default 5, as the course)
  --batch-size N       samples per step (default 64, as the course)
  --limit N            train on the first N images (and test on N/6) for a quick run
  --dataset NAME       mnist (default) or fashion-mnist (Debian: apt-get install dataset-fashion-mnist)
  --data-dir PATH      an .npz file or a folder with the four IDX files
  --backend NAME       auto (default), native, tensorflow, wasm or cpu
  --seed N             seed weights and shuffling for a repeatable run
  --json FILE          write {dataset, backend, params, summaries, history, test: {loss, accuracy}} to FILE
  --plot FILE          draw the training history to FILE (.png, .svg or .html)
  --save DIR           save the trained model to DIR
  --offline            never download
  --help               this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseCh04MnistArgs(argv: string[]): Ch04MnistOptions | 'help' {
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
      plot: { type: 'string' },
      save: { type: 'string' },
      offline: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
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
    batchSize: int('batch-size', values['batch-size'], 64)!,
    limit: int('limit', values.limit),
    dataset,
    dataDir: values['data-dir'],
    backend,
    seed,
    json: values.json,
    plot: values.plot,
    save: values.save,
    offline: values.offline ?? false,
  };
}
