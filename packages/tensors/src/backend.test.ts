import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { backendInfo, initBackend } from './backend';
import { gradientsRegistered } from './gradients';

const saved = process.env.DLTS_BACKEND;
afterEach(async () => {
  if (saved === undefined) delete process.env.DLTS_BACKEND;
  else process.env.DLTS_BACKEND = saved;
  await initBackend('wasm', { log: false });
});

describe('initBackend', () => {
  it("'auto' skips tfjs-node when it is not installed, says why, and runs wasm", async () => {
    delete process.env.DLTS_BACKEND;
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (l) => lines.push(l) });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped[0].backend).toBe('tensorflow');
    expect(info.skipped[0].reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(info.message).toMatch(/^dlts: backend wasm \(auto\), SIMD/);
    expect(gradientsRegistered()).toBe(true);
    expect(backendInfo()).toBe(info);
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
    await expect(initBackend('gpu' as never, { log: false })).rejects.toThrow(/backend must be one of/);
  });

  it('reports once per backend change', async () => {
    delete process.env.DLTS_BACKEND;
    const lines: string[] = [];
    await initBackend('wasm', { log: (l) => lines.push(l) });
    await initBackend('wasm', { log: (l) => lines.push(l) });
    expect(lines.length).toBeLessThanOrEqual(1);
  });
});
