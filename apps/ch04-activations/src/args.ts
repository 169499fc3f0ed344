import { parseArgs } from 'node:util';
import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/** The flags of the chapter-4 activations app. */
export interface ActivationsOptions {
  /** The trained cats-vs-dogs model: a `.h5` file (default `cats_and_dogs_small_2.h5`), a `.keras` file or a dlts model folder. */
  model: string;
  /** The picture (default: `<data-dir>/test/cats/cat.1666.jpg`, the course's). */
  image?: string;
  /** The course's cats_and_dogs_small folder, to find the default picture. */
  dataDir?: string;
  /** No photo: draw a synthetic "cat" picture into `out` and use it. */
  synthetic: boolean;
  /** How many of the first layers to look at (the course: 8). */
  layers: number;
  /** Where the pictures go. Default `activations`. */
  out: string;
  backend: BackendPreference;
  json?: string;
}

export const USAGE = `Usage: pnpm --filter @dlts/ch04-activations start -- [flags]

Chapter 4 of the course: what the convnet sees. Loads the trained cats-vs-dogs model, builds a
model that returns the activations of its first 8 layers, runs it on one picture and draws the
5th and 20th channel of the first layer (R's plot_channel, terrain colours) and a grid of every
channel of every layer.

  --model FILE         the trained model: .h5 (default cats_and_dogs_small_2.h5, from ch04-cats-dogs),
                       .keras, or a dlts model folder
  --image FILE         the picture (default <data-dir>/test/cats/cat.1666.jpg)
  --data-dir DIR       the course's cats_and_dogs_small folder
  --synthetic          no photo: draw a synthetic picture and use it
  --layers N           how many of the first layers (default 8)
  --out DIR            where the pictures go (default activations)
  --backend NAME       auto (default), native, tensorflow, wasm or cpu
  --json FILE          write {model, image, shapes, files} to FILE
  --help               this text`;

/** Parses the command line; throws with a clear message on a bad flag. */
export function parseActivationsArgs(argv: string[]): ActivationsOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      model: { type: 'string' },
      image: { type: 'string' },
      'data-dir': { type: 'string' },
      synthetic: { type: 'boolean' },
      layers: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  let layers = 8;
  if (values.layers !== undefined) {
    layers = Number(values.layers);
    if (!Number.isInteger(layers) || layers <= 0) throw new Error(`--layers must be a positive integer. Received: ${values.layers}`);
  }
  const backend = parseBackendPreference(values.backend ?? 'auto', '--backend');
  const picked = [values.image !== undefined, values['data-dir'] !== undefined, values.synthetic === true].filter(Boolean).length;
  if (picked > 1) throw new Error('give one of --image, --data-dir or --synthetic');
  return {
    model: values.model ?? 'cats_and_dogs_small_2.h5',
    image: values.image,
    dataDir: values['data-dir'],
    synthetic: values.synthetic ?? false,
    layers,
    out: values.out ?? 'activations',
    backend,
    json: values.json,
  };
}
