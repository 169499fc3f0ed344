import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The subcommands: the course's three ways of using VGG16, then the final evaluation. */
export const COMMANDS = ['features', 'frozen', 'finetune', 'evaluate'] as const;
export type Command = (typeof COMMANDS)[number];

/** The flags of the chapter-4 VGG16 app. */
export interface Vgg16Options {
  command: Command;
  /** The course's small cats-vs-dogs folder (`train/`, `validation/`, `test/`, each with `cats/` and `dogs/`). */
  dataDir?: string;
  /** Instead of photos: generate this many synthetic images per class for training (half as many for validation and test). */
  synthetic?: number;
  /** `imagenet` (default), `none` (random weights), or a Keras weights file for VGG16 without its top. */
  weights: string;
  /** Side of the square images fed to VGG16 (default 150, as the course; at least 32). */
  imageSize: number;
  batchSize: number;
  epochs?: number;
  stepsPerEpoch?: number;
  validationSteps?: number;
  /** `features`: at most this many samples per split (the course: 2000 / 1000 / 1000). */
  limit?: number;
  /** Where the `.h5` models are written and read. Default the current folder. */
  out: string;
  /** `finetune` / `evaluate`: the model to start from (default the previous step's file in `out`). */
  model?: string;
  backend: BackendPreference;
  seed?: number;
  json?: string;
  plots?: string;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch04-vgg16 start -- <command> [flags]

Chapter 4 of the course: a pretrained VGG16 on the small cats-vs-dogs dataset.

Commands (run them in this order; each saves a model as the course does):
  features   fast feature extraction: VGG16 features of every image, then a dense classifier
             (256 + dropout 0.5 + sigmoid, rmsprop lr 2e-5, 30 epochs); saves cats_and_dogs_small_preprocess.h5
  frozen     VGG16 + a dense head, the base frozen, trained with augmentation (lr 2e-5, 30 epochs);
             saves cats_and_dogs_small_3.h5
  finetune   unfreeze from block3_conv1, recompile (lr 1e-5), train 100 epochs; saves cats_and_dogs_small_4.h5
  evaluate   evaluate cats_and_dogs_small_4.h5 on the test images (50 steps)

  --data-dir DIR          the course's cats_and_dogs_small folder (made by ch04-cats-dogs)
  --synthetic N           no photos: generate N synthetic images per class (in --out)
  --weights W             imagenet (default), none, or a Keras VGG16 notop weights file (.h5)
  --image-size N          image side in pixels (default 150; at least 32)
  --batch-size N          images per batch (default 20)
  --epochs N              default 30 (features, frozen) or 100 (finetune)
  --steps-per-epoch N     default 100
  --validation-steps N    default 50 (also the steps of evaluate)
  --limit N               features: at most N samples per split
  --out DIR               where models (and synthetic images) go (default .)
  --model FILE            finetune/evaluate: start from this .h5 instead of the previous step's
  --backend NAME          auto (default), native, tensorflow, wasm or cpu
  --seed N                seed weights, shuffling, augmentation and dropout
  --json FILE             write the results to FILE
  --plots DIR             write plot(history) to DIR
  --help                  this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseVgg16Args(argv: string[]): Vgg16Options | 'help' {
  const { values, positionals } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      'data-dir': { type: 'string' },
      synthetic: { type: 'string' },
      weights: { type: 'string' },
      'image-size': { type: 'string' },
      'batch-size': { type: 'string' },
      epochs: { type: 'string' },
      'steps-per-epoch': { type: 'string' },
      'validation-steps': { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      plots: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length !== 1 || !(COMMANDS as readonly string[]).includes(positionals[0])) {
    throw new Error(`give one command: ${COMMANDS.join(', ')}. Received: ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer. Received: ${v}`);
    return n;
  };
  const imageSize = int('image-size', values['image-size']) ?? 150;
  if (imageSize < 32) throw new Error(`--image-size must be at least 32 (VGG16's smallest input). Received: ${imageSize}`);
  const backend = parseBackendPreference(values.backend ?? 'auto', '--backend');
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer. Received: ${values.seed}`);
  }
  if (values['data-dir'] !== undefined && values.synthetic !== undefined) throw new Error('give --data-dir or --synthetic, not both');
  if (values.weights !== undefined && values.weights.trim() === '') throw new Error('--weights must be imagenet, none or a file. Received: an empty string');
  return {
    command: positionals[0] as Command,
    dataDir: values['data-dir'],
    synthetic: int('synthetic', values.synthetic),
    weights: values.weights ?? 'imagenet',
    imageSize,
    batchSize: int('batch-size', values['batch-size']) ?? 20,
    epochs: int('epochs', values.epochs),
    stepsPerEpoch: int('steps-per-epoch', values['steps-per-epoch']),
    validationSteps: int('validation-steps', values['validation-steps']),
    limit: int('limit', values.limit),
    out: values.out ?? '.',
    model: values.model,
    backend,
    seed,
    json: values.json,
    plots: values.plots,
  };
}
