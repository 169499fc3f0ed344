import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedCourse, sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCh04MnistArgs } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch04-mnist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command). */
async function app(args: string[]) {
  return run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras') },
    timeout: 180_000,
  });
}

/** The course's summary tables with the given total, as printed after R's "## ". */
function courseTable(total: string): string {
  const lines = readFileSync(sharedCourse('course-zh.txt'), 'utf8').split('\n');
  const start = lines.findIndex((l, i) => l.startsWith('## Model: "') && lines.slice(i, i + 20).some((m) => m.includes(`Total params: ${total}`)));
  const table: string[] = [];
  for (let j = start; lines[j].startsWith('## '); j++) {
    table.push(lines[j].slice(3));
    if (lines[j].startsWith('## Non-trainable params')) {
      table.push(lines[j + 1].slice(3));
      break;
    }
  }
  return table.join('\n');
}

describe('ch04-mnist-convnet app', () => {
  it('prints the course summaries exactly, trains, evaluates and writes --json', async () => {
    const data = join(dir, 'mnist-idx');
    mkdirSync(data);
    // The real MNIST test digits serve as both splits here (the training images are not on this machine).
    for (const [from, to] of [
      ['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz'],
      ['t10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
      ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'],
      ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
    ]) {
      copyFileSync(sharedData('mnist', from), join(data, to));
    }
    const json = join(dir, 'result.json');
    const { stdout } = await app(['--data-dir', data, '--limit', '600', '--epochs', '1', '--seed', '1', '--json', json, '--backend', suiteBackend()]);
    for (const total of ['55,744', '93,322', '2,038,922']) expect(stdout).toContain(courseTable(total));
    expect(stdout).toContain('> dim(train_images)\n[1] 600  28  28   1');
    expect(stdout).toMatch(/> results\n +loss +accuracy \n/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ dataset: 'mnist', backend: suiteBackend(), summaries: { convBase: 55744, convnet: 93322, noPooling: 2038922 } });
    expect(result.params).toMatchObject({ epochs: 1, steps: 10, batchSize: 64 });
    expect(Object.keys(result.history)).toEqual(['loss', 'accuracy']);
    expect(result.test.accuracy).toBeGreaterThan(0.3);
    expect(result.test.accuracy).toBeLessThanOrEqual(1);
  }, 180_000);

  it('parses its flags with the course defaults and rejects bad ones', () => {
    expect(parseCh04MnistArgs([])).toMatchObject({ epochs: 5, batchSize: 64, dataset: 'mnist', backend: 'auto' });
    expect(parseCh04MnistArgs(['--', '--dataset', 'fashion-mnist', '--json', 'x.json'])).toMatchObject({ dataset: 'fashion-mnist', json: 'x.json' });
    expect(() => parseCh04MnistArgs(['--batch-size', '0'])).toThrow('--batch-size must be a positive integer. Received: 0');
    expect(() => parseCh04MnistArgs(['--dataset', 'cifar'])).toThrow(/--dataset must be mnist or fashion-mnist/);
  });
});
