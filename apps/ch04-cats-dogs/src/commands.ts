import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadCatsVsDogs, generatorNext, imageDataGenerator, imageLoad, imageToArray, makeSmallCatsDogs, type DirectoryIterator } from '@dlts/image';
import { loadModel, loadModelHdf5, type History, type Sequential } from '@dlts/layers';
import { formatR, tf } from '@dlts/tensors';
import { imageGrid, plotHistory } from '@dlts/vis';
import type { CatsDogsOptions } from './args';
import { ensureDataset, makeSynthetic } from './data';
import { catsDogsModel } from './models';

/** What a command reports (and `--json` writes). */
export interface CommandResult {
  command: string;
  baseDir: string;
  [key: string]: unknown;
}

type Log = (line: string) => void;

/** The course's augmentation (`image_data_generator(rescale = 1/255, rotation_range = 40, ...)`). */
export const COURSE_AUGMENTATION = {
  rescale: 1 / 255,
  rotationRange: 40,
  widthShiftRange: 0.2,
  heightShiftRange: 0.2,
  shearRange: 0.2,
  zoomRange: 0.2,
  horizontalFlip: true,
  fillMode: 'nearest' as const,
};

/** `prepare`: the course's folders from PetImages / Kaggle's train folder, a download, or synthetic images. */
export async function prepare(options: CatsDogsOptions, log: Log): Promise<CommandResult> {
  if (options.synthetic !== undefined) {
    if ((await readdir(options.baseDir).catch(() => [])).length > 0) {
      if (!options.overwrite) throw new Error(`${options.baseDir} is not empty; pass --overwrite to replace it`);
      for (const split of ['train', 'validation', 'test']) await rm(join(options.baseDir, split), { recursive: true, force: true });
    }
    const dirs = await makeSynthetic(options, log);
    return { command: 'prepare', baseDir: options.baseDir, synthetic: options.synthetic, ...dirs, counts: await countImages(options.baseDir, log) };
  }
  let source = options.source;
  if (options.download) {
    const pets = await downloadCatsVsDogs({ dir: options.dataDir, log });
    log(`PetImages: ${pets.cats} cats and ${pets.dogs} dogs in ${pets.dir}`);
    source = pets.dir;
  }
  const small = await makeSmallCatsDogs({
    sourceDir: source!,
    baseDir: options.baseDir,
    train: options.train,
    validation: options.validation,
    test: options.test,
    overwrite: options.overwrite,
    log,
  });
  return { command: 'prepare', baseDir: options.baseDir, source, trainDir: small.trainDir, validationDir: small.validationDir, testDir: small.testDir, counts: small.counts };
}

/** The course's `cat("total training cat images:", length(list.files(train_cats_dir)), "\n")` lines. */
async function countImages(baseDir: string, log: Log): Promise<Record<string, { cats: number; dogs: number }>> {
  const counts: Record<string, { cats: number; dogs: number }> = {};
  for (const [split, label] of [
    ['train', 'training'],
    ['validation', 'validation'],
    ['test', 'test'],
  ]) {
    const cats = (await readdir(join(baseDir, split, 'cats'))).length;
    const dogs = (await readdir(join(baseDir, split, 'dogs'))).length;
    log(`total ${label} cat images: ${cats} `);
    log(`total ${label} dog images: ${dogs} `);
    counts[split] = { cats, dogs };
  }
  return counts;
}

/** Trains `model` on the directory generators as the course does, saves it and plots the history. */
async function train(
  model: Sequential,
  train: DirectoryIterator,
  validation: DirectoryIterator,
  options: CatsDogsOptions,
  defaults: { epochs: number; model: string; plot: string },
  log: Log,
): Promise<{ history: History; model: string; plot: string; seconds: number; steps: number; validationSteps: number }> {
  const epochs = options.epochs ?? defaults.epochs;
  const steps = options.stepsPerEpoch ?? train.length;
  const validationSteps = options.validationSteps ?? validation.length;
  log(`\n> history <- model %>% fit(train_generator, steps_per_epoch = ${steps}, epochs = ${epochs}, validation_data = validation_generator, validation_steps = ${validationSteps})`);
  const started = performance.now();
  const history = await model.fit(train, { stepsPerEpoch: steps, epochs, validationData: validation, validationSteps });
  const seconds = (performance.now() - started) / 1000;
  const path = options.model ?? defaults.model;
  log(`\n> model %>% save_model_hdf5("${path}")`);
  await model.save(path);
  log(`Model saved to ${path}${/\.(h5|hdf5)$/i.test(path) ? '' : " (dlts's model folder)"}.`);
  log('\n> plot(history)');
  const plot = await plotHistory(history, { file: options.plot ?? defaults.plot });
  log(`History plot: ${plot}`);
  return { history, model: path, plot, seconds, steps, validationSteps };
}

/** `scratch`: the convnet trained from scratch on rescaled images (course: cats_and_dogs_small_1). */
export async function scratch(options: CatsDogsOptions, log: Log): Promise<CommandResult> {
  const { trainDir, validationDir } = await ensureDataset(options, log);
  const model = catsDogsModel(false);
  log('> model');
  model.summary({ printFn: log });
  const batchSize = options.batchSize ?? 20;
  // train_datagen <- image_data_generator(rescale = 1/255); flow_images_from_directory(train_dir, ...)
  log('\n> train_generator <- flow_images_from_directory(train_dir, train_datagen, target_size = c(150, 150), batch_size = 20, class_mode = "binary")');
  const trainGen = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(trainDir, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: options.seed });
  log('\n> validation_generator <- flow_images_from_directory(validation_dir, validation_datagen, ...)');
  const validationGen = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(validationDir, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: options.seed });
  // batch <- generator_next(train_generator)
  log('\n> batch <- generator_next(train_generator)');
  const [bx, by] = (await generatorNext(trainGen)) as [tf.Tensor, tf.Tensor];
  log('> dim(batch[[1]])');
  log(formatR(bx.shape));
  log('> dim(batch[[2]])');
  log(formatR(by.shape));
  tf.dispose([bx, by]);
  const run = await train(model, trainGen, validationGen, options, { epochs: 5, model: 'cats_and_dogs_small_1.h5', plot: 'history_scratch.png' }, log);
  model.dispose();
  return {
    command: 'scratch',
    baseDir: options.baseDir,
    params: { ...run.history.params, batchSize, stepsPerEpoch: run.steps, validationSteps: run.validationSteps, seed: options.seed ?? null },
    history: run.history.history,
    model: run.model,
    plot: run.plot,
    trainSeconds: run.seconds,
  };
}

