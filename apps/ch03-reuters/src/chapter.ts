import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plotHistory } from '@dlts/vis';
import { decodeSequence, getReutersWordIndex, loadReuters, vectorizeSequences, type SequenceData } from '@dlts/datasets';
import { dense, sequential, type History, type Sequential } from '@dlts/layers';
import { formatR, initBackend, permutation, setSeed, tf, toCategorical } from '@dlts/tensors';
import type { ReutersAppOptions } from './args';

/** The vocabulary of the course: `dataset_reuters(num_words = 10000)`. */
const NUM_WORDS = 10000;
const TOPICS = 46;
const BATCH_SIZE = 512;

/** What `--json` writes. */
export interface ReutersResult {
  dataset: 'reuters';
  /** Where the data came from. */
  data: string;
  backend: string;
  params: Record<string, unknown>;
  /** The first run (1,000 newswires held out): loss, accuracy, val_loss, val_accuracy per epoch. */
  history: Record<string, number[]>;
  /** The retrained model on the test set (course: 1.0055158, 0.7800534). */
  test: { loss: number; accuracy: number };
  /** Accuracy of a random shuffle of the test labels (course: 0.1936776). */
  baseline: number;
  /** The first test newswire: the sum of its 46 probabilities and its most likely topic (1-based, as R's which.max). */
  prediction: { sum: number; whichMax: number };
  /** The same network with integer labels and sparse_categorical_crossentropy, on the test set. */
  sparse: { loss: number; accuracy: number };
  /** The 64-4-46 network: its validation accuracy per epoch and on the test set. */
  bottleneck: { history: Record<string, number[]>; test: { loss: number; accuracy: number } };
  /** What the course plots (`plot(history)`): History.toJSON() of the first run. */
  plots: { history: ReturnType<History['toJSON']> };
  seconds: number;
}

