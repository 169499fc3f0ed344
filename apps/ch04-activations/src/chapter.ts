import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageLoad, imageToArray, writeSyntheticImages } from '@dlts/image';
import { loadKerasModel, loadModel, loadModelHdf5, model as functionalModel, type Model, type SymbolicTensor } from '@dlts/layers';
import { formatR, initBackend, tf } from '@dlts/tensors';
import { activationGrid, plotChannel, plotImage } from '@dlts/vis';
import type { ActivationsOptions } from './args';

type Log = (line: string) => void;

/** What `--json` writes. */
export interface ActivationsResult {
  model: string;
  image: string;
  backend: string;
  layers: string[];
  shapes: number[][];
  files: string[];
}

/** Loads the trained model: Keras HDF5, Keras 3 `.keras`, or a dlts model folder. */
async function loadTrained(path: string): Promise<Model> {
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: train the model with the ch04-cats-dogs app (it saves cats_and_dogs_small_2.h5) or pass --model FILE`);
  }
  if (statSync(path).isDirectory()) return loadModel(path);
  if (path.endsWith('.keras')) return loadKerasModel(path);
  return loadModelHdf5(path);
}

/** The picture: `--image`, the course's cat.1666.jpg under `--data-dir`, or a synthetic one. */
async function picture(options: ActivationsOptions, log: Log): Promise<string> {
  if (options.image) return options.image;
  if (options.dataDir) return join(options.dataDir, 'test', 'cats', 'cat.1666.jpg');
  if (options.synthetic) {
    const [path] = await writeSyntheticImages(join(options.out, 'synthetic'), { perClass: 1, classes: ['cats'], seed: 1666, start: 1666 });
    log(`Drew a synthetic picture (not a photo): ${path}`);
    return path;
  }
  throw new Error('no picture: pass --image FILE, --data-dir DIR (uses test/cats/cat.1666.jpg) or --synthetic');
}

/**
 * The course's "visualising intermediate activations": the model of the first layers' outputs,
 * run on one picture, its channels drawn as heat-maps.
 */
export async function runActivations(options: ActivationsOptions, log: Log = console.log): Promise<ActivationsResult> {
  const backend = await initBackend(options.backend);
  // model <- load_model_hdf5("cats_and_dogs_small_2.h5")
  log(`> model <- load_model_hdf5("${options.model}")`);
  const trained = await loadTrained(options.model);
  log('> model');
  trained.summary({ printFn: log });
  const [, height, width, channels] = trained.inputs[0].shape;
  if (height === null || width === null || channels !== 3) {
    throw new Error(`the model must take [height, width, 3] images of a fixed size. Received: input shape ${JSON.stringify(trained.inputs[0].shape)}`);
  }
  await mkdir(options.out, { recursive: true });
  const files: string[] = [];

  // img <- image_load(img_path, target_size = c(150, 150)); img_tensor <- image_to_array(img) / 255
  const imagePath = await picture(options, log);
  log(`\n> img <- image_load("${imagePath}", target_size = c(${height}, ${width}))`);
  const img = await imageLoad(imagePath, { targetSize: [height, width] });
  const pixels = imageToArray(img);
  const imgTensor = tf.tidy(() => tf.div(tf.reshape(pixels, [1, height, width, 3]), 255));
  pixels.dispose();
  log('> dim(img_tensor)');
  log(formatR(imgTensor.shape));
  // plot(as.raster(img_tensor[1,,,]))
  const first = tf.tidy(() => tf.squeeze(imgTensor, [0]));
  files.push(await plotImage(first, { file: join(options.out, 'image.png'), max: 1 }));
  first.dispose();

  // layer_outputs <- lapply(model$layers[1:8], function(layer) layer$output)
  // activation_model <- keras_model(inputs = model$input, outputs = layer_outputs)
  const count = Math.min(options.layers, trained.layers.length);
  const layers = trained.layers.slice(0, count);
  log(`\n> layer_outputs <- lapply(model$layers[1:${count}], function(layer) layer$output)`);
  log('> activation_model <- keras_model(inputs = model$input, outputs = layer_outputs)');
  const activationModel = functionalModel({ inputs: trained.inputs[0], outputs: layers.map((l) => l.output as SymbolicTensor) });
  // activations <- activation_model %>% predict(img_tensor)
  const predicted = activationModel.predict(imgTensor);
  const activations = Array.isArray(predicted) ? predicted : [predicted];
  const firstLayer = activations[0];
  log('> dim(first_layer_activation)');
  log(formatR(firstLayer.shape));

  // plot_channel(first_layer_activation[1,,,5]); plot_channel(first_layer_activation[1,,,20])
  const depth = firstLayer.shape[firstLayer.rank - 1];
  for (const channel of [5, 20]) {
    if (channel > depth) {
      log(`(the first layer has ${depth} channels: no channel ${channel})`);
      continue;
    }
    log(`> plot_channel(first_layer_activation[1,,,${channel}])`);
    files.push(await plotChannel(firstLayer, { file: join(options.out, `first_layer_channel${channel}.png`), channel: channel - 1 }));
  }
  // The course writes `second_layer_activation <- activations[[1]]` (the first layer again); this draws the second.
  if (activations.length > 1 && activations[1].shape[activations[1].rank - 1] >= 20) {
    log('> plot_channel(second_layer_activation[1,,,20])  # activations[[2]]: the course reuses activations[[1]] by mistake');
    files.push(await plotChannel(activations[1], { file: join(options.out, 'second_layer_channel20.png'), channel: 19 }));
  }
  // Every channel of every layer, as the book's grid.
  const convLike = activations.map((a, i) => ({ a, name: layers[i].name })).filter(({ a }) => a.rank === 4);
  files.push(await activationGrid(convLike.map(({ a }) => a), { file: join(options.out, 'activations.png'), layerNames: convLike.map(({ name }) => name) }));
  for (const f of files) log(`Wrote ${f}`);

  const result: ActivationsResult = {
    model: options.model,
    image: imagePath,
    backend: backend.backend,
    layers: layers.map((l) => l.name),
    shapes: activations.map((a) => a.shape),
    files,
  };
  tf.dispose([imgTensor, ...activations]);
  trained.dispose();
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