/** `augment-preview`: four augmented versions of the course's `fnames[[10]]` cat, in a 2x2 grid. */
export async function augmentPreview(options: CatsDogsOptions, log: Log): Promise<CommandResult> {
  const { trainDir } = await ensureDataset(options, log);
  // fnames <- list.files(train_cats_dir, full.names = TRUE); img_path <- fnames[[10]]
  const catsDir = join(trainDir, 'cats');
  const fnames = (await readdir(catsDir)).sort().map((f) => join(catsDir, f));
  if (fnames.length < options.index) throw new Error(`--index ${options.index}: there are only ${fnames.length} training cats in ${catsDir}`);
  const imgPath = fnames[options.index - 1];
  log(`> img_path <- fnames[[${options.index}]]  # ${imgPath}`);
  // img <- image_load(img_path, target_size = c(150, 150)); img_array <- image_to_array(img); array_reshape(img_array, c(1, 150, 150, 3))
  const img = imageToArray(await imageLoad(imgPath, { targetSize: [150, 150] }));
  const imgArray = tf.reshape(img, [1, 150, 150, 3]);
  // The course's datagen (with rescale = 1/255, so as.raster() draws values in [0, 1]).
  const datagen = imageDataGenerator(COURSE_AUGMENTATION);
  const augmentationGenerator = datagen.flow(imgArray, null, { batchSize: 1, seed: options.seed });
  const images: tf.Tensor[] = [];
  for (let i = 0; i < 4; i++) images.push((await generatorNext(augmentationGenerator)) as tf.Tensor);
  log('> op <- par(mfrow = c(2, 2)); for (i in 1:4) plot(as.raster(generator_next(augmentation_generator)[1,,,]))');
  const plot = await imageGrid(images, { file: options.plot ?? 'augmented.png', ncol: 2, max: 1 });
  log(`Augmented images: ${plot}`);
  tf.dispose([img, imgArray, ...images]);
  return { command: 'augment-preview', baseDir: options.baseDir, image: imgPath, plot };
}

/** `augment`: dropout + the course's augmentation (course: cats_and_dogs_small_2). */
export async function augment(options: CatsDogsOptions, log: Log): Promise<CommandResult> {
  const { trainDir, validationDir } = await ensureDataset(options, log);
  const model = catsDogsModel(true);
  log('> model');
  model.summary({ printFn: log });
  const batchSize = options.batchSize ?? 32;
  log('\n> datagen <- image_data_generator(rescale = 1/255, rotation_range = 40, width_shift_range = 0.2, height_shift_range = 0.2, shear_range = 0.2, zoom_range = 0.2, horizontal_flip = TRUE)');
  const trainGen = imageDataGenerator(COURSE_AUGMENTATION).flowFromDirectory(trainDir, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: options.seed });
  const validationGen = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(validationDir, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: options.seed });
  const run = await train(model, trainGen, validationGen, options, { epochs: 100, model: 'cats_and_dogs_small_2.h5', plot: 'history_augment.png' }, log);
  model.dispose();
  return {
    command: 'augment',
    baseDir: options.baseDir,
    params: { ...run.history.params, batchSize, stepsPerEpoch: run.steps, validationSteps: run.validationSteps, seed: options.seed ?? null },
    history: run.history.history,
    model: run.model,
    plot: run.plot,
    trainSeconds: run.seconds,
  };
}

/** `evaluate`: a saved model on the test generator (`evaluate_generator(test_generator, steps = 50)`). */
export async function evaluate(options: CatsDogsOptions, log: Log): Promise<CommandResult> {
  const { testDir } = await ensureDataset(options, log);
  const path = options.model ?? 'cats_and_dogs_small_2.h5';
  // model <- load_model_hdf5("cats_and_dogs_small_2.h5") (or a dlts model folder)
  const exists = await stat(path).catch(() => undefined);
  if (!exists) throw new Error(`${path} does not exist: train it with "scratch" or "augment" first, or pass --model PATH`);
  const model = exists.isDirectory() ? await loadModel(path) : await loadModelHdf5(path);
  log(`Loaded ${path}`);
  const batchSize = options.batchSize ?? 20;
  log('\n> test_generator <- flow_images_from_directory(test_dir, test_datagen, target_size = c(150, 150), batch_size = 20, class_mode = "binary")');
  const testGen = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(testDir, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: options.seed });
  const steps = options.steps ?? 50;
  log(`\n> model %>% evaluate_generator(test_generator, steps = ${steps})`);
  const results = await model.evaluate(testGen, { steps });
  const names = Object.keys(results);
  log(formatR(names.map((k) => results[k]), { names }));
  model.dispose();
  const accuracy = results.acc ?? results.accuracy;
  return { command: 'evaluate', baseDir: options.baseDir, model: path, steps, batchSize, test: { loss: results.loss, accuracy } };
}
