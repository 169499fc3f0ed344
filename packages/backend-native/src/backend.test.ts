import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeBackend } from './backend';
import { NATIVE_BACKEND } from './kernels/kernel_util';
import { nativeAvailable, randomTensor } from './test_util';

describe.skipIf(!nativeAvailable)('NativeBackend storage', () => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(NATIVE_BACKEND);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('runs every cpu kernel (the ones it has no native version of run on the same storage)', () => {
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName);
    const native = new Set(tf.getKernelsForBackend(NATIVE_BACKEND).map((k) => k.kernelName));
    expect(cpu.filter((k) => !native.has(k))).toEqual([]);
    const t = tf.tidy(() => tf.cumsum(tf.transpose(tf.reverse(tf.tensor2d([1, 2, 3, 4], [2, 2]), 0))));
    expect(Array.from(t.dataSync())).toEqual([3, 1, 7, 3]);
    t.dispose();
  });

  it('arrays read by dataSync stay intact after their tensor is disposed and memory is reused', () => {
    const x = randomTensor([64, 1024], 1);
    const y = tf.relu(x);
    const read = y.dataSync();
    const copy = Float32Array.from(read);
    y.dispose();
    for (let i = 0; i < 5; i++) tf.dispose(tf.tidy(() => tf.mul(tf.relu(tf.neg(x)), 3)));
    expect(read).toEqual(copy);
    x.dispose();
  });

  it('a slice (a view on its input memory) survives the disposal of its input', () => {
    const x = tf.tidy(() => tf.add(randomTensor([64, 1024], 2), 1));
    const expected = x.dataSync().slice(0, 1024);
    const first = tf.slice(x, [0, 0], [1, 1024]);
    x.dispose();
    for (let i = 0; i < 5; i++) tf.dispose(tf.tidy(() => tf.add(randomTensor([64, 1024], 3 + i), 7)));
    expect(first.dataSync()).toEqual(expected);
    first.dispose();
  });

  it('reuses freed outputs and frees every tensor over a long training loop', () => {
    const backend = tf.backend() as NativeBackend;
    const w = tf.variable(randomTensor([784, 256], 4));
    const x = randomTensor([128, 784], 5);
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.relu(tf.matMul(x, w)))) as tf.Scalar, [w]);
        w.assign(tf.sub(w, tf.mul(grads[w.name], 0.01)));
      });
    step();
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    const before = backend.poolStats();
    for (let i = 0; i < 200; i++) step();
    const after = backend.poolStats();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
    expect(after.allocated - before.allocated).toBeLessThan(10);
    expect(after.reused - before.reused).toBeGreaterThan(200 * 3);
    tf.dispose([w, x]);
  });
});
