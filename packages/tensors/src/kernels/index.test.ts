import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerWasmKernels, unregisterWasmKernels, wasmKernelConfigs } from './index';
import { compareBackends, randomValues, use, type Spec } from './test_util';

const names = wasmKernelConfigs.map((c) => c.kernelName);

describe('registerWasmKernels (called after tf.setBackend("wasm"))', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the list holds one wasm config per kernel', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const c of wasmKernelConfigs) {
      expect(c.backendName).toBe('wasm');
      expect(typeof c.kernelFunc).toBe('function');
    }
    expect(names).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'BatchMatMul', 'Conv2DBackpropInput']));
  });

  it('registers every kernel of the list and returns their names', async () => {
    await use('wasm');
    const warn = vi.spyOn(console, 'warn');
    const registered = registerWasmKernels();
    expect(registered).toEqual(names);
    for (const c of wasmKernelConfigs) expect(tf.getKernel(c.kernelName, 'wasm')).toBe(c);
    expect(warn).not.toHaveBeenCalled();
  });

  it('is idempotent: a second call changes nothing and warns nothing', async () => {
    await use('wasm');
    const warn = vi.spyOn(console, 'warn');
    expect(registerWasmKernels()).toEqual(names);
    expect(registerWasmKernels()).toEqual(names);
    for (const c of wasmKernelConfigs) expect(tf.getKernel(c.kernelName, 'wasm')).toBe(c);
    expect(warn).not.toHaveBeenCalled();
    // The originals were captured once: a plain matmul still reaches XNNPACK
    // through the original kernel instead of recursing into ours.
    const a: Spec = { values: await randomValues([5, 6], 1), shape: [5, 6] };
    const b: Spec = { values: await randomValues([6, 4], 2), shape: [6, 4] };
    await compareBackends([a, b], (x, y) => tf.matMul(x, y));
  });

  it('keeps working across backend switches (setup functions re-run)', async () => {
    const x: Spec = { values: await randomValues([2, 6, 5, 3], 3), shape: [2, 6, 5, 3] };
    const f: Spec = { values: await randomValues([3, 3, 3, 4], 4), shape: [3, 3, 3, 4] };
    const dy: Spec = { values: await randomValues([2, 6, 5, 4], 5), shape: [2, 6, 5, 4] };
    const grads = (xt: tf.Tensor, ft: tf.Tensor, dyt: tf.Tensor) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'))([xt, ft], dyt);
    for (let i = 0; i < 2; i++) {
      await use('cpu');
      await use('wasm');
      await compareBackends([x, f, dy], grads);
    }
  });

  it('unregisterWasmKernels restores the originals; registering again brings ours back', async () => {
    await use('wasm');
    registerWasmKernels();
    const ours = new Map(wasmKernelConfigs.map((c) => [c.kernelName, c]));
    expect(unregisterWasmKernels()).toEqual(names);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const stock = tf.getKernel('BatchMatMul', 'wasm');
    expect(stock).toBeDefined();
    expect(stock).not.toBe(ours.get('BatchMatMul'));
    expect(unregisterWasmKernels()).toEqual([]);
    const y = tf.tidy(() => Array.from(tf.matMul(tf.ones([3, 4]), tf.ones([3, 2]), true, false).dataSync()));
    expect(y).toEqual(new Array(8).fill(3));
    expect(registerWasmKernels()).toEqual(names);
    for (const c of wasmKernelConfigs) expect(tf.getKernel(c.kernelName, 'wasm')).toBe(c);
  });
});
