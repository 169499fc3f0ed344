import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The subcommands, in the course's order. */
export const COMMANDS = ['prepare', 'scratch', 'augment-preview', 'augment', 'evaluate'] as const;
export type Command = (typeof COMMANDS)[number];

/** The flags of the chapter-4 cats-vs-dogs app. */
export interface CatsDogsOptions {
  command: Command;
  /** The small dataset (`train/`, `validation/`, `test/`). */
  baseDir: string;
  backend: BackendPreference;
  seed?: number;
  json?: string;
  /** Generate N synthetic training images per class (N/2 validation and test) instead of photos. */
  synthetic?: number;
  // prepare
  /** An existing PetImages folder or Kaggle `train/` folder. */
  source?: string;
  /** Download Microsoft's PetImages (about 790 MB) first. */
  download: boolean;
  /** Where the download goes. */
  dataDir?: string;
  train: number;
  validation: number;
  test: number;
  overwrite: boolean;
  // training
  epochs?: number;
  stepsPerEpoch?: number;
  validationSteps?: number;
  batchSize?: number;
  /** Where the model is saved (scratch, augment) or loaded from (evaluate): a `.h5` file or a dlts model folder. */
  model?: string;
  /** History plot (scratch, augment) or the augmentation grid (augment-preview). */
  plot?: string;
  /** augment-preview: which training cat image (1-based, as R's fnames[[10]]). */
  index: number;
  /** evaluate: batches of the test generator. */
  steps?: number;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch04-cats-dogs start -- <command> [flags]

Chapter 4 of the course: cats vs dogs from a small dataset.

Commands
  prepare           build the course's folders (train/validation/test x cats/dogs, 1000/500/500)
                    from --source DIR (PetImages or Kaggle's train/), from --download, or --synthetic N
  scratch           the 150x150 convnet (3,453,121 params), rmsprop lr 1e-4, generators with
                    rescale 1/255 and batch 20; history plot; saves ./cats_and_dogs_small_1.h5
  augment-preview   four augmented versions of one training cat, as a 2x2 grid (augmented.png)
  augment           dropout 0.5 + the course's augmentation, batch 32; saves ./cats_and_dogs_small_2.h5
  evaluate          a saved model on the test generator (batch 20, 50 steps)

Flags
  --base-dir DIR         the small dataset (default ./cats_and_dogs_small)
  --synthetic N          use N generated images per class for training (N/2 for validation and test)
                         instead of photos; creates --base-dir when it does not exist
  --source DIR           prepare: PetImages (Cat/12.jpg) or Kaggle's train folder (cat.12.jpg)
  --download             prepare: download Microsoft's PetImages (about 790 MB; resumable)
  --data-dir DIR         prepare: where the download goes (default $DLTS_DATA_DIR/datasets/cats_vs_dogs)
  --train N --validation N --test N   prepare: images per class (1000, 500, 500)
  --overwrite            prepare: replace an existing --base-dir
  --epochs N             scratch: 5 (the course's code; the book trains 30); augment: 100
  --steps-per-epoch N    default: one pass over the training images (100 with the course's data)
  --validation-steps N   default: one pass over the validation images (50 with batch 20)
  --batch-size N         scratch 20, augment 32, evaluate 20
  --model PATH           where to save (scratch, augment) or what to load (evaluate, default
                         cats_and_dogs_small_2.h5): a .h5 file (Keras HDF5) or a folder (dlts's format)
  --plot FILE            the history plot (scratch, augment) or the grid (augment-preview)
  --index N              augment-preview: the N-th training cat (default 10, as the course)
  --steps N              evaluate: test batches (default 50, as the course)
  --backend NAME         auto (default), native, tensorflow, wasm or cpu
  --seed N               seed weights, shuffling and augmentation
  --json FILE            write the results (history, test loss/accuracy, paths) to FILE
  --help                 this text`;

/** Parses the command line; throws with a clear message on a bad command or flag. */
export function parseCatsDogsArgs(argv: string[]): CatsDogsOptions | 'help' {
  const args = argv.filter((a) => a !== '--');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'base-dir': { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      synthetic: { type: 'string' },
      source: { type: 'string' },
      download: { type: 'boolean' },
      'data-dir': { type: 'string' },
      train: { type: 'string' },
      validation: { type: 'string' },
      test: { type: 'string' },
      overwrite: { type: 'boolean' },
      epochs: { type: 'string' },
      'steps-per-epoch': { type: 'string' },
      'validation-steps': { type: 'string' },
      'batch-size': { type: 'string' },
      model: { type: 'string' },
      plot: { type: 'string' },
      index: { type: 'string' },
      steps: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length !== 1 || !COMMANDS.includes(positionals[0] as Command)) {
    throw new Error(`give one command: ${COMMANDS.join(', ')}. Received: ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  }
  const int = (name: string, v: string | undefined, min = 1): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}. Received: ${v}`);
    return n;
  };
  const backend = parseBackendPreference(values.backend ?? 'auto', '--backend');
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer. Received: ${values.seed}`);
  }
  const command = positionals[0] as Command;
  if (command === 'prepare' && values.synthetic === undefined && !values.source && !values.download) {
    throw new Error('prepare needs --source DIR, --download or --synthetic N');
  }
  return {
    command,
    baseDir: values['base-dir'] ?? 'cats_and_dogs_small',
    backend,
    seed,
    json: values.json,
    synthetic: int('synthetic', values.synthetic, 2),
    source: values.source,
    download: values.download ?? false,
    dataDir: values['data-dir'],
    train: int('train', values.train, 0) ?? 1000,
    validation: int('validation', values.validation, 0) ?? 500,
    test: int('test', values.test, 0) ?? 500,
    overwrite: values.overwrite ?? false,
    epochs: int('epochs', values.epochs),
    stepsPerEpoch: int('steps-per-epoch', values['steps-per-epoch']),
    validationSteps: int('validation-steps', values['validation-steps']),
    batchSize: int('batch-size', values['batch-size']),
    model: values.model,
    plot: values.plot,
    index: int('index', values.index) ?? 10,
    steps: int('steps', values.steps),
  };
}
