import { execFile } from 'node:child_process';
import { existsSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImdbArgs } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch03-imdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command). */
async function app(args: string[]) {
  return run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras'), DLTS_OFFLINE: '1' },
    timeout: 120_000,
  });
}

describe('ch03-imdb app', () => {
  it('runs the course\'s steps on a folder holding imdb.npz (the Keras-layout fixture) and writes --json', async () => {
    // The real imdb.npz cannot be downloaded here: the fixture stands in, under Keras's file names.
    const data = join(dir, 'data');
    mkdirSync(data);
    copyFileSync(sharedData('fixtures', 'imdb_p4.npz'), join(data, 'imdb.npz'));
    copyFileSync(sharedData('fixtures', 'word_index.json'), join(data, 'imdb_word_index.json'));
    const json = join(dir, 'imdb.json');
    const { stdout } = await app(['--data-dir', data, '--limit', '60', '--epochs', '2', '--final-epochs', '1', '--seed', '1', '--backend', suiteBackend(), '--json', json, '--plots', join(dir, 'plots')]);
    expect(existsSync(join(dir, 'plots', 'history.png'))).toBe(true);
    expect(stdout).toContain(`Data: imdb from ${join(data, 'imdb.npz')}`);
    // The first review of the fixture after Keras's shuffle (seed 113), as imdb_expected.json.
    expect(stdout).toContain('> str(train_data[[1]])\n int [1:44] 1 5 6 27 5003 2093 19 5 4 2926 ...');
    expect(stdout).toContain('> train_labels[[1]]\n[1] 1');
    expect(stdout).toContain('> cat(decoded_review)\n? w2 w3 w24 w5000 w2090 w16 w2 w1 w2923');
    expect(stdout).toContain('> str(x_train[1,])\n num [1:10000] 1 0 0 1 1 1 1 0 1 0 ...');
    expect(stdout).toMatch(/> str\(history\)\nList of 2\n \$ params :List of 3\n {2}\.\.\$ verbose: int 1\n {2}\.\.\$ epochs : int 2\n {2}\.\.\$ steps {2}: int 1/);
    expect(stdout).toContain('  ..$ val_accuracy: num [1:2]');
    expect(stdout).toMatch(/> results\n +loss +accuracy \n/);
    expect(stdout).toMatch(/> model %>% predict\(x_test\[1:10,\]\)\n +\[,1\]\n \[1,\] 0\.\d+/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ dataset: 'imdb', backend: suiteBackend(), params: { epochs: 2, validation: 24, train: 60, test: 60, numWords: 10000, batchSize: 512 } });
    expect(Object.keys(result.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(result.history.loss).toHaveLength(2);
    expect(result.plots.history.history).toEqual(result.history);
    expect(result.plots.history.params).toMatchObject({ epochs: 2 });
    expect(result.predictions).toHaveLength(10);
    expect(result.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.test.accuracy).toBeLessThanOrEqual(1);
  }, 120_000);

  it('says what is missing when --data-dir has no imdb.npz', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const error = await app(['--data-dir', empty]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain(`ch03-imdb: --data-dir ${empty} has no imdb.npz`);
  }, 60_000);

  it('rejects bad flags with a clear message', () => {
    expect(() => parseImdbArgs(['--epochs', '0'])).toThrow('--epochs must be a positive integer. Received: 0');
    expect(() => parseImdbArgs(['--limit', '1'])).toThrow(/--limit must be at least 2/);
    expect(() => parseImdbArgs(['--backend', 'gpu'])).toThrow(/--backend: backend must be one of 'auto', 'native', 'tensorflow', 'wasm', 'cpu'/);
    expect(parseImdbArgs(['--', '--limit', '5'])).toMatchObject({ limit: 5, epochs: 20, finalEpochs: 4, backend: 'auto' });
  });
});
