import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@dlts/tensors';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { dense } from '../layers/dense';
import type { Model } from '../models/model';
import { sequential } from '../models/sequential';
import { adam, sgd } from '../optimizers/index';
import { loadModel } from '../saving/load';
import type { Logs } from './callback';
import { CSVLogger } from './csv_logger';
import { EarlyStopping } from './early_stopping';
import { formatFilepath } from './filepath';
import { LambdaCallback } from './lambda_callback';
import { LearningRateScheduler } from './learning_rate_scheduler';
import { ModelCheckpoint } from './model_checkpoint';
import { ReduceLROnPlateau } from './reduce_lr_on_plateau';
import { TerminateOnNaN } from './terminate_on_nan';

const root = mkdtempSync(join(tmpdir(), 'dlts-callbacks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

/** y = x1 - 2 x2 + 0.5 with a 1-unit linear model: trains fast and deterministically. */
function linear(lr = 0.05): Model {
  const m = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })]);
  m.compile({ optimizer: sgd({ learningRate: lr }), loss: 'mse', metrics: ['mae'] });
  return m;
}

function data(n = 16, seed = 1) {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 2], 0, 1, 'float32', seed);
    const y = tf.add(tf.matMul(x, tf.tensor2d([[1], [-2]])), 0.5);
    return { x, y };
  });
}

/** A model whose single weight is `value`, so a test can tell which epoch's weights it holds. */
function scalarModel(): Model {
  return sequential([dense({ units: 1, inputShape: [1], useBias: false })]);
}

function setScalar(m: Model, value: number): void {
  const t = tf.tensor2d([[value]]);
  m.setWeights([t]);
  t.dispose();
}

function scalar(m: Model): number {
  return m.weights[0].variable.dataSync()[0];
}

/**
 * Drives EarlyStopping as `fit` would, one epoch per value of `monitored`, setting the model's
 * weight to the epoch number first. Returns the epochs run.
 */
function drive(cb: EarlyStopping, m: Model, monitored: (number | undefined)[], key = 'val_loss'): number {
  cb.setModel(m);
  cb.setParams({ verbose: 0, epochs: monitored.length, steps: 1 });
  m.stopTraining = false;
  cb.onTrainBegin();
  let epochs = 0;
  for (let epoch = 0; epoch < monitored.length; epoch++) {
    setScalar(m, epoch);
    const logs: Logs = { loss: 1 };
    if (monitored[epoch] !== undefined) logs[key] = monitored[epoch]!;
    cb.onEpochEnd(epoch, logs);
    epochs++;
    if (m.stopTraining) break;
  }
  cb.onTrainEnd();
  return epochs;
}

