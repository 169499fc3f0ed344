import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plotSeries } from '@dlts/vis';
import { loadBostonHousing, type BostonHousingData } from '@dlts/datasets';
import { clearSession, dense, sequential, type Sequential } from '@dlts/layers';
import { fitStandardizer, formatR, formatStr, initBackend, kFold, setSeed, tf } from '@dlts/tensors';
import type { BostonAppOptions } from './args';

/** What `--json` writes. */
export interface BostonResult {
  dataset: 'boston_housing';
  /** Where the data came from. */
  data: string;
  backend: string;
  params: Record<string, unknown>;
  /** The k-fold cross-validation: the validation MAE of each fold and their mean (course: 2.38). */
  kfold: { mae: number[]; mean: number; validationSizes: number[] };
  /** The validation-MAE histories (`--history-epochs`), per fold and averaged; null when skipped. */
  histories: { epochs: number; perFold: number[][]; average: number[]; bestEpoch: number } | null;
  /** The final model (80 epochs, batch 16) on the test set. */
  test: { loss: number; mae: number };
  /** What the course plots: `average_mae_history` (epoch, validation_mae), for `geom_line()` and `geom_smooth()`. */
  plots: { averageMaeHistory: { epoch: number[]; validation_mae: number[] } | null };
  /** Wall-clock seconds of each part. */
  seconds: { kfold: number; histories: number; final: number; total: number };
}

/** The course's `build_model()`: dense 64-64-1, rmsprop, mse loss, mae metric. */
export function buildModel(features: number): Sequential {
  const model = sequential([
    dense({ units: 64, activation: 'relu', inputShape: [features] }),
    dense({ units: 64, activation: 'relu' }),
    dense({ units: 1 }),
  ]);
  model.compile({ optimizer: 'rmsprop', loss: 'mse', metrics: ['mae'] });
  return model;
}

/**
 * The course's Boston housing section: look at the data, standardise it with the training mean
 * and sd, cross-validate `build_model()` with k folds, average the validation-MAE histories of
 * longer runs, then train the final model and evaluate it on the test set.
 */
