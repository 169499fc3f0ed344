import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBostonArgs } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch03-boston-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command). */
async function app(args: string[]) {
  return run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras'), DLTS_OFFLINE: '1' },
    timeout: 120_000,
  });
}

describe('ch03-boston app', () => {
  it('runs the course\'s steps on the real data, briefly, and writes --json', async () => {
    const data = dirname(sharedData('boston_housing.npz'));
    const json = join(dir, 'boston.json');
    const { stdout } = await app(['--data-dir', data, '--limit', '40', '--epochs', '2', '--history-epochs', '3', '--final-epochs', '2', '--seed', '1', '--backend', suiteBackend(), '--json', json, '--plots', join(dir, 'plots')]);
    expect(existsSync(join(dir, 'plots', 'average_mae_line.png'))).toBe(true);
    expect(existsSync(join(dir, 'plots', 'average_mae_smooth.png'))).toBe(true);
    expect(stdout).toContain(`Data: boston_housing from ${join(data, 'boston_housing.npz')}`);
    // The course's str() lines: Keras's split of the real data (seed 113), R's column-major order.
    expect(stdout).toContain('> str(train_data)\n num [1:40, 1:13] 1.2325 0.0218 4.8982 0.0396 3.6931 ...');
    expect(stdout).toContain('> str(test_data)\n num [1:40, 1:13] 18.0846 0.1233 0.055 1.2735 0.0715 ...');
    expect(stdout).toContain('> str(train_targets)\n num [1:40(1d)] 15.2 42.3 50 21.1 17.7 18.5 11.3 15.6 15.6 14.4 ...');
    expect(stdout).toContain('processing fold # 4 ');
    expect(stdout).toMatch(/> all_scores\n +mae +mae +mae +mae \n/);
    expect(stdout).toMatch(/> mean\(all_scores\)\n\[1\] \d/);
    expect(stdout).toMatch(/> result\n +loss +mae \n/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ dataset: 'boston_housing', backend: suiteBackend(), params: { epochs: 2, batchSize: 1, k: 4, train: 40, test: 40 } });
    expect(result.kfold.mae).toHaveLength(4);
    expect(result.kfold.validationSizes).toEqual([10, 10, 10, 10]);
    expect(result.kfold.mean).toBeCloseTo(result.kfold.mae.reduce((a: number, b: number) => a + b, 0) / 4, 10);
    expect(result.test.mae).toBeGreaterThan(0);
    expect(result.histories.perFold).toHaveLength(4);
    expect(result.histories.average).toHaveLength(3);
    expect(result.plots.averageMaeHistory).toEqual({ epoch: [1, 2, 3], validation_mae: result.histories.average });
  }, 120_000);

  it('rejects bad flags with a clear message', () => {
    expect(() => parseBostonArgs(['--k', '1'])).toThrow('--k must be at least 2. Received: 1');
    expect(() => parseBostonArgs(['--limit', '5'])).toThrow(/--limit must leave at least 2 samples per fold/);
    expect(() => parseBostonArgs(['--history-epochs', 'x'])).toThrow(/--history-epochs must be a non-negative integer/);
    expect(parseBostonArgs(['--data-dir', '/x'])).toMatchObject({ epochs: 100, batchSize: 1, k: 4, historyEpochs: 500, finalEpochs: 80, finalBatchSize: 16, dataDir: '/x' });
  });

  it('says what is missing when --data-dir has no boston_housing.npz', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const error = await app(['--data-dir', empty]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain(`ch03-boston: --data-dir ${empty} has no boston_housing.npz`);
  }, 60_000);
});