/** The course's network: dense 64-64-46 softmax (or a narrower middle layer), rmsprop. */
export function buildModel(loss: 'categorical_crossentropy' | 'sparse_categorical_crossentropy' = 'categorical_crossentropy', middle = 64): Sequential {
  const model = sequential([
    dense({ units: 64, activation: 'relu', inputShape: [NUM_WORDS] }),
    dense({ units: middle, activation: 'relu' }),
    dense({ units: TOPICS, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'rmsprop', loss, metrics: ['accuracy'] });
  return model;
}

/**
 * The course's Reuters section: look at and decode the data, one-hot the labels, train 20 epochs
 * with 1,000 newswires held out, retrain 6 epochs, evaluate, compare with a random baseline,
 * predict, then the sparse-label variant and the 4-unit bottleneck.
 */
export async function runReuters(options: ReutersAppOptions, log: (line: string) => void = console.log): Promise<ReutersResult> {
  const started = performance.now();
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);

  // reuters <- dataset_reuters(num_words = 10000)
  const { data, description } = await loadData(options);
  log(`Data: ${description}`);
  let trainData = data.train.x;
  let trainLabels = data.train.y;
  let testData = data.test.x;
  let testLabels = data.test.y;
  if (options.limit !== undefined) {
    trainData = trainData.slice(0, options.limit);
    trainLabels = trainLabels.slice(0, options.limit);
    testData = testData.slice(0, options.limit);
    testLabels = testLabels.slice(0, options.limit);
  }
  log('\n> length(train_data)');
  log(formatR([trainData.length]));
  log('\n> length(test_data)');
  log(formatR([testData.length]));
  log('\n> train_data[[1]]');
  log(formatR(trainData[0]));

  log('\n> cat(decoded_newswire)');
  const wordIndex = await loadWordIndex(options).catch((error: Error) => error);
  if (wordIndex instanceof Map) log(decodeSequence(trainData[0], wordIndex));
  else log(`(no word index: ${wordIndex.message.split('\n')[0]})`);
  log('\n> train_labels[[1]]');
  log(formatR([trainLabels[0]]));

  // x_train <- vectorize_sequences(train_data); one_hot_train_labels <- to_categorical(train_labels)
  const nVal = Math.max(1, Math.min(1000, Math.floor((trainData.length * 1000) / 8982)));
  const xVal = vectorizeSequences(trainData.slice(0, nVal), NUM_WORDS);
  const partialX = vectorizeSequences(trainData.slice(nVal), NUM_WORDS);
  const yVal = toCategorical(trainLabels.slice(0, nVal), TOPICS);
  const partialY = toCategorical(trainLabels.slice(nVal), TOPICS);
  const xTest = vectorizeSequences(testData, NUM_WORDS);
  const oneHotTest = toCategorical(testLabels, TOPICS);

  log(`\n> history <- model %>% fit(partial_x_train, partial_y_train, epochs = ${options.epochs}, batch_size = ${BATCH_SIZE}, validation_data = list(x_val, y_val))`);
  const first = buildModel();
  const history = await first.fit(partialX, partialY, { epochs: options.epochs, batchSize: BATCH_SIZE, validationData: [xVal, yVal] });
  first.dispose();
  log('\n> plot(history)');
  if (options.plots) log(`Wrote ${await plotHistory(history, { file: join(options.plots, 'history.png') })}`);
  else log('(run with --plots DIR to draw it)');

  log(`\n> history <- model %>% fit(partial_x_train, partial_y_train, epochs = ${options.finalEpochs}, batch_size = ${BATCH_SIZE}, validation_data = list(x_val, y_val))`);
  const model = buildModel();
  await model.fit(partialX, partialY, { epochs: options.finalEpochs, batchSize: BATCH_SIZE, validationData: [xVal, yVal] });
  const results = await model.evaluate(xTest, oneHotTest);
  log('\n> results');
  log(formatR([results.loss, results.accuracy], { names: ['loss', 'accuracy'] }));

  // test_labels_copy <- sample(test_labels); length(which(test_labels == test_labels_copy)) / length(test_labels)
  log('\n> length(which(test_labels == test_labels_copy)) / length(test_labels)');
  const order = permutation(testLabels.length);
  let same = 0;
  for (let i = 0; i < testLabels.length; i++) if (testLabels[i] === testLabels[order[i]]) same++;
  const baseline = same / testLabels.length;
  log(formatR([baseline]));

  // predictions <- model %>% predict(x_test)
  const predictions = model.predict(xTest) as tf.Tensor2D;
  log('\n> dim(predictions)');
  log(formatR(predictions.shape));
  const firstRow = Array.from(tf.tidy(() => tf.slice(predictions, [0, 0], [1, TOPICS])).dataSync());
  const sum = firstRow.reduce((s, v) => s + v, 0);
  const whichMax = firstRow.indexOf(Math.max(...firstRow)) + 1;
  log('\n> sum(predictions[1,])');
  log(formatR([sum]));
  log('\n> which.max(predictions[1,])');
  log(formatR([whichMax]));
  predictions.dispose();
  model.dispose();

  // model %>% compile(loss = "sparse_categorical_crossentropy", ...) with integer labels
  log(`\n> model %>% compile(optimizer = "rmsprop", loss = "sparse_categorical_crossentropy", metrics = c("accuracy")); fit ${options.finalEpochs} epochs`);
  const sparseModel = buildModel('sparse_categorical_crossentropy');
  const intLabels = (y: Int32Array) => tf.tensor1d(Float32Array.from(y));
  const yValInt = intLabels(trainLabels.slice(0, nVal));
  const partialYInt = intLabels(trainLabels.slice(nVal));
  const testInt = intLabels(testLabels);
  await sparseModel.fit(partialX, partialYInt, { epochs: options.finalEpochs, batchSize: BATCH_SIZE, validationData: [xVal, yValInt], verbose: 0 });
  const sparse = await sparseModel.evaluate(xTest, testInt);
  log(formatR([sparse.loss, sparse.accuracy], { names: ['loss', 'accuracy'] }));
  tf.dispose([yValInt, partialYInt, testInt]);
  sparseModel.dispose();

  // The information bottleneck: layer_dense(units = 4) in the middle, 20 epochs, batch 128.
  log(`\n> model %>% fit(partial_x_train, partial_y_train, epochs = ${options.epochs}, batch_size = 128, validation_data = list(x_val, y_val))  # 64-4-46`);
  const narrow = buildModel('categorical_crossentropy', 4);
  const narrowHistory = await narrow.fit(partialX, partialY, { epochs: options.epochs, batchSize: 128, validationData: [xVal, yVal], verbose: 0 });
  const narrowTest = await narrow.evaluate(xTest, oneHotTest);
  const valAcc = narrowHistory.history.val_accuracy ?? [];
  log(`validation accuracy after ${valAcc.length} epochs: ${formatR([valAcc[valAcc.length - 1]]).replace(/^\[1\] /, '')} (the 64-64-46 network: ${formatR([history.history.val_accuracy.at(-1) ?? Number.NaN]).replace(/^\[1\] /, '')})`);
  narrow.dispose();
  tf.dispose([xVal, yVal, partialX, partialY, xTest, oneHotTest]);

  const seconds = (performance.now() - started) / 1000;
  log(`\nTest accuracy ${results.accuracy.toFixed(4)} (course: 0.7801), random baseline ${baseline.toFixed(4)} (course: 0.1937), backend ${backend.backend}, ${seconds.toFixed(1)} s.`);
  const result: ReutersResult = {
    dataset: 'reuters',
    data: description,
    backend: backend.backend,
    params: {
      ...history.params,
      batchSize: BATCH_SIZE,
      numWords: NUM_WORDS,
      validation: nVal,
      train: trainData.length,
      test: testData.length,
      finalEpochs: options.finalEpochs,
      limit: options.limit ?? null,
      seed: options.seed ?? null,
    },
    history: history.history,
    test: { loss: results.loss, accuracy: results.accuracy },
    baseline,
    prediction: { sum, whichMax },
    sparse: { loss: sparse.loss, accuracy: sparse.accuracy },
    bottleneck: { history: narrowHistory.history, test: { loss: narrowTest.loss, accuracy: narrowTest.accuracy } },
    plots: { history: history.toJSON() },
    seconds,
  };
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function loadData(options: ReutersAppOptions): Promise<{ data: SequenceData; description: string }> {
  if (options.dataDir !== undefined) {
    const path = join(options.dataDir, 'reuters.npz');
    if (!existsSync(path)) throw new Error(`--data-dir ${options.dataDir} has no reuters.npz (Keras's file, or any .npz in its layout)`);
    return { data: await loadReuters({ path, numWords: NUM_WORDS }), description: `reuters from ${path}` };
  }
  const data = await loadReuters({ numWords: NUM_WORDS });
  return { data, description: `reuters from ${data.source.path} (${data.source.origin})` };
}

async function loadWordIndex(options: ReutersAppOptions): Promise<Map<string, number>> {
  const local = options.dataDir !== undefined ? join(options.dataDir, 'reuters_word_index.json') : undefined;
  return getReutersWordIndex(local !== undefined && existsSync(local) ? { path: local } : {});
}
