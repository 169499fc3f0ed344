import { execFile } from 'node:child_process';
import { existsSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReutersArgs } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch03-reuters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command). */
async function app(args: string[]) {
  return run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras'), DLTS_OFFLINE: '1' },
    timeout: 120_000,
  });
}

describe('ch03-reuters app', () => {
  it('runs the course\'s steps on a folder holding reuters.npz (the Keras-layout fixture) and writes --json', async () => {
    // The real reuters.npz cannot be downloaded here: the fixture stands in, under Keras's file names.
    const data = join(dir, 'data');
    mkdirSync(data);
    copyFileSync(sharedData('fixtures', 'reuters_py2.npz'), join(data, 'reuters.npz'));
    copyFileSync(sharedData('fixtures', 'word_index.json'), join(data, 'reuters_word_index.json'));
    const json = join(dir, 'reuters.json');
    const { stdout } = await app(['--data-dir', data, '--epochs', '2', '--final-epochs', '1', '--seed', '1', '--backend', suiteBackend(), '--json', json, '--plots', join(dir, 'plots')]);
    expect(existsSync(join(dir, 'plots', 'history.png'))).toBe(true);
    expect(stdout).toContain(`Data: reuters from ${join(data, 'reuters.npz')}`);
    expect(stdout).toContain('> length(train_data)\n[1] 120');
    expect(stdout).toContain('> length(test_data)\n[1] 30');
    // The first newswire of the fixture after Keras's shuffle (seed 113), as reuters_expected.json.
    expect(stdout).toContain('> train_data[[1]]\n [1]    1  162 3003    4  927   11    8   11 3003    5  104   37    4    6   34\n[16]   84');
    expect(stdout).toContain('> cat(decoded_newswire)\n? w159 w3000 w1 w924 w8 w5 w8 w3000 w2 w101');
    expect(stdout).toContain('> train_labels[[1]]\n[1] 33');
    expect(stdout).toMatch(/> results\n +loss +accuracy \n/);
    expect(stdout).toMatch(/> length\(which\(test_labels == test_labels_copy\)\) \/ length\(test_labels\)\n\[1\] 0\.\d+/);
    expect(stdout).toContain('> dim(predictions)\n[1] 30 46');
    expect(stdout).toContain('> sum(predictions[1,])\n[1] 1');
    expect(stdout).toMatch(/> which\.max\(predictions\[1,\]\)\n\[1\] \d+/);
    expect(stdout).toMatch(/validation accuracy after 2 epochs: /);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ dataset: 'reuters', backend: suiteBackend(), params: { epochs: 2, validation: 13, train: 120, test: 30 } });
    expect(Object.keys(result.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(result.plots.history.history).toEqual(result.history);
    expect(result.prediction.sum).toBeCloseTo(1, 5);
    expect(result.bottleneck.history.val_accuracy).toHaveLength(2);
    // The sparse-label loss is a real cross-entropy (log 46 is about 3.8 untrained); the stock wasm OneHot got it wrong.
    expect(result.sparse.loss).toBeGreaterThan(1);
    expect(result.baseline).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('rejects bad flags with a clear message', () => {
    expect(() => parseReutersArgs(['--final-epochs', '1.5'])).toThrow('--final-epochs must be a positive integer. Received: 1.5');
    expect(() => parseReutersArgs(['--seed', 'x'])).toThrow('--seed must be an integer. Received: x');
    expect(parseReutersArgs([])).toMatchObject({ epochs: 20, finalEpochs: 6, backend: 'auto' });
  });
});
