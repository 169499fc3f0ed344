import { writeFile } from 'node:fs/promises';
import { conv2d, dense, flatten, maxPooling2d, sequential, type Sequential } from '@dlts/layers';
import { formatR, initBackend, setSeed, tf, toCategorical } from '@dlts/tensors';
import { plotHistory } from '@dlts/vis';
import type { Ch04MnistOptions } from './args';
import { loadChapterData } from './data';

/** What `--json` writes. */
export interface Ch04MnistResult {
  dataset: string;
  data: string;
  backend: string;
  params: Record<string, unknown>;
  /** Parameter counts of the three summaries the course prints. */
  summaries: { convBase: number; convnet: number; noPooling: number };
  history: Record<string, number[]>;
  test: { loss: number; accuracy: number };
  /** Wall-clock seconds of `fit`. */
  trainSeconds: number;
}

/**
 * The layer names of the course's tables. R builds `model %>% layer_a() %>% layer_b()` from the
 * outside in (each `layer_*` creates its layer before forcing the model it is piped into), so
 * Keras numbered the layers last-first: the first convolution is `conv2d_2`. dlts names layers in
 * creation order (`conv2d`, `conv2d_1`, ...), so the app passes the course's names to print the
 * course's tables exactly.
 */
const COURSE_NAMES = {
  pooled: ['conv2d_2', 'max_pooling2d_1', 'conv2d_1', 'max_pooling2d', 'conv2d', 'flatten', 'dense_1', 'dense'],
  noPooling: ['conv2d_5', 'conv2d_4', 'conv2d_3', 'flatten_1', 'dense_3', 'dense_2'],
};

/** The course's convnet base: conv 32 / pool / conv 64 / pool / conv 64 on 28 x 28 x 1. */
export function convBase(): Sequential {
  const n = COURSE_NAMES.pooled;
  return sequential(
    [
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1], name: n[0] }),
      maxPooling2d({ poolSize: [2, 2], name: n[1] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: n[2] }),
      maxPooling2d({ poolSize: [2, 2], name: n[3] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: n[4] }),
    ],
    { name: 'sequential' },
  );
}

/** The same network without pooling (2,038,922 parameters). */
export function noPoolingModel(): Sequential {
  const n = COURSE_NAMES.noPooling;
  return sequential(
    [
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1], name: n[0] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: n[1] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: n[2] }),
      flatten({ name: n[3] }),
      dense({ units: 64, activation: 'relu', name: n[4] }),
      dense({ units: 10, activation: 'softmax', name: n[5] }),
    ],
    { name: 'sequential_1' },
  );
}

/**
 * The course's chapter-4 MNIST convnet, step by step: build the convolutional base and print its
 * summary, add the dense classifier and print it again, train 5 epochs with batch 64 on images
 * reshaped to (n, 28, 28, 1) and scaled to [0, 1], evaluate on the test set, and print the
 * summary of the network without pooling.
 */
export async function runMnistConvnet(options: Ch04MnistOptions, log: (line: string) => void = console.log): Promise<Ch04MnistResult> {
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);

  // model <- keras_model_sequential() %>% layer_conv_2d(...) %>% layer_max_pooling_2d(...) ...
  const model = convBase();
  log('> model');
  model.summary({ printFn: log });
  const convBaseParams = model.countParams();

  // model <- model %>% layer_flatten() %>% layer_dense(64, relu) %>% layer_dense(10, softmax)
  const [, , , , , nFlatten, nDense1, nDense] = COURSE_NAMES.pooled;
  model.add(flatten({ name: nFlatten }));
  model.add(dense({ units: 64, activation: 'relu', name: nDense1 }));
  model.add(dense({ units: 10, activation: 'softmax', name: nDense }));
  log('\n> model');
  model.summary({ printFn: log });
  const convnetParams = model.countParams();

  // mnist <- dataset_mnist(); c(c(train_images, train_labels), c(test_images, test_labels)) %<-% mnist
  const { data, name, description } = await loadChapterData(options, log);
  log(`\nData: ${description}`);
  let { x: trainImages, y: trainLabels } = data.train;
  let { x: testImages, y: testLabels } = data.test;
  if (options.limit !== undefined) {
    const nTrain = Math.min(options.limit, trainImages.shape[0]);
    const nTest = Math.min(Math.max(1, Math.ceil(options.limit / 6)), testImages.shape[0]);
    const cut = (t: tf.Tensor, k: number) => tf.slice(t, 0, k);
    const limited = [cut(trainImages, nTrain), cut(trainLabels, nTrain), cut(testImages, nTest), cut(testLabels, nTest)];
    tf.dispose([trainImages, trainLabels, testImages, testLabels]);
    [trainImages, trainLabels, testImages, testLabels] = limited as [tf.Tensor3D, tf.Tensor1D, tf.Tensor3D, tf.Tensor1D];
  }

  // train_images <- array_reshape(train_images, c(60000, 28, 28, 1)) / 255; to_categorical(...)
  const prepare = (images: tf.Tensor) => tf.tidy(() => tf.div(tf.reshape(tf.cast(images, 'float32'), [images.shape[0], 28, 28, 1]), 255));
  const xTrain = prepare(trainImages);
  const xTest = prepare(testImages);
  const yTrain = toCategorical(trainLabels, 10);
  const yTest = toCategorical(testLabels, 10);
  log('\n> dim(train_images)');
  log(formatR(xTrain.shape));

  // model %>% compile(optimizer = "rmsprop", loss = "categorical_crossentropy", metrics = c("accuracy"))
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  // model %>% fit(train_images, train_labels, epochs = 5, batch_size = 64)
  log(`\n> model %>% fit(train_images, train_labels, epochs = ${options.epochs}, batch_size = ${options.batchSize})`);
  const started = performance.now();
  const history = await model.fit(xTrain, yTrain, { epochs: options.epochs, batchSize: options.batchSize });
  const trainSeconds = (performance.now() - started) / 1000;

  // results <- model %>% evaluate(test_images, test_labels)
  const results = await model.evaluate(xTest, yTest);
  log('\n> results');
  log(formatR([results.loss, results.accuracy], { names: ['loss', 'accuracy'] }));
  if (options.plot) log(`\nHistory plot: ${await plotHistory(history, { file: options.plot })}`);
  if (options.save) {
    await model.save(options.save);
    log(`Model saved to ${options.save}`);
  }
  tf.dispose([xTrain, xTest, yTrain, yTest, trainImages, trainLabels, testImages, testLabels]);
  model.dispose();

  // The same network without max pooling.
  const flat = noPoolingModel();
  log('\n> model');
  flat.summary({ printFn: log });
  const noPoolingParams = flat.countParams();
  flat.dispose();

  log(`\nTest accuracy ${results.accuracy.toFixed(4)} on ${name} (backend ${backend.backend}; training took ${trainSeconds.toFixed(1)} s).`);
  const result: Ch04MnistResult = {
    dataset: name,
    data: description,
    backend: backend.backend,
    params: { ...history.params, batchSize: options.batchSize, seed: options.seed ?? null, limit: options.limit ?? null },
    summaries: { convBase: convBaseParams, convnet: convnetParams, noPooling: noPoolingParams },
    history: history.history,
    test: { loss: results.loss, accuracy: results.accuracy },
    trainSeconds,
  };
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