describe('EarlyStopping', () => {
  const m = scalarModel();
  afterAll(() => m.dispose());

  it('patience: stops after `patience` epochs without improvement; stoppedEpoch is that epoch', () => {
    const cb = new EarlyStopping({ patience: 2 });
    expect(drive(cb, m, [0.5, 0.4, 0.4, 0.4, 0.3, 0.2])).toBe(4);
    expect(cb.stoppedEpoch).toBe(3);
    expect(cb.best).toBe(0.4);
    expect(cb.bestEpoch).toBe(1);
    // patience 0 (the default) stops at the first epoch without improvement (but never at epoch 0).
    const zero = new EarlyStopping();
    expect(drive(zero, m, [0.5, 0.6, 0.4])).toBe(2);
    expect(zero.stoppedEpoch).toBe(1);
    // Improving all along: no stop, stoppedEpoch stays 0.
    const never = new EarlyStopping({ patience: 1 });
    expect(drive(never, m, [5, 4, 3, 2, 1])).toBe(5);
    expect(never.stoppedEpoch).toBe(0);
  });

  it('minDelta: smaller changes are not improvements (its sign does not matter)', () => {
    const cb = new EarlyStopping({ patience: 1, minDelta: 0.1 });
    expect(drive(cb, m, [1, 0.95, 0.5])).toBe(2);
    expect(cb.stoppedEpoch).toBe(1);
    const neg = new EarlyStopping({ patience: 1, minDelta: -0.1 });
    expect(drive(neg, m, [1, 0.95, 0.5])).toBe(2);
    const enough = new EarlyStopping({ patience: 1, minDelta: 0.1 });
    expect(drive(enough, m, [1, 0.85, 0.7, 0.65])).toBe(4);
    expect(enough.stoppedEpoch).toBe(3);
  });

  it("mode 'auto' maximises acc, accuracy and auc and minimises the rest; min/max force it", () => {
    for (const monitor of ['acc', 'accuracy', 'val_acc', 'val_accuracy', 'auc', 'val_auc']) {
      expect(new EarlyStopping({ monitor }).mode).toBe('max');
    }
    for (const monitor of ['loss', 'val_loss', 'val_mae', 'mean_squared_error']) {
      expect(new EarlyStopping({ monitor }).mode).toBe('min');
    }
    expect(new EarlyStopping({ monitor: 'val_accuracy', mode: 'min' }).mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'val_loss', mode: 'max' }).mode).toBe('max');
    const cb = new EarlyStopping({ monitor: 'val_accuracy', patience: 1 });
    expect(drive(cb, m, [0.5, 0.6, 0.55, 0.7], 'val_accuracy')).toBe(3);
    expect(cb.best).toBe(0.6);
  });

  it('baseline: wait is reset only by values that also beat the baseline', () => {
    // Keras: improvements that do not beat the baseline do not reset wait, but never trigger a stop.
    const cb = new EarlyStopping({ patience: 2, baseline: 0.6 });
    expect(drive(cb, m, [0.7, 0.8, 0.8, 0.8])).toBe(2);
    expect(cb.stoppedEpoch).toBe(1);
    const without = new EarlyStopping({ patience: 2 });
    expect(drive(without, m, [0.7, 0.8, 0.8, 0.8])).toBe(3);
    expect(without.stoppedEpoch).toBe(2);
    const beaten = new EarlyStopping({ patience: 2, baseline: 0.6 });
    expect(drive(beaten, m, [0.5, 0.55, 0.55, 0.55])).toBe(3);
    // Improving but never beating the baseline: no stop at all.
    const improving = new EarlyStopping({ patience: 1, baseline: 0.1 });
    expect(drive(improving, m, [0.9, 0.8, 0.7, 0.6])).toBe(4);
  });

  it('restoreBestWeights: the weights of the best epoch are back after training', () => {
    const cb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const before = tf.memory().numTensors;
    expect(drive(cb, m, [0.5, 0.3, 0.4, 0.45, 0.2])).toBe(4);
    expect(cb.bestEpoch).toBe(1);
    expect(scalar(m)).toBe(1);
    // Also when training runs to the end without stopping.
    const full = new EarlyStopping({ patience: 5, restoreBestWeights: true });
    expect(drive(full, m, [0.5, 0.3, 0.1, 0.4])).toBe(4);
    expect(scalar(m)).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('startFromEpoch: earlier epochs are ignored', () => {
    const cb = new EarlyStopping({ patience: 1, startFromEpoch: 2, restoreBestWeights: true });
    expect(drive(cb, m, [9, 8, 3, 4, 5])).toBe(4);
    expect(cb.stoppedEpoch).toBe(3);
    expect(cb.bestEpoch).toBe(2);
    expect(scalar(m)).toBe(2);
    const plain = new EarlyStopping({ patience: 1 });
    expect(drive(plain, m, [1, 2, 3])).toBe(2);
  });

  it('a missing monitor warns (naming the available logs) and never stops', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cb = new EarlyStopping({ monitor: 'val_loss', patience: 0 });
    expect(drive(cb, m, [undefined, undefined, undefined])).toBe(3);
    expect(cb.stoppedEpoch).toBe(0);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(String(warn.mock.calls[0][0])).toMatch(/val_loss.*not available.*Available metrics are: loss/);
  });

  it('in fit: stops training, with the best weights restored', async () => {
    const model = linear(0.1);
    const { x, y } = data();
    // A score that is best at epoch 1; LambdaCallback runs first and records each epoch's weights.
    const scores = [3, 1, 2, 5, 6, 7, 8];
    const weights: number[][] = [];
    const score = new LambdaCallback({
      onEpochEnd: (epoch, logs) => {
        logs!.score = scores[epoch];
        weights.push(Array.from(model.weights[0].variable.dataSync()));
      },
    });
    const es = new EarlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true });
    const before = tf.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 7, batchSize: 8, verbose: 0, callbacks: [score, es] });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(h.history.score).toEqual([3, 1, 2, 5]);
    expect(es.stoppedEpoch).toBe(3);
    expect(Array.from(model.weights[0].variable.dataSync())).toEqual(weights[1]);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('ModelCheckpoint', () => {
  it('formats {epoch:02d} and {val_loss:.2f}; saves every epoch; the checkpoint loads and predicts the same', async () => {
    setSeed(2);
    const m = linear();
    const { x, y } = data(16, 3);
    const { x: vx, y: vy } = data(8, 4);
    const dir = join(root, 'every');
    const cb = new ModelCheckpoint({ filepath: join(dir, 'model-{epoch:02d}-{val_loss:.2f}') });
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationData: [vx, vy], callbacks: [cb] });
    const expected = h.history.val_loss.map((v, e) => `model-${String(e + 1).padStart(2, '0')}-${v.toFixed(2)}`);
    expect(cb.saved).toEqual(expected.map((n) => join(dir, n)));
    expect(readdirSync(dir).sort()).toEqual([...expected].sort());
    // The last checkpoint is the trained model.
    const loaded = await loadModel(cb.saved[2]);
    const p1 = m.predict(vx) as tf.Tensor;
    const p2 = loaded.predict(vx) as tf.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    expect(existsSync(join(cb.saved[2], 'optimizer.bin'))).toBe(true);
    tf.dispose([p1, p2]);
    loaded.dispose();
    m.dispose();
    tf.dispose([x, y, vx, vy]);
  });

  it('saveBestOnly saves only on improvement (mode from the monitor); saveWeightsOnly has no optimizer state', async () => {
    const m = linear();
    const dir = join(root, 'best');
    const path = join(dir, 'ckpt');
    const losses = [0.9, 0.5, 0.7, 0.4, 0.6];
    const accs = [0.2, 0.5, 0.4, 0.6, 0.6];
    const saves: [string, number][] = [];
    const fake = (mm: Model, p: string, weightsOnly: boolean) => {
      expect(mm).toBe(m);
      expect(weightsOnly).toBe(false);
      saves.push([p, saves.length]);
      return Promise.resolve();
    };
    const byLoss = new ModelCheckpoint({ filepath: path, saveBestOnly: true, save: fake });
    const byAcc = new ModelCheckpoint({ filepath: `${path}-{epoch}`, monitor: 'val_accuracy', saveBestOnly: true, save: fake });
    expect(byAcc.mode).toBe('max');
    for (const cb of [byLoss, byAcc]) cb.setModel(m);
    for (let e = 0; e < losses.length; e++) {
      await byLoss.onEpochEnd(e, { loss: 1, val_loss: losses[e] });
      await byAcc.onEpochEnd(e, { loss: 1, val_accuracy: accs[e] });
    }
    expect(byLoss.saved).toEqual([path, path, path]);
    expect(byLoss.best).toBe(0.4);
    expect(byAcc.saved).toEqual([`${path}-1`, `${path}-2`, `${path}-4`]);

    // A missing monitor: warn and skip.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const missing = new ModelCheckpoint({ filepath: path, saveBestOnly: true, save: fake });
    missing.setModel(m);
    await missing.onEpochEnd(0, { loss: 1 });
    expect(missing.saved).toEqual([]);
    expect(warn).toHaveBeenCalled();

    // Real saves: only improvements replace the checkpoint; weights only -> no optimizer.bin.
    const { x, y } = data(16, 5);
    const real = new ModelCheckpoint({ filepath: path, monitor: 'loss', saveBestOnly: true, saveWeightsOnly: true });
    const ups = new LambdaCallback({
      onEpochEnd: (epoch, logs) => {
        logs!.loss = [0.9, 0.5, 0.7][epoch];
      },
    });
    await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [ups, real] });
    expect(real.saved).toEqual([path, path]);
    expect(readdirSync(path).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
    expect(json.optimizer_manifest).toBeNull();
    // No temporary directories are left next to the checkpoint.
    expect(readdirSync(dir)).toEqual(['ckpt']);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('replaces an existing checkpoint directory atomically', async () => {
    const m = linear();
    const { x, y } = data(8, 6);
    const path = join(root, 'replace', 'ckpt');
    await m.save(path);
    writeFileSync(join(path, 'extra.txt'), 'from an older run');
    const before = readFileSync(join(path, 'weights.bin'));
    const cb = new ModelCheckpoint({ filepath: path });
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [cb] });
    expect(readdirSync(path).sort()).toEqual(['model.json', 'optimizer.bin', 'weights.bin']);
    expect(readFileSync(join(path, 'weights.bin')).equals(before)).toBe(false);
    expect(readdirSync(join(root, 'replace'))).toEqual(['ckpt']);
    const loaded = await loadModel(path);
    expect(loaded.compiled!.optimizer.iterations).toBe(2);
    loaded.dispose();
    m.dispose();
    tf.dispose([x, y]);
  });

  it('formatFilepath follows Python str.format', () => {
    const logs = { loss: 0.123456, val_loss: 0.125, acc: 0.000123, val_acc: 1 };
    expect(formatFilepath('w-{epoch:02d}-{val_loss:.2f}.h5', 3, logs)).toBe('w-03-0.12.h5'); // ties to even
    expect(formatFilepath('{epoch:03d}_{loss:.3f}', 12, logs)).toBe('012_0.123');
    expect(formatFilepath('{acc:.2e}', 1, logs)).toBe('1.23e-04');
    expect(formatFilepath('{loss}', 1, logs)).toBe('0.123456');
    expect(formatFilepath('{val_acc}', 1, logs)).toBe('1.0');
    expect(formatFilepath('{acc}', 1, logs)).toBe('0.000123');
    expect(formatFilepath('{epoch}-{missing}', 7, logs)).toBe('7-{missing}');
    expect(formatFilepath('{loss:.3g}|{acc:.2g}|{val_acc:g}', 1, logs)).toBe('0.123|0.00012|1');
    expect(formatFilepath('{loss:8.3f}|{loss:08.3f}', 1, logs)).toBe('   0.123|0000.123');
  });
});

