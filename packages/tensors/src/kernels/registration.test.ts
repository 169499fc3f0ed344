import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The shared vitest setup starts the wasm backend (and registers our kernels)
// before every test file, so the order-of-calls guarantees are checked in a
// fresh Node process instead.
const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));
const kernelsIndex = pathToFileURL(fileURLToPath(new URL('./index.ts', import.meta.url))).href;

const script = `
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(packageJson)});
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-backend-cpu');
const kernels = await import(${JSON.stringify(kernelsIndex)});
const out = {};
out.wasmKernelsAfterImport = tf.getKernelsForBackend('wasm').length;
out.beforeWasmImport = kernels.registerWasmKernels();
require('@tensorflow/tfjs-backend-wasm');
out.beforeSetBackend = kernels.registerWasmKernels();
out.all = kernels.wasmKernelConfigs.map((c) => c.kernelName);
const run = async (backend) => {
  await tf.setBackend(backend);
  await tf.ready();
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 7, 5, 3], 0, 1, 'float32', 1);
    const f = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 2);
    const a = tf.randomNormal([6, 9], 0, 1, 'float32', 3);
    const b = tf.randomNormal([6, 4], 0, 1, 'float32', 4);
    const [dx, df] = tf.grads((p, q) => tf.conv2d(p, q, 2, 'same'))([x, f]);
    const outs = [dx, df, tf.matMul(a, b, true, false), tf.matMul(a, tf.transpose(b), true, true), tf.sum(x, [0, 1, 2]),
      tf.grad((v) => tf.maxPool(v, 2, 2, 'valid'))(x)];
    return outs.map((t) => Array.from(t.dataSync()));
  });
};
const cpu = await run('cpu');
const wasm = await run('wasm');
out.backend = tf.getBackend();
out.maxError = Math.max(...cpu.map((v, i) => Math.max(...v.map((e, j) => Math.abs(e - wasm[i][j]) / Math.max(1, Math.abs(e))))));
console.log('RESULT' + JSON.stringify(out));
`;

describe('registerWasmKernels call order (fresh process)', () => {
  it('registers nothing on import, the added kernels before the wasm backend is imported, all before setBackend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlts-kernels-'));
    try {
      const file = join(dir, 'check.mts');
      writeFileSync(file, script);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        timeout: 60_000,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT'));
      expect(line, stdout).toBeDefined();
      const out = JSON.parse(line!.slice('RESULT'.length));
      expect(out.wasmKernelsAfterImport).toBe(0);
      // Replacements need their original as a fallback, so they wait for the wasm backend.
      expect(out.beforeWasmImport).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
      expect(out.beforeSetBackend).toEqual(out.all);
      expect(out.backend).toBe('wasm');
      expect(out.maxError).toBeLessThan(1e-4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
