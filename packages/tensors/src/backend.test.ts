import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, initBackend } from './backend';
import { gradientsRegistered } from './gradients';

const saved = process.env.DLTS_BACKEND;
afterEach(async () => {
  vi.doUnmock('@dlts/backend-native');
  vi.resetModules();
  if (saved === undefined) delete process.env.DLTS_BACKEND;
  else process.env.DLTS_BACKEND = saved;
  await initBackend('wasm', { log: false });
});

/** Whether @dlts/backend-native is installed here and its addon loads (CI installs libdnnl-dev). */
async function nativeLoads(): Promise<boolean> {
  try {
    const mod = await import('@dlts/backend-native');
    return mod.nativeStatus().available;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it("'auto' runs the native backend when it loads, else wasm with one line saying how to get it", async () => {
    delete process.env.DLTS_BACKEND;
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (l) => lines.push(l) });
    expect(lines.length).toBeLessThanOrEqual(1); // printed when the backend changed
    expect(gradientsRegistered()).toBe(true);
    expect(backendInfo()).toBe(info);
    if (await nativeLoads()) {
      expect(info.backend).toBe('native');
      expect(tf.getBackend()).toBe('native');
      expect(info.skipped).toEqual([]);
      expect(info.message).toMatch(/^dlts: backend native \(auto\), oneDNN \d+\.\d+\.\d+, \d+ threads/);
      expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
      const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2])));
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
      y.dispose();
    } else {
      expect(info.backend).toBe('wasm');
      expect(info.skipped[0].backend).toBe('native');
      expect(info.message).toMatch(/^dlts: backend wasm \(auto\), SIMD.*; native backend unavailable \(.*\); for much faster training: .*libdnnl-dev/);
    }
  });

  it("'auto' falls back to wasm with the install hint when the native library is missing", async () => {
    delete process.env.DLTS_BACKEND;
    vi.doMock('@dlts/backend-native', () => ({
      registerNativeBackend: () => ({
        available: false,
        reason: 'the oneDNN library is missing (libdnnl.so.2: cannot open shared object file)',
        hint: 'apt-get install libdnnl-dev g++, then pnpm rebuild @dlts/backend-native',
      }),
    }));
    const info = await initBackend('auto', { log: false });
    expect(info.backend).toBe('wasm');
    expect(info.skipped.map((s) => s.backend)).toEqual(['native', 'tensorflow']);
    expect(info.skipped[1].reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    // One line: which backend runs, why native does not, and how to get it (tfjs-node's absence is not news).
    expect(info.message).toBe(
      'dlts: backend wasm (auto), SIMD, 1 thread, with dlts training kernels; native backend unavailable (the oneDNN library is missing ' +
        '(libdnnl.so.2: cannot open shared object file)); for much faster training: apt-get install libdnnl-dev g++, then pnpm rebuild @dlts/backend-native',
    );
  });

  it("an explicit 'native' that cannot start is an error that says how to fix it", async () => {
    delete process.env.DLTS_BACKEND;
    vi.doMock('@dlts/backend-native', () => ({
      registerNativeBackend: () => ({ available: false, reason: 'the native addon was not built', hint: 'apt-get install libdnnl-dev g++' }),
    }));
    await expect(initBackend('native', { log: false })).rejects.toThrow(
      /initBackend: no backend could start \(native: the native addon was not built \(to fix: apt-get install libdnnl-dev g\+\+\)\)/,
    );
  });

  it('DLTS_BACKEND overrides the argument', async () => {
    process.env.DLTS_BACKEND = 'cpu';
    const info = await initBackend('wasm', { log: false });
    expect(info.backend).toBe('cpu');
    expect(info.message).toContain('set by DLTS_BACKEND');
  });

  it('an explicit backend that cannot start is an error naming the reason', async () => {
    delete process.env.DLTS_BACKEND;
    await expect(initBackend('tensorflow', { log: false })).rejects.toMatchObject({ code: 'DLTS_BACKEND' });
    await expect(initBackend('gpu' as never, { log: false })).rejects.toThrow(/backend must be one of 'auto', 'native', 'tensorflow', 'wasm', 'cpu'/);
  });

  it('reports once per backend change', async () => {
    delete process.env.DLTS_BACKEND;
    const lines: string[] = [];
    await initBackend('wasm', { log: (l) => lines.push(l) });
    await initBackend('wasm', { log: (l) => lines.push(l) });
    expect(lines.length).toBeLessThanOrEqual(1);
  });
});
