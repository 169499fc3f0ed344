import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plotHistory } from '@dlts/vis';
import { decodeSequence, getImdbWordIndex, loadImdb, vectorizeSequences, type SequenceData } from '@dlts/datasets';
import { dense, sequential, type History, type Sequential } from '@dlts/layers';
import { formatR, formatStr, formatStrHistory, initBackend, setSeed, tf } from '@dlts/tensors';
import type { ImdbAppOptions } from './args';

/** The vocabulary of the course: `dataset_imdb(num_words = 10000)`. */
const NUM_WORDS = 10000;
const BATCH_SIZE = 512;

/** What `--json` writes. */
export interface ImdbResult {
  dataset: 'imdb';
  /** Where the data came from. */
  data: string;
  backend: string;
  params: Record<string, unknown>;
  /** The first run (held-out validation): loss, accuracy, val_loss, val_accuracy per epoch. */
  history: Record<string, number[]>;
  /** The final model's training history. */
  final: { history: Record<string, number[]> };
  /** The final model on the test set (course: 0.2879807, 0.8844400). */
  test: { loss: number; accuracy: number };
  /** Predicted probabilities of the first 10 test reviews. */
  predictions: number[];
  /** What the course plots, for a plotting tool (`plot(history)`): History.toJSON() of the first run. */
  plots: { history: ReturnType<History['toJSON']> };
  seconds: number;
}

/** The course's network: dense 10-10-1, rmsprop, binary cross-entropy, accuracy. */
export function buildModel(): Sequential {
  const model = sequential([
    dense({ units: 10, activation: 'relu', inputShape: [NUM_WORDS] }),
    dense({ units: 10, activation: 'relu' }),
    dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * The course's IMDB section, step by step: look at the data, decode the first review, vectorize,
 * train 20 epochs with 10,000 reviews held out, retrain 4 epochs on everything, evaluate and
 * predict the first ten test reviews.
 */
export async function runImdb(options: ImdbAppOptions, log: (line: string) => void = console.log): Promise<ImdbResult> {
  const started = performance.now();
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);

  // imdb <- dataset_imdb(num_words = 10000)
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

  log('\n> str(train_data[[1]])');
  log(formatStr(trainData[0].slice(0, 10), [trainData[0].length], { type: 'int' }));
  log('\n> train_labels[[1]]');
  log(formatR([trainLabels[0]]));
  log('\n> max(sapply(train_data, max))');
  log(formatR([trainData.reduce((m, s) => Math.max(m, ...s), 0)]));

  // decoded_review <- sapply(train_data[[1]], ...); cat(decoded_review)
  log('\n> cat(decoded_review)');
  const wordIndex = await loadWordIndex(options).catch((error: Error) => error);
  if (wordIndex instanceof Map) log(decodeSequence(trainData[0], wordIndex));
  else log(`(no word index: ${wordIndex.message.split('\n')[0]})`);

  // x_train <- vectorize_sequences(train_data): R's columns 1..10 are words 1..10.
  log('\n> str(x_train[1,])');
  const firstRow = vectorizeSequences([trainData[0]], NUM_WORDS);
  log(formatStr(firstRow.dataSync().subarray(1, 11), [NUM_WORDS]));
  firstRow.dispose();

  // val_indices <- 1:10000 (40% of the training reviews when --limit is used)
  const nVal = Math.max(1, Math.min(10000, Math.floor(trainData.length * 0.4)));
  const labels = (y: Int32Array) => tf.tensor2d(Float32Array.from(y), [y.length, 1]);
  const xVal = vectorizeSequences(trainData.slice(0, nVal), NUM_WORDS);
  const yVal = labels(trainLabels.slice(0, nVal));
  const partialX = vectorizeSequences(trainData.slice(nVal), NUM_WORDS);
  const partialY = labels(trainLabels.slice(nVal));

  log(`\n> history <- model %>% fit(partial_x_train, partial_y_train, epochs = ${options.epochs}, batch_size = ${BATCH_SIZE}, validation_data = list(x_val, y_val))`);
  const model = buildModel();
  const history = await model.fit(partialX, partialY, { epochs: options.epochs, batchSize: BATCH_SIZE, validationData: [xVal, yVal] });
  tf.dispose([xVal, yVal, partialX, partialY]);
  model.dispose();
  log('\n> str(history)');
  log(formatStrHistory(history.params as Record<string, unknown>, history.history));
  log('\n> plot(history)');
  if (options.plots) log(`Wrote ${await plotHistory(history, { file: join(options.plots, 'history.png') })}`);
  else log('(run with --plots DIR to draw it)');

  // model %>% fit(x_train, y_train, epochs = 4, batch_size = 512); results <- model %>% evaluate(x_test, y_test)
  log(`\n> model %>% fit(x_train, y_train, epochs = ${options.finalEpochs}, batch_size = ${BATCH_SIZE})`);
  const final = buildModel();
  const xTrain = vectorizeSequences(trainData, NUM_WORDS);
  const yTrain = labels(trainLabels);
  const finalHistory = await final.fit(xTrain, yTrain, { epochs: options.finalEpochs, batchSize: BATCH_SIZE });
  tf.dispose([xTrain, yTrain]);
  const xTest = vectorizeSequences(testData, NUM_WORDS);
  const yTest = labels(testLabels);
  const results = await final.evaluate(xTest, yTest);
  log('\n> results');
  log(formatR([results.loss, results.accuracy], { names: ['loss', 'accuracy'] }));

  log('\n> model %>% predict(x_test[1:10,])');
  const firstTen = tf.slice(xTest, [0, 0], [Math.min(10, testData.length), NUM_WORDS]);
  const probs = final.predict(firstTen) as tf.Tensor;
  log(formatR(probs));
  const predictions = Array.from(probs.dataSync());
  tf.dispose([firstTen, probs, xTest, yTest]);
  final.dispose();

  const seconds = (performance.now() - started) / 1000;
  log(`\nTest accuracy ${results.accuracy.toFixed(4)} (course: 0.8844) on ${trainData.length} + ${testData.length} reviews, backend ${backend.backend}, ${seconds.toFixed(1)} s.`);
  const result: ImdbResult = {
    dataset: 'imdb',
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
    final: { history: finalHistory.history },
    test: { loss: results.loss, accuracy: results.accuracy },
    predictions,
    plots: { history: history.toJSON() },
    seconds,
  };
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function loadData(options: ImdbAppOptions): Promise<{ data: SequenceData; description: string }> {
  if (options.dataDir !== undefined) {
    const path = join(options.dataDir, 'imdb.npz');
    if (!existsSync(path)) throw new Error(`--data-dir ${options.dataDir} has no imdb.npz (Keras's file, or any .npz in its layout)`);
    return { data: await loadImdb({ path, numWords: NUM_WORDS }), description: `imdb from ${path}` };
  }
  const data = await loadImdb({ numWords: NUM_WORDS });
  return { data, description: `imdb from ${data.source.path} (${data.source.origin})` };
}

async function loadWordIndex(options: ImdbAppOptions): Promise<Map<string, number>> {
  const local = options.dataDir !== undefined ? join(options.dataDir, 'imdb_word_index.json') : undefined;
  return getImdbWordIndex(local !== undefined && existsSync(local) ? { path: local } : {});
}
