/**
 * Test helpers: run the same computation on the native backend and on tfjs-backend-cpu (the
 * reference), from the same seeded inputs, and compare.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { registerNativeBackend } from './register';

/** Whether the addon is built and loads here (it is in CI, which installs libdnnl-dev). */
export const nativeAvailable = registerNativeBackend().available;

/** Deterministic values in [lo, hi) (a 32-bit LCG, so that both backends get the same inputs). */
export function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

/** A float32 tensor of `shape` filled by {@link values}. */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

/** What a computation returns: one tensor or several. */
type Out = tf.Tensor | tf.Tensor[];

/**
 * Runs `fn` on `native` and on `cpu` and returns both results as plain arrays (with shapes);
 * checks that no tensor leaked on either backend.
 */
export async function onBothBackends(fn: () => Out): Promise<{ native: { shape: number[]; data: Float32Array | Int32Array | Uint8Array }[]; cpu: { shape: number[]; data: Float32Array | Int32Array | Uint8Array }[] }> {
  const previous = tf.getBackend();
  const run = async (name: string) => {
    await tf.setBackend(name);
    // The cpu backend's one-time "you are running TensorFlow.js in Node.js" banner.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    const before = tf.memory().numTensors;
    const result = tf.tidy(fn);
    const list = Array.isArray(result) ? result : [result];
    const out = list.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array | Int32Array | Uint8Array }));
    tf.dispose(list);
    expect(tf.memory().numTensors).toBe(before);
    return out;
  };
  const native = await run('native');
  const cpu = await run('cpu');
  await tf.setBackend(previous);
  return { native, cpu };
}

/** Asserts that `fn` gives the same shapes and values (within `rtol`/`atol`) on native and cpu. */
export async function expectSameOnBothBackends(fn: () => Out, { rtol = 1e-4, atol = 1e-5 } = {}): Promise<void> {
  const { native, cpu } = await onBothBackends(fn);
  expect(native.length).toBe(cpu.length);
  native.forEach((n, i) => {
    const c = cpu[i];
    expect(n.shape).toEqual(c.shape);
    expect(n.data.length).toBe(c.data.length);
    let worst = 0;
    let where = -1;
    for (let j = 0; j < n.data.length; j++) {
      const a = n.data[j];
      const b = c.data[j];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
      if (!(excess <= worst)) {
        worst = Number.isNaN(excess) ? Infinity : excess;
        where = j;
      }
    }
    if (where >= 0) {
      expect.fail(`output ${i} (shape ${JSON.stringify(n.shape)}) differs at ${where}: native ${n.data[where]}, cpu ${c.data[where]}`);
    }
  });
}
