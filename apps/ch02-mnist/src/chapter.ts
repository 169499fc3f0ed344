import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dense, sequential } from '@dlts/layers';
import { formatR, initBackend, setSeed, tf, toCategorical } from '@dlts/tensors';
import { plotHistory, plotImage } from '@dlts/vis';
import type { Ch02Options } from './args';
import { loadChapterData } from './data';

/** What `--json` writes. */
export interface Ch02Result {
  dataset: string;
  data: string;
  backend: string;
  params: Record<string, unknown>;
  history: Record<string, number[]>;
  test: { loss: number; accuracy: number };
}

/**
 * The course's chapter 2, step by step: look at the data, build the 784-512-10 network, train it
 * for 5 epochs with batch 128, evaluate on the test set, and predict the first two test images.
 */
export async function runChapter2(options: Ch02Options, log: (line: string) => void = console.log): Promise<Ch02Result> {
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);

  // mnist <- dataset_mnist()
  const { data, name, description } = await loadChapterData(options, log);
  log(`Data: ${description}`);
  let { x: trainImages, y: trainLabels } = data.train;
  let { x: testImages, y: testLabels } = data.test;
  if (options.limit !== undefined) {
    const nTrain = Math.min(options.limit, trainImages.shape[0]);
    const nTest = Math.min(Math.max(1, Math.ceil(options.limit / 6)), testImages.shape[0]);
    const cut = (t: tf.Tensor, n: number) => tf.slice(t, 0, n);
    const limited = [cut(trainImages, nTrain), cut(trainLabels, nTrain), cut(testImages, nTest), cut(testLabels, nTest)];
    tf.dispose([trainImages, trainLabels, testImages, testLabels]);
    [trainImages, trainLabels, testImages, testLabels] = limited as [tf.Tensor3D, tf.Tensor1D, tf.Tensor3D, tf.Tensor1D];
  }

  // dim(train_images); train_images[1,,]
  log('\n> dim(train_images)');
  log(formatR(trainImages.shape));
  log('\n> train_images[1,,]');
  const first = tf.tidy(() => tf.squeeze(tf.slice(trainImages, [0, 0, 0], [1, 28, 28]), [0]));
  log(formatR(first));
  // plot(as.raster(train_images[1,,], max = 255))
  if (options.plots) log(`Wrote ${await plotImage(first, { file: join(options.plots, 'digit.png'), max: 255 })}`);
  first.dispose();

  // network <- keras_model_sequential() %>% layer_dense(512, relu, input_shape = 784) %>% layer_dense(10, softmax)
  const network = sequential([
    dense({ units: 512, activation: 'relu', inputShape: [28 * 28] }),
    dense({ units: 10, activation: 'softmax' }),
  ]);
  network.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  log('\n> network');
  network.summary({ printFn: log });

  // array_reshape to (n, 784), / 255; to_categorical
  const prepare = (images: tf.Tensor) => tf.tidy(() => tf.div(tf.reshape(tf.cast(images, 'float32'), [images.shape[0], 28 * 28]), 255));
  const xTrain = prepare(trainImages);
  const xTest = prepare(testImages);
  const yTrain = toCategorical(trainLabels, 10);
  const yTest = toCategorical(testLabels, 10);
  log('\n> mnist$train$y[1]');
  log(formatR([trainLabels.dataSync()[0]]));
  log('\n> train_labels[1,]');
  const oneHot = tf.slice(yTrain, [0, 0], [1, 10]);
  log(formatR(oneHot.dataSync()));
  oneHot.dispose();

  // network %>% fit(train_images, train_labels, epochs = 5, batch_size = 128)
  log(`\n> network %>% fit(train_images, train_labels, epochs = ${options.epochs}, batch_size = ${options.batchSize})`);
  const history = await network.fit(xTrain, yTrain, { epochs: options.epochs, batchSize: options.batchSize });
  // plot(history)
  if (options.plots) log(`Wrote ${await plotHistory(history, { file: join(options.plots, 'history.png') })}`);

  // metrics <- network %>% evaluate(test_images, test_labels)
  const metrics = await network.evaluate(xTest, yTest);
  log('\n> metrics');
  log(formatR([metrics.loss, metrics.accuracy], { names: ['loss', 'accuracy'] }));

  // network %>% predict(test_images[1:2,])
  log('\n> network %>% predict(test_images[1:2,])');
  const firstTwo = tf.slice(xTest, [0, 0], [Math.min(2, xTest.shape[0]), 784]);
  const probs = network.predict(firstTwo) as tf.Tensor;
  log(formatR(probs));
  tf.dispose([firstTwo, probs, xTrain, xTest, yTrain, yTest, trainImages, trainLabels, testImages, testLabels]);
  network.dispose();

  log(`\nTest accuracy ${metrics.accuracy.toFixed(4)} on ${name} (backend ${backend.backend}).`);
  const result: Ch02Result = {
    dataset: name,
    data: description,
    backend: backend.backend,
    params: { ...history.params, batchSize: options.batchSize, seed: options.seed ?? null, limit: options.limit ?? null },
    history: history.history,
    test: { loss: metrics.loss, accuracy: metrics.accuracy },
  };
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
