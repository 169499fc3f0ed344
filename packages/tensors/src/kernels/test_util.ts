/**
 * Helpers for the kernel tests: identical seeded data on both backends,
 * cpu-vs-wasm comparison and leak checks. Test-only; not exported from the
 * package.
 *
 * @internal
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';
import { ensureGradients } from '../gradients';

export type Backend = 'cpu' | 'wasm';

/** Switches the active backend and waits until it is ready (gradients registered too). */
export async function use(backend: Backend): Promise<void> {
  await ensureGradients();
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  await tf.ready();
}

/** Seeded normal values generated on the cpu backend (same on every run). */
export async function randomValues(shape: number[], seed: number): Promise<Float32Array> {
  await use('cpu');
  const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
  const values = (t.dataSync() as Float32Array).slice();
  t.dispose();
  return values;
}

/** Values with many exact ties (small integers and zeros), e.g. for max pooling. */
export async function tiedValues(shape: number[], seed: number): Promise<Float32Array> {
  const v = await randomValues(shape, seed);
  return v.map((x) => Math.max(0, Math.round(x * 2)));
}

export interface Spec {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Builds tensors from specs on the current backend. */
export function tensors(specs: Spec[]): tf.Tensor[] {
  return specs.map((s) => tf.tensor(s.values, s.shape, s.dtype ?? 'float32'));
}

/** The result of `fn` on one backend: values and shapes of every output, nothing left allocated. */
export async function runOn(
  backend: Backend,
  specs: Spec[],
  fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Array<{ shape: number[]; values: Float32Array | Int32Array | Uint8Array }>> {
  await use(backend);
  const inputs = tensors(specs);
  const out = fn(...inputs);
  const list = Array.isArray(out) ? out : [out];
  const result = list.map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
  tf.dispose(list);
  tf.dispose(inputs);
  return result;
}

/** `|a - e| <= tol * max(1, |e|)` element-wise, with a readable failure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label} worst error at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

/** Runs `fn` on cpu and on wasm and compares all outputs. */
export async function compareBackends(
  specs: Spec[],
  fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
  label = '',
): Promise<void> {
  const want = await runOn('cpu', specs, fn);
  const got = await runOn('wasm', specs, fn);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i].shape, `${label} output ${i} shape`).toEqual(want[i].shape);
    expectClose(got[i].values, want[i].values, tol, `${label} output ${i}`);
  }
}

/**
 * Runs a kernel once on wasm and checks that neither engine tensors nor
 * backend buffers (intermediates, views) are left behind.
 */
export async function expectNoLeak(specs: Spec[], fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<void> {
  await use('wasm');
  const inputs = tensors(specs);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.backend().numDataIds();
  const out = fn(...inputs);
  tf.dispose(out);
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.backend().numDataIds()).toBe(buffersBefore);
  tf.dispose(inputs);
}

/** Calls a kernel by name through the engine (inputs are tensors). */
export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}
