import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../backend';

describe('wasm OneHot', () => {
  it('honours dtype (the stock wasm kernel writes int32 bits into float32)', async () => {
    // The suite may run on another backend (DLTS_BACKEND, which overrides initBackend's
    // argument); this kernel is wasm's.
    const suiteBackend = tf.getBackend();
    const env = process.env.DLTS_BACKEND;
    delete process.env.DLTS_BACKEND;
    await initBackend('wasm', { log: false });
    expect(tf.getBackend()).toBe('wasm');
    const idx = tf.tensor1d([2, 0, 5, -1], 'int32');
    const before = tf.memory().numTensors;
    const f = tf.oneHot(idx, 4, 1, 0, 'float32');
    expect(f.dtype).toBe('float32');
    expect(f.arraySync()).toEqual([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const i = tf.oneHot(idx, 3, 7, -1);
    expect(i.dtype).toBe('int32');
    expect((i.arraySync() as number[][])[0]).toEqual([-1, -1, 7]);
    tf.dispose([f, i]);
    expect(tf.memory().numTensors).toBe(before);
    // Same as the cpu backend on a rank-2 index tensor.
    const idx2 = tf.tensor2d([[1, 2], [0, 3]], [2, 2], 'int32');
    const wasm = tf.oneHot(idx2, 4, 0.5, 0.25, 'float32').arraySync();
    await initBackend('cpu', { log: false });
    const idxCpu = tf.tensor2d([[1, 2], [0, 3]], [2, 2], 'int32');
    const cpu = tf.oneHot(idxCpu, 4, 0.5, 0.25, 'float32').arraySync();
    await initBackend('wasm', { log: false });
    expect(wasm).toEqual(cpu);
    tf.dispose([idx, idx2]);
    if (env !== undefined) process.env.DLTS_BACKEND = env;
    await initBackend(suiteBackend as BackendName, { log: false });
  });
});