describe('ReduceLROnPlateau', () => {
  function plateau(options: ConstructorParameters<typeof ReduceLROnPlateau>[0], values: number[], lr = 1) {
    const m = linear(lr);
    const cb = new ReduceLROnPlateau(options);
    cb.setModel(m);
    cb.onTrainBegin();
    const rates: number[] = [];
    const logged: number[] = [];
    values.forEach((v, epoch) => {
      const logs: Logs = { loss: 1, val_loss: v };
      cb.onEpochEnd(epoch, logs);
      logged.push(logs.lr);
      rates.push(m.compiled!.optimizer.learningRate);
    });
    m.dispose();
    return { rates, logged };
  }

  it('reduces by factor after patience epochs without improvement; logs the rate before the change as lr', () => {
    const { rates, logged } = plateau({ factor: 0.5, patience: 2 }, [1, 1, 1, 1, 1, 1]);
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(logged).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);
  });

  it('an improvement larger than minDelta resets the wait', () => {
    const { rates } = plateau({ factor: 0.5, patience: 2, minDelta: 0.1 }, [1, 0.95, 0.8, 0.75, 0.74, 0.5]);
    // 0.95 is not an improvement (minDelta), 0.8 is, then 0.75 and 0.74 are not -> reduce at epoch 4.
    expect(rates).toEqual([1, 1, 1, 1, 0.5, 0.5]);
  });

  it('respects cooldown', () => {
    const { rates } = plateau({ factor: 0.5, patience: 1, cooldown: 2 }, [1, 1, 1, 1, 1, 1, 1]);
    // As Keras: reduce at 1 (cooldown 2); epoch 2 counts the cooldown down to 1, epoch 3 to 0 and,
    // no longer in cooldown, counts a wait of 1 = patience -> reduce at 3; likewise at 5.
    expect(rates).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
  });

  it('respects minLr', () => {
    const { rates } = plateau({ factor: 0.1, patience: 1, minLr: 0.005 }, [1, 1, 1, 1, 1], 0.1);
    expect(rates[0]).toBe(0.1);
    expect(rates[1]).toBeCloseTo(0.01, 12);
    expect(rates.slice(2)).toEqual([0.005, 0.005, 0.005]);
  });

  it("mode 'max' for accuracy; a factor >= 1 is rejected; a missing monitor warns", () => {
    expect(new ReduceLROnPlateau({ monitor: 'val_accuracy' }).mode).toBe('max');
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { rates } = plateau({ monitor: 'val_auc', patience: 0 }, [1, 1]);
    expect(rates).toEqual([1, 1]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('in fit: lr is in the history and the optimizer really uses the new rate', async () => {
    const m = linear(0.04);
    const { x, y } = data(16, 7);
    const flat = new LambdaCallback({
      onEpochEnd: (_epoch, logs) => {
        logs!.val_loss = 1; // never improves
      },
    });
    const h = await m.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [flat, new ReduceLROnPlateau({ factor: 0.5, patience: 1 })] });
    // lr is logged before the epoch's reduction (Keras 2): reductions at epochs 1, 2 and 3.
    expect(h.history.lr).toEqual([0.04, 0.04, 0.02, 0.01]);
    expect(m.compiled!.optimizer.learningRate).toBeCloseTo(0.005, 12);
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('LearningRateScheduler', () => {
  it('sets the rate at the start of each epoch from schedule(epoch, lr); lr is in the history', async () => {
    const m = linear(0.1);
    const { x, y } = data(8, 8);
    const calls: [number, number][] = [];
    const seen: number[] = [];
    const schedule = new LearningRateScheduler((epoch, lr) => {
      calls.push([epoch, lr]);
      return epoch < 1 ? lr : lr / 2;
    });
    const probe = new LambdaCallback({ onBatchBegin: () => void seen.push(m.compiled!.optimizer.learningRate) });
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [schedule, probe] });
    expect(calls).toEqual([
      [0, 0.1],
      [1, 0.1],
      [2, 0.05],
    ]);
    expect(seen).toEqual([0.1, 0.05, 0.025]);
    expect(h.history.lr).toEqual([0.1, 0.05, 0.025]);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(() => Number.NaN)] })).rejects.toThrow(/finite number/);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('the rate actually drives the update: lr 0 leaves the weights unchanged', async () => {
    const m = linear(0.1);
    const { x, y } = data(8, 9);
    const before = Array.from(m.weights[0].variable.dataSync());
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [new LearningRateScheduler(() => 0)] });
    expect(Array.from(m.weights[0].variable.dataSync())).toEqual(before);
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('CSVLogger', () => {
  it('writes epoch,<sorted keys> and one row per epoch; append continues the file', async () => {
    const m = linear();
    const { x, y } = data(8, 10);
    const { x: vx, y: vy } = data(4, 11);
    const file = join(root, 'logs', 'training.csv');
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationData: [vx, vy], callbacks: [new CSVLogger(file)] });
    let lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae');
    expect(lines).toHaveLength(3);
    const row = lines[1].split(',');
    expect(row[0]).toBe('0');
    expect(Number(row[1])).toBe(h.history.loss[0]);
    expect(Number(row[4])).toBe(h.history.val_mae[0]);
    expect(lines[2].startsWith('1,')).toBe(true);

    // append: no second header, rows continue (epochs counted by fit).
    await m.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 8, verbose: 0, validationData: [vx, vy], callbacks: [new CSVLogger(file, { append: true })] });
    lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('epoch'))).toHaveLength(1);
    expect(lines[3].startsWith('2,')).toBe(true);

    // Without append the file starts over.
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationData: [vx, vy], callbacks: [new CSVLogger(file)] });
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    m.dispose();
    tf.dispose([x, y, vx, vy]);
  });

  it('as Keras: without validation the val_ columns are written as NA; a custom separator', async () => {
    const m = linear();
    const { x, y } = data(8, 12);
    const file = join(root, 'logs', 'noval.tsv');
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new CSVLogger(file, { separator: '\t' })] });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('epoch\tloss\tmae\tval_loss\tval_mae');
    expect(lines[1]).toMatch(/^0\t[0-9.e-]+\t[0-9.e-]+\tNA\tNA$/);
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('TerminateOnNaN', () => {
  it('stops at the first batch whose loss is NaN (huge learning rate)', async () => {
    const m = sequential([dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: sgd({ learningRate: 1e30 }), loss: 'mse' });
    const { x, y } = data(32, 13);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const batches: number[] = [];
    const counter = new LambdaCallback({ onBatchEnd: (batch) => void batches.push(batch) });
    const before = tf.memory().numTensors;
    const h = await m.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, shuffle: false, callbacks: [new TerminateOnNaN(), counter] });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.epoch).toEqual([0]);
    expect(batches.length).toBeLessThan(8);
    expect(Number.isFinite(h.history.loss[0])).toBe(false);
    expect(String(log.mock.calls.at(-1)?.[0])).toMatch(new RegExp(`^Batch ${batches.at(-1)}: Invalid loss, terminating training$`));
    m.dispose();
    tf.dispose([x, y]);
  });

  it('stops on data with NaN', async () => {
    const m = linear();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [Number.NaN, 1],
      [0, 1],
    ]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 1, verbose: 0, shuffle: false, callbacks: [new TerminateOnNaN()] });
    expect(h.epoch).toEqual([0]);
    expect(Number.isNaN(h.history.loss[0])).toBe(true);
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('LambdaCallback', () => {
  it('calls each hook with (epoch, logs) / (batch, logs) / (logs)', async () => {
    const m = sequential([dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: adam(), loss: 'mse' });
    const { x, y } = data(6, 14);
    const calls: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: (logs) => void calls.push(`trainBegin ${JSON.stringify(logs)}`),
      onEpochBegin: (epoch, logs) => void calls.push(`epochBegin ${epoch} ${JSON.stringify(logs)}`),
      onBatchBegin: (batch, logs) => void calls.push(`batchBegin ${batch} size=${logs?.size}`),
      onBatchEnd: (batch, logs) => void calls.push(`batchEnd ${batch} ${Number.isFinite(logs?.loss) ? 'loss' : 'none'}`),
      onEpochEnd: async (epoch, logs) => {
        await Promise.resolve();
        calls.push(`epochEnd ${epoch} ${Object.keys(logs ?? {}).join(',')}`);
      },
      onTrainEnd: (logs) => void calls.push(`trainEnd ${JSON.stringify(logs)}`),
    });
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: cb });
    expect(calls).toEqual([
      'trainBegin {}',
      'epochBegin 0 {}',
      'batchBegin 0 size=4',
      'batchEnd 0 loss',
      'batchBegin 1 size=2',
      'batchEnd 1 loss',
      'epochEnd 0 loss',
      'epochBegin 1 {}',
      'batchBegin 0 size=4',
      'batchEnd 0 loss',
      'batchBegin 1 size=2',
      'batchEnd 1 loss',
      'epochEnd 1 loss',
      'trainEnd {}',
    ]);
    m.dispose();
    tf.dispose([x, y]);
  });
});