export async function runBoston(options: BostonAppOptions, log: (line: string) => void = console.log): Promise<BostonResult> {
  const started = performance.now();
  const backend = await initBackend(options.backend);
  if (options.seed !== undefined) setSeed(options.seed);

  // dataset <- dataset_boston_housing()
  const { data, description } = await loadData(options);
  log(`Data: ${description}`);
  let { x: trainX, y: trainTargets } = data.train;
  let { x: testX, y: testTargets } = data.test;
  if (options.limit !== undefined) {
    const n = Math.min(options.limit, trainX.shape[0]);
    const m = Math.min(options.limit, testX.shape[0]);
    const cut = [tf.slice(trainX, 0, n), tf.slice(trainTargets, 0, n), tf.slice(testX, 0, m), tf.slice(testTargets, 0, m)];
    tf.dispose([trainX, trainTargets, testX, testTargets]);
    [trainX, trainTargets, testX, testTargets] = cut as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  }
  const [n, features] = trainX.shape;

  // str() shows R's column-major order: the first values of the first column.
  const firstColumn = (x: tf.Tensor2D) => tf.tidy(() => tf.slice(x, [0, 0], [Math.min(10, x.shape[0]), 1]).dataSync());
  log('\n> str(train_data)');
  log(formatStr(firstColumn(trainX), trainX.shape));
  log('\n> str(test_data)');
  log(formatStr(firstColumn(testX), testX.shape));
  log('\n> str(train_targets)');
  log(formatStr(trainTargets.dataSync().subarray(0, 10), [n], { oneD: true }));

  // mean <- apply(train_data, 2, mean); std <- apply(train_data, 2, sd); scale(...)
  const scaler = fitStandardizer(trainX);
  const trainData = scaler.transform(trainX) as tf.Tensor2D;
  const testData = scaler.transform(testX) as tf.Tensor2D;
  scaler.dispose();
  tf.dispose([trainX, testX]);

  // k <- 4; indices <- sample(1:nrow(train_data)); folds <- cut(indices, breaks = k, labels = FALSE)
  const folds = kFold(n, options.k, { shuffle: true });
  const split = (fold: (typeof folds)[number]) =>
    tf.tidy(() => {
      const val = tf.tensor1d(fold.validation, 'int32');
      const train = tf.tensor1d(fold.train, 'int32');
      return {
        valData: tf.gather(trainData, val) as tf.Tensor2D,
        valTargets: tf.gather(trainTargets, val) as tf.Tensor1D,
        partialData: tf.gather(trainData, train) as tf.Tensor2D,
        partialTargets: tf.gather(trainTargets, train) as tf.Tensor1D,
      };
    });

  log(`\n> for (i in 1:k) { ... model %>% fit(partial_train_data, partial_train_targets, epochs = ${options.epochs}, batch_size = ${options.batchSize}, verbose = 0) ... }`);
  const kfoldStart = performance.now();
  const scores: number[] = [];
  for (const fold of folds) {
    log(`processing fold # ${fold.fold + 1} `);
    const s = split(fold);
    const model = buildModel(features);
    await model.fit(s.partialData, s.partialTargets, { epochs: options.epochs, batchSize: options.batchSize, verbose: 0 });
    const results = await model.evaluate(s.valData, s.valTargets, { verbose: 0 });
    scores.push(results.mae);
    model.dispose();
    tf.dispose(Object.values(s));
  }
  const kfoldSeconds = (performance.now() - kfoldStart) / 1000;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  log('\n> all_scores');
  log(formatR(scores, { names: scores.map(() => 'mae') }));
  log('\n> mean(all_scores)');
  log(formatR([mean]));

  // num_epochs <- 500: the validation MAE of every epoch, averaged over the folds
  let histories: BostonResult['histories'] = null;
  const historyStart = performance.now();
  if (options.historyEpochs > 0) {
    clearSession();
    log(`\n> all_mae_histories: ${options.k} folds x ${options.historyEpochs} epochs, batch_size = ${options.batchSize}, validation_data = list(val_data, val_targets)`);
    const perFold: number[][] = [];
    for (const fold of folds) {
      log(`processing fold # ${fold.fold + 1} `);
      const s = split(fold);
      const model = buildModel(features);
      const history = await model.fit(s.partialData, s.partialTargets, {
        epochs: options.historyEpochs,
        batchSize: options.batchSize,
        validationData: [s.valData, s.valTargets],
        verbose: 0,
      });
      perFold.push(history.history.val_mae);
      model.dispose();
      tf.dispose(Object.values(s));
    }
    const average = perFold[0].map((_, e) => perFold.reduce((sum, h) => sum + h[e], 0) / perFold.length);
    const bestEpoch = average.indexOf(Math.min(...average)) + 1;
    histories = { epochs: options.historyEpochs, perFold, average, bestEpoch };
    log('\n> ggplot(average_mae_history, aes(x = epoch, y = validation_mae)) + geom_line()');
    log('> ggplot(average_mae_history, aes(x = epoch, y = validation_mae)) + geom_smooth()');
    if (options.plots) {
      const series = { validation_mae: average };
      const common = { xTitle: 'epoch', yTitle: 'validation_mae' };
      log(`Wrote ${await plotSeries(series, { ...common, geoms: ['line'], file: join(options.plots, 'average_mae_line.png') })}`);
      log(`Wrote ${await plotSeries(series, { ...common, geoms: ['smooth'], file: join(options.plots, 'average_mae_smooth.png') })}`);
    } else {
      log('(run with --plots DIR to draw them)');
    }
    log(`lowest average validation MAE: ${formatR([average[bestEpoch - 1]]).replace(/^\[1\] /, '')} at epoch ${bestEpoch}`);
  }
  const historySeconds = (performance.now() - historyStart) / 1000;

  // model <- build_model(); fit(train_data, train_targets, epochs = 80, batch_size = 16); evaluate(test_data, test_targets)
  clearSession();
  log(`\n> model %>% fit(train_data, train_targets, epochs = ${options.finalEpochs}, batch_size = ${options.finalBatchSize}, verbose = 0)`);
  const finalStart = performance.now();
  const model = buildModel(features);
  await model.fit(trainData, trainTargets, { epochs: options.finalEpochs, batchSize: options.finalBatchSize, verbose: 0 });
  const result = await model.evaluate(testData, testTargets);
  model.dispose();
  const finalSeconds = (performance.now() - finalStart) / 1000;
  log('\n> result');
  log(formatR([result.loss, result.mae], { names: ['loss', 'mae'] }));
  tf.dispose([trainData, trainTargets, testData, testTargets]);

  const total = (performance.now() - started) / 1000;
  log(
    `\nMean validation MAE ${mean.toFixed(2)} over ${options.k} folds (course: 2.38), test MAE ${result.mae.toFixed(2)}, ` +
      `backend ${backend.backend}, ${total.toFixed(1)} s.`,
  );
  const out: BostonResult = {
    dataset: 'boston_housing',
    data: description,
    backend: backend.backend,
    params: {
      epochs: options.epochs,
      batchSize: options.batchSize,
      k: options.k,
      historyEpochs: options.historyEpochs,
      finalEpochs: options.finalEpochs,
      finalBatchSize: options.finalBatchSize,
      train: n,
      test: testTargets.shape[0],
      limit: options.limit ?? null,
      seed: options.seed ?? null,
    },
    kfold: { mae: scores, mean, validationSizes: folds.map((f) => f.validation.length) },
    histories,
    test: { loss: result.loss, mae: result.mae },
    plots: {
      averageMaeHistory: histories ? { epoch: histories.average.map((_, i) => i + 1), validation_mae: histories.average } : null,
    },
    seconds: { kfold: kfoldSeconds, histories: historySeconds, final: finalSeconds, total },
  };
  if (options.json) await writeFile(options.json, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

async function loadData(options: BostonAppOptions): Promise<{ data: BostonHousingData; description: string }> {
  if (options.dataDir !== undefined) {
    const path = join(options.dataDir, 'boston_housing.npz');
    if (!existsSync(path)) throw new Error(`--data-dir ${options.dataDir} has no boston_housing.npz (Keras's file, or any .npz in its layout)`);
    return { data: await loadBostonHousing({ path }), description: `boston_housing from ${path}` };
  }
  const data = await loadBostonHousing();
  return { data, description: `boston_housing from ${data.source.path} (${data.source.origin})` };
}
