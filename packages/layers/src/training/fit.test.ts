import * as tf from '@tensorflow/tfjs-core';
import { setSeed, toCategorical } from '@dlts/tensors';
import { describe, expect, it } from 'vitest';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import { sequential } from '../models/sequential';
import { Callback, type Logs } from '../callbacks/callback';
import { rmsprop } from '../optimizers/index';

/** A small separable problem: 4 features, 3 classes decided by which feature is largest. */
function toyData(n: number, seed: number) {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', seed);
    const y = toCategorical(tf.argMax(tf.slice(x, [0, 0], [n, 3]), 1), 3);
    return { x, y };
  });
}

function toyModel() {
  const m = sequential([dense({ units: 16, activation: 'relu', inputShape: [4] }), dropout({ rate: 0.1 }), dense({ units: 3, activation: 'softmax' })]);
  m.compile({ optimizer: rmsprop({ learningRate: 0.01 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

class Quiet extends Callback {}

describe('fit', () => {
  it('trains, returns a Keras-shaped History, and leaks nothing', async () => {
    setSeed(1);
    const { x, y } = toyData(256, 1);
    const m = toyModel();
    const before = tf.memory().numTensors;
    const history = await m.fit(x, y, { epochs: 8, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks: [new Quiet()] });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.params).toEqual({ verbose: 0, epochs: 8, steps: 6 });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const loss = history.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    expect(history.history.accuracy[7]).toBeGreaterThan(0.6);

    const evalBefore = tf.memory().numTensors;
    const result = await m.evaluate(x, y, { batchSize: 64 });
    expect(Object.keys(result)).toEqual(['loss', 'accuracy']);
    expect(tf.memory().numTensors).toBe(evalBefore);
    const five = tf.slice(x, [0, 0], [5, 4]);
    const probs = m.predict(five, { batchSize: 2 }) as tf.Tensor;
    expect(probs.shape).toEqual([5, 3]);
    expect(tf.memory().numTensors).toBe(evalBefore + 2);
    tf.dispose([five, probs]);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('names metrics as the user wrote them (acc) and resolves the binary accuracy', async () => {
    const x = tf.randomNormal([64, 3], 0, 1, 'float32', 3);
    const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32');
    const m = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [3] })]);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['acc'] });
    const h = await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss', 'acc']);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('the same seed gives the same history (shuffling, init and dropout all seeded)', async () => {
    const run = async () => {
      setSeed(42);
      const { x, y } = toyData(128, 2);
      const m = toyModel();
      const h = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
      m.dispose();
      tf.dispose([x, y]);
      return h.history.loss;
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    setSeed(43);
    const { x, y } = toyData(128, 2);
    const m = toyModel();
    const c = (await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 })).history.loss;
    expect(c).not.toEqual(a);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('a convnet trains on the current backend and its loss goes down', async () => {
    setSeed(7);
    const x = tf.randomUniform([32, 12, 12, 1], 0, 1, 'float32', 5);
    const y = toCategorical(tf.cast(tf.greater(tf.mean(x, [1, 2, 3]), 0.5), 'int32'), 2);
    const m = sequential([
      conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [12, 12, 1] }),
      maxPooling2d(),
      flatten(),
      dense({ units: 2, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const before = tf.memory().numTensors;
    const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.history.loss[4]).toBeLessThan(h.history.loss[0]);
    m.dispose();
    tf.dispose([x, y]);
  });

  it("a seeded convnet run is repeatable on the suite's backend (conv backprop kernels included)", async () => {
    const run = async () => {
      setSeed(11);
      const x = tf.randomUniform([24, 10, 10, 1], 0, 1, 'float32', 5);
      const y = toCategorical(tf.cast(tf.greater(tf.mean(x, [1, 2, 3]), 0.5), 'int32'), 2);
      const m = sequential([
        conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 1] }),
        maxPooling2d(),
        flatten(),
        dropout({ rate: 0.2 }),
        dense({ units: 2, activation: 'softmax' }),
      ]);
      m.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      m.dispose();
      tf.dispose([x, y]);
      return h.history;
    };
    expect(await run()).toEqual(await run());
  });

  it('supports validationData, initialEpoch, sampleWeight and classWeight as Keras', async () => {
    const { x, y } = toyData(64, 21);
    const m = toyModel();
    const h = await m.fit(x, y, { epochs: 3, initialEpoch: 1, batchSize: 16, verbose: 0, validationData: [x, y] });
    expect(h.epoch).toEqual([1, 2]);
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    // Zero sample weights on every sample: the loss is 0 and nothing learns.
    const before = m.getWeights();
    const zero = tf.zeros([64]);
    const hz = await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, sampleWeight: zero, shuffle: false });
    expect(hz.history.loss[0]).toBe(0);
    const after = m.getWeights();
    after.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i].dataSync())));
    // classWeight {0: 0, 1: 0, 2: 0} is the same as zero sample weights.
    const hc = await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, classWeight: { 0: 0, 1: 0, 2: 0 } });
    expect(hc.history.loss[0]).toBe(0);
    tf.dispose([...before, ...after, zero, x, y]);
    m.dispose();
  });

  it('batch logs are lazy and correct; stopTraining ends the run', async () => {
    const { x, y } = toyData(64, 4);
    const m = toyModel();
    const seen: number[] = [];
    class Stopper extends Callback {
      override onTrainBatchEnd(batch: number, logs?: Logs) {
        seen.push(logs!.loss);
        if (batch === 2) this.model!.stopTraining = true;
      }
    }
    const h = await m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [new Stopper()] });
    expect(seen).toHaveLength(3);
    expect(seen.every(Number.isFinite)).toBe(true);
    expect(h.epoch).toEqual([0]);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('fits from an async generator of batches with stepsPerEpoch, disposing each batch', async () => {
    const m = toyModel();
    async function* batches() {
      for (let i = 0; ; i++) {
        const { x, y } = toyData(8, 100 + i);
        yield [x, y];
      }
    }
    const before = tf.memory().numTensors;
    const h = await m.fit(batches(), undefined, { epochs: 2, stepsPerEpoch: 4, verbose: 0 });
    expect(h.params?.steps).toBe(4);
    expect(h.history.loss).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('takes generators as Keras does: fit(gen, {stepsPerEpoch}), evaluate(gen, {steps}), predict(gen, {steps})', async () => {
    const m = toyModel();
    function* batches(): Generator<[tf.Tensor, tf.Tensor]> {
      for (let i = 0; ; i++) {
        const { x, y } = toyData(8, 200 + (i % 3));
        yield [x, y];
      }
    }
    const before = tf.memory().numTensors;
    const h = await m.fit(batches(), { epochs: 2, stepsPerEpoch: 3, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    const result = await m.evaluate(batches(), { steps: 2 });
    expect(Object.keys(result)).toEqual(['loss', 'accuracy']);
    expect(tf.memory().numTensors).toBe(before);
    const probs = (await m.predict(batches(), { steps: 3 })) as tf.Tensor;
    expect(probs.shape).toEqual([24, 3]);
    probs.dispose();
    // A generator of x alone works for predict too.
    function* inputs() {
      yield tf.ones([2, 4]);
      yield tf.zeros([3, 4]);
    }
    const p2 = (await m.predict(inputs())) as tf.Tensor;
    expect(p2.shape).toEqual([5, 3]);
    p2.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('explains missing toCategorical and an uncompiled model', async () => {
    const m = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
    const x = tf.zeros([4, 4]);
    const y = tf.tensor1d([0, 1, 2, 1]);
    await expect(m.fit(x, y)).rejects.toThrow(/compile your model/);
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/toCategorical/);
    await expect(m.fit(x, tf.zeros([4, 3]), { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer. Received: epochs=0/);
    m.dispose();
    tf.dispose([x, y]);
  });

  it('prints the Keras progress line per epoch when not on a terminal', async () => {
    const { x, y } = toyData(64, 9);
    const m = toyModel();
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => {
      lines.push(s);
      return true;
    };
    const isTTY = process.stdout.isTTY;
    (process.stdout as { isTTY?: boolean }).isTTY = false;
    try {
      await m.fit(x, y, { epochs: 2, batchSize: 32 });
    } finally {
      (process.stdout as unknown as { write: typeof original }).write = original;
      (process.stdout as { isTTY?: boolean }).isTTY = isTTY;
    }
    expect(lines[0]).toBe('Epoch 1/2\n');
    expect(lines[1]).toMatch(/^2\/2 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+(ms|us|s)\/epoch - \d+(ms|us|s)\/step\n$/);
    m.dispose();
    tf.dispose([x, y]);
  });
});
