import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCh02Args } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch02-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command). */
async function app(args: string[], env: Record<string, string> = {}) {
  return run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras'), ...env },
    timeout: 120_000,
  });
}

describe('ch02-mnist app', () => {
  it('runs offline with an empty cache on the embedded sample and writes --json and --plots', async () => {
    const json = join(dir, 'offline.json');
    const plots = join(dir, 'plots');
    const { stdout, stderr } = await app(['--limit', '300', '--epochs', '1', '--seed', '1', '--json', json, '--offline', '--backend', suiteBackend(), '--plots', plots]);
    expect(stderr + stdout).toContain('MNIST is not in any cache');
    expect(stdout).toContain('Data: the embedded Fashion-MNIST sample');
    expect(stdout).toContain('[1] 300  28  28');
    expect(stdout).toContain('Total params: 407,050');
    expect(stdout).toMatch(/loss +accuracy/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.dataset).toBe('fashion-mnist-sample');
    expect(result.backend).toBe(suiteBackend());
    expect(result.params).toMatchObject({ epochs: 1, steps: 3, batchSize: 128 });
    expect(Object.keys(result.history)).toEqual(['loss', 'accuracy']);
    expect(result.test.accuracy).toBeGreaterThan(0);
    expect(result.test.accuracy).toBeLessThanOrEqual(1);
    // The course's pictures: the first image as a raster (28 x 28 enlarged to 280 x 280) and plot(history).
    expect(stdout).toContain(`Wrote ${join(plots, 'digit.png')}`);
    expect(stdout).toContain(`Wrote ${join(plots, 'history.png')}`);
    const png = (name: string) => readFileSync(join(plots, name));
    const size = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];
    expect(png('digit.png').subarray(1, 4).toString()).toBe('PNG');
    expect(size(png('digit.png'))).toEqual([280, 280]);
    expect(size(png('history.png'))[0]).toBeGreaterThan(800);
  }, 120_000);

  it('reads IDX files from --data-dir (the real MNIST test digits as both splits)', async () => {
    const data = join(dir, 'mnist-idx');
    mkdirSync(data);
    const { copyFileSync } = await import('node:fs');
    for (const [from, to] of [
      ['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz'],
      ['t10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
      ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'],
      ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
    ]) {
      copyFileSync(sharedData('mnist', from), join(data, to));
    }
    const json = join(dir, 'idx.json');
    const { stdout } = await app(['--data-dir', data, '--limit', '600', '--epochs', '1', '--json', json]);
    expect(stdout).toContain(`Data: mnist from ${data}`);
    expect(stdout).toContain('> mnist$train$y[1]\n[1] 7');
    expect(JSON.parse(readFileSync(json, 'utf8')).dataset).toBe('mnist');
  }, 120_000);

  it('rejects bad flags with a clear message', () => {
    expect(() => parseCh02Args(['--epochs', '0'])).toThrow('--epochs must be a positive integer. Received: 0');
    expect(() => parseCh02Args(['--dataset', 'cifar'])).toThrow(/--dataset must be mnist or fashion-mnist/);
    expect(parseCh02Args(['--', '--limit', '5'])).toMatchObject({ limit: 5, epochs: 5, batchSize: 128, dataset: 'mnist' });
    expect(parseCh02Args(['--plots', 'out'])).toMatchObject({ plots: 'out' });
    expect(() => parseCh02Args(['--plots', ' '])).toThrow('--plots must name a folder. Received: an empty string');
  });
});
