import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageDataGenerator, makeSyntheticCatsDogs, type DirectoryIterator } from '@dlts/image';
import { dense, dropout, flatten, loadModelHdf5, rmsprop, saveModelHdf5, sequential, type History, type Model } from '@dlts/layers';
import { formatR, initBackend, setSeed, tf } from '@dlts/tensors';
import { plotHistory } from '@dlts/vis';
import { extractFeatures, fineTune, freezeBase, trainableWeightCount, vgg16 } from '@dlts/zoo';
import type { Vgg16Options } from './args';

type Log = (line: string) => void;

/** What one command returns (and `--json` writes). */
export interface Vgg16Result {
  command: string;
  backend: string;
  data: string;
  params: Record<string, unknown>;
  trainableWeights?: Record<string, number>;
  history?: Record<string, number[]>;
  test?: Record<string, number>;
  saved?: string;
  seconds: number;
}

/** The model files of the course, one per step. */
export const FILES = {
  features: 'cats_and_dogs_small_preprocess.h5',
  frozen: 'cats_and_dogs_small_3.h5',
  finetune: 'cats_and_dogs_small_4.h5',
} as const;

/** The three split folders: `--data-dir`, or synthetic images made in `--out`. */
async function dataset(options: Vgg16Options, log: Log): Promise<{ trainDir: string; validationDir: string; testDir: string; description: string }> {
  if (options.dataDir) {
    const dirs = { trainDir: join(options.dataDir, 'train'), validationDir: join(options.dataDir, 'validation'), testDir: join(options.dataDir, 'test') };
    for (const d of Object.values(dirs)) if (!existsSync(d)) throw new Error(`${d} does not exist: --data-dir must be the course's cats_and_dogs_small folder (train/, validation/, test/)`);
    return { ...dirs, description: `images from ${options.dataDir}` };
  }
  if (options.synthetic) {
    const base = join(options.out, 'cats_and_dogs_small_synthetic');
    const half = Math.max(1, Math.floor(options.synthetic / 2));
    const have = await readdir(join(base, 'train', 'cats')).catch(() => [] as string[]);
    if (have.length !== options.synthetic) {
      log(`Writing synthetic images to ${base} (${options.synthetic} per class for training, ${half} for validation and test).`);
      await makeSyntheticCatsDogs(base, { train: options.synthetic, validation: half, test: half, seed: options.seed ?? 1 });
    }
    return { trainDir: join(base, 'train'), validationDir: join(base, 'validation'), testDir: join(base, 'test'), description: `${options.synthetic} synthetic images per class in ${base} (not photos)` };
  }
  throw new Error('no images: pass --data-dir (the course\'s cats_and_dogs_small folder, made by the ch04-cats-dogs app) or --synthetic N');
}

/** The convolutional base: `application_vgg16(weights = "imagenet", include_top = FALSE, input_shape = c(150, 150, 3))`. */
async function convBase(options: Vgg16Options, log: Log): Promise<Model> {
  const size = options.imageSize;
  const weights = options.weights === 'none' ? null : options.weights;
  log(`\n> conv_base <- application_vgg16(weights = ${weights === null ? 'NULL' : `"${weights}"`}, include_top = FALSE, input_shape = c(${size}, ${size}, 3))`);
  const base = await vgg16({ weights, includeTop: false, inputShape: [size, size, 3] });
  log('> conv_base');
  base.summary({ printFn: log });
  return base;
}

const binary = (options: Vgg16Options, dir: string, augment: boolean): DirectoryIterator => {
  const datagen = augment
    ? imageDataGenerator({
        rescale: 1 / 255,
        rotationRange: 40,
        widthShiftRange: 0.2,
        heightShiftRange: 0.2,
        shearRange: 0.2,
        zoomRange: 0.2,
        horizontalFlip: true,
        fillMode: 'nearest',
      })
    : imageDataGenerator({ rescale: 1 / 255 });
  return datagen.flowFromDirectory(dir, { targetSize: [options.imageSize, options.imageSize], batchSize: options.batchSize, classMode: 'binary', seed: options.seed });
};

function printMetrics(metrics: Record<string, number>, log: Log): void {
  for (const [k, v] of Object.entries(metrics)) {
    log(`$${k}`);
    log(formatR([v]));
    log('');
  }
}

async function saveHdf5(model: Model, options: Vgg16Options, file: string, log: Log): Promise<string> {
  await mkdir(options.out, { recursive: true });
  const path = join(options.out, file);
  log(`\n> model %>% save_model_hdf5("${file}")`);
  await saveModelHdf5(model, path);
  log(`Saved ${path}`);
  return path;
}

async function plot(history: History, options: Vgg16Options, name: string, log: Log): Promise<void> {
  if (!options.plots) return;
  log(`Wrote ${await plotHistory(history, { file: join(options.plots, name) })}`);
}

async function fitGenerators(model: Model, train: DirectoryIterator, validation: DirectoryIterator, options: Vgg16Options, epochs: number, log: Log): Promise<History> {
  const steps = options.stepsPerEpoch ?? 100;
  const validationSteps = options.validationSteps ?? 50;
  log(`\n> history <- model %>% fit_generator(train_generator, steps_per_epoch = ${steps}, epochs = ${epochs}, validation_data = validation_generator, validation_steps = ${validationSteps})`);
  return model.fit(train, { stepsPerEpoch: steps, epochs, validationData: validation, validationSteps, verbose: 2 });
}

function lastEpoch(history: History, log: Log): void {
  const row = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[v.length - 1]]));
  log(`Last epoch: ${Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
}

/** `features`: the course's fast feature extraction and its dense classifier. */
export async function features(options: Vgg16Options, log: Log): Promise<Omit<Vgg16Result, 'command' | 'backend' | 'seconds'>> {
  const data = await dataset(options, log);
  log(`Data: ${data.description}`);
  const base = await convBase(options, log);
  const batch = options.batchSize;
  log(`\n> datagen <- image_data_generator(rescale = 1/255); batch_size <- ${batch}`);
  const extract = async (dir: string, wanted: number, name: string) => {
    const flow = binary(options, dir, false);
    const count = Math.min(wanted, options.limit ?? wanted, flow.n);
    log(`> ${name} <- extract_features(${name}_dir, ${count})`);
    return extractFeatures(base, flow, count);
  };
  const train = await extract(data.trainDir, 2000, 'train');
  const validation = await extract(data.validationDir, 1000, 'validation');
  const test = await extract(data.testDir, 1000, 'test');
  const featureShape = train.features.shape.slice(1);
  const size = featureShape.reduce((a, b) => a * b, 1);
  log(`> dim(train$features)`);
  log(formatR(train.features.shape));
  // reshape_features: array_reshape(features, c(nrow(features), 4 * 4 * 512))
  const flat = (f: tf.Tensor) => tf.reshape(f, [f.shape[0], size]);
  const [xTrain, xValidation, xTest] = [flat(train.features), flat(validation.features), flat(test.features)];
  tf.dispose([train.features, validation.features, test.features]);
  base.dispose();

  const model = sequential([dense({ units: 256, activation: 'relu', inputShape: [size] }), dropout({ rate: 0.5 }), dense({ units: 1, activation: 'sigmoid' })]);
  model.compile({ optimizer: rmsprop({ learningRate: 2e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  const epochs = options.epochs ?? 30;
  log(`\n> history <- model %>% fit(train$features, train$labels, epochs = ${epochs}, batch_size = ${batch}, validation_data = list(validation$features, validation$labels))`);
  const history = await model.fit(xTrain, train.labels!, { epochs, batchSize: batch, validationData: [xValidation, validation.labels!], verbose: 2 });
  lastEpoch(history, log);
  await plot(history, options, 'history_features.png', log);
  const saved = await saveHdf5(model, options, FILES.features, log);
  log('\n> model %>% evaluate(test$features, test$labels)');
  const metrics = await model.evaluate(xTest, test.labels!, { batchSize: batch });
  printMetrics(metrics, log);
  tf.dispose([xTrain, xValidation, xTest, train.labels!, validation.labels!, test.labels!]);
  model.dispose();
  return { data: data.description, params: { ...history.params, featureShape, samples: { train: xTrain.shape[0], validation: xValidation.shape[0], test: xTest.shape[0] } }, history: history.history, test: metrics, saved };
}

/** `frozen`: VGG16 + a dense head, the base frozen, trained end to end with augmentation. */
export async function frozen(options: Vgg16Options, log: Log): Promise<Omit<Vgg16Result, 'command' | 'backend' | 'seconds'>> {
  const data = await dataset(options, log);
  log(`Data: ${data.description}`);
  const base = await convBase(options, log);
  const model = sequential([base, flatten(), dense({ units: 256, activation: 'relu' }), dense({ units: 1, activation: 'sigmoid' })]);
  log('\n> model <- keras_model_sequential() %>% conv_base %>% layer_flatten() %>% layer_dense(units = 256, activation = "relu") %>% layer_dense(units = 1, activation = "sigmoid")');
  log('> model');
  model.summary({ printFn: log });
  const before = trainableWeightCount(model);
  log(`This is the number of trainable weights before freezing the conv base: ${before} `);
  log('\n> freeze_weights(conv_base)');
  const after = freezeBase(model, base, { optimizer: rmsprop({ learningRate: 2e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  log(`This is the number of trainable weights after freezing the conv base: ${after} `);
  log('\n> train_datagen <- image_data_generator(rescale = 1/255, rotation_range = 40, width_shift_range = 0.2, height_shift_range = 0.2, shear_range = 0.2, zoom_range = 0.2, horizontal_flip = TRUE, fill_mode = "nearest")');
  const history = await fitGenerators(model, binary(options, data.trainDir, true), binary(options, data.validationDir, false), options, options.epochs ?? 30, log);
  lastEpoch(history, log);
  await plot(history, options, 'history_frozen.png', log);
  const saved = await saveHdf5(model, options, FILES.frozen, log);
  model.dispose();
  return { data: data.description, params: { ...history.params }, trainableWeights: { beforeFreezing: before, afterFreezing: after }, history: history.history, saved };
}

async function loadStep(options: Vgg16Options, file: string, previous: string, log: Log): Promise<Model> {
  const path = options.model ?? join(options.out, file);
  if (!existsSync(path)) throw new Error(`${path} does not exist: run the ${previous} command first (or pass --model FILE)`);
  log(`\n> model <- load_model_hdf5("${path}")`);
  return loadModelHdf5(path);
}

/** `finetune`: unfreeze VGG16 from block3_conv1, recompile with lr 1e-5, train 100 epochs. */
export async function finetune(options: Vgg16Options, log: Log): Promise<Omit<Vgg16Result, 'command' | 'backend' | 'seconds'>> {
  const data = await dataset(options, log);
  log(`Data: ${data.description}`);
  const model = await loadStep(options, FILES.frozen, 'frozen', log);
  const base = model.layers.find((l) => l.name === 'vgg16') as Model | undefined;
  if (!base) throw new Error('the model has no vgg16 layer: give the model saved by the frozen command');
  log('> summary(conv_base)');
  base.summary({ printFn: log });
  log('\n> unfreeze_weights(conv_base, from = "block3_conv1")');
  const count = fineTune(model, base, {
    from: 'block3_conv1',
    compile: { optimizer: rmsprop({ learningRate: 1e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] },
  });
  log(`This is the number of trainable weights after unfreezing from block3_conv1: ${count} `);
  const history = await fitGenerators(model, binary(options, data.trainDir, true), binary(options, data.validationDir, false), options, options.epochs ?? 100, log);
  lastEpoch(history, log);
  await plot(history, options, 'history_finetune.png', log);
  const saved = await saveHdf5(model, options, FILES.finetune, log);
  model.dispose();
  return { data: data.description, params: { ...history.params }, trainableWeights: { afterUnfreezing: count }, history: history.history, saved };
}

/** `evaluate`: the fine-tuned model on the test images. */
export async function evaluate(options: Vgg16Options, log: Log): Promise<Omit<Vgg16Result, 'command' | 'backend' | 'seconds'>> {
  const data = await dataset(options, log);
  log(`Data: ${data.description}`);
  const model = await loadStep(options, FILES.finetune, 'finetune', log);
  const steps = options.validationSteps ?? 50;
  log(`\n> test_generator <- flow_images_from_directory(test_dir, test_datagen, target_size = c(${options.imageSize}, ${options.imageSize}), batch_size = ${options.batchSize}, class_mode = "binary")`);
  const testGen = binary(options, data.testDir, false);
  log(`> model %>% evaluate_generator(test_generator, steps = ${steps})`);
  const metrics = await model.evaluate(testGen, { steps });
  printMetrics(metrics, log);
  model.dispose();
  return { data: data.description, params: { steps, batchSize: options.batchSize }, test: metrics };
}

/** Runs one command with the backend and seed set up, and writes `--json`. */
export async function runVgg16(options: Vgg16Options, log: Log = console.log): Promise<Vgg16Result> {
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);
  const started = performance.now();
  const body = await { features, frozen, finetune, evaluate }[options.command](options, log);
  const result: Vgg16Result = { command: options.command, backend: backend.backend, seconds: (performance.now() - started) / 1000, ...body };
  log(`\n${options.command} done in ${result.seconds.toFixed(1)} s (backend ${backend.backend}).`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
