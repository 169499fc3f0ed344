import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeSyntheticImages } from '@dlts/image';
import { sharedCourse, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatsDogsArgs } from './args';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch04-cats-dogs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = join(dir, 'small');

/** Runs the app as a user does (`pnpm start -- ...` runs the same tsx command), from `dir`. */
async function app(args: string[]) {
  const appDir = new URL('..', import.meta.url).pathname;
  return run('npx', ['--prefix', appDir, 'tsx', '--conditions=@dlts/source', join(appDir, 'src/main.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, DLTS_DATA_DIR: join(dir, 'cache'), KERAS_HOME: join(dir, 'keras'), DLTS_OFFLINE: '1' },
    timeout: 240_000,
  });
}

/** The course's summary table whose first layer is `first`. */
function courseTable(first: string): string {
  const lines = readFileSync(sharedCourse('course-zh.txt'), 'utf8').split('\n');
  const start = lines.findIndex((l, i) => l.startsWith('## Model: "') && lines.slice(i, i + 6).some((m) => m.startsWith(`##  ${first} `)));
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

const train = ['--base-dir', base, '--epochs', '1', '--steps-per-epoch', '2', '--validation-steps', '1', '--batch-size', '3', '--backend', suiteBackend(), '--seed', '1'];

describe('ch04-cats-dogs app, every subcommand on generated images', () => {
  it('prepare --synthetic writes the course layout and prints the course counts', async () => {
    const { stdout } = await app(['prepare', '--synthetic', '6', '--base-dir', base, '--json', join(dir, 'prepare.json')]);
    expect(stdout).toContain('total training cat images: 6 \ntotal training dog images: 6 \ntotal validation cat images: 3 ');
    expect(readdirSync(join(base, 'test', 'dogs')).sort()).toEqual(['dog.10.jpg', 'dog.11.jpg', 'dog.12.jpg']);
    expect(JSON.parse(readFileSync(join(dir, 'prepare.json'), 'utf8')).counts.validation).toEqual({ cats: 3, dogs: 3 });
    await expect(app(['prepare', '--synthetic', '6', '--base-dir', base])).rejects.toMatchObject({ stderr: expect.stringMatching(/is not empty; pass --overwrite/) });
  }, 240_000);

  it('prepare --source builds the split from a Kaggle-style folder', async () => {
    const kaggle = join(dir, 'kaggle');
    await writeSyntheticImages(join(dir, 'raw'), { perClass: 5, sizeRange: [40, 60] });
    mkdirSync(kaggle);
    for (const cls of ['cats', 'dogs']) for (const f of readdirSync(join(dir, 'raw', cls))) renameSync(join(dir, 'raw', cls, f), join(kaggle, f));
    const { stdout } = await app(['prepare', '--source', kaggle, '--base-dir', join(dir, 'from-kaggle'), '--train', '3', '--validation', '1', '--test', '1']);
    expect(stdout).toContain('total training cat images: 3 \ntotal training dog images: 3 \ntotal validation cat images: 1 \ntotal validation dog images: 1 \ntotal test cat images: 1 \ntotal test dog images: 1 ');
    expect(readdirSync(join(dir, 'from-kaggle', 'train', 'cats')).sort()).toEqual(['cat.1.jpg', 'cat.2.jpg', 'cat.3.jpg']);
  }, 240_000);

  it('augment-preview draws four augmented versions of one training cat', async () => {
    const { stdout } = await app(['augment-preview', '--base-dir', base, '--index', '2', '--seed', '3', '--plot', join(dir, 'preview.png')]);
    expect(stdout).toContain(`img_path <- fnames[[2]]  # ${join(base, 'train', 'cats', 'cat.2.jpg')}`);
    expect(existsSync(join(dir, 'preview.png'))).toBe(true);
  }, 240_000);

  it('scratch prints the course summary, trains from the generators, saves the model and the history plot', async () => {
    const json = join(dir, 'scratch.json');
    const { stdout } = await app(['scratch', ...train, '--model', join(dir, 'cats_and_dogs_small_1.h5'), '--plot', join(dir, 'h1.png'), '--json', json]);
    expect(stdout).toContain(courseTable('conv2d_3'));
    expect(stdout).toContain('Found 12 images belonging to 2 classes.\n');
    expect(stdout).toContain('> dim(batch[[1]])\n[1]   3 150 150   3');
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(result.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(result.params).toMatchObject({ epochs: 1, steps: 2, stepsPerEpoch: 2, validationSteps: 1, batchSize: 3 });
    expect(existsSync(join(dir, 'cats_and_dogs_small_1.h5'))).toBe(true);
    expect(existsSync(join(dir, 'h1.png'))).toBe(true);
  }, 240_000);

  it('augment trains the dropout model on augmented batches; evaluate reads it back on the test generator', async () => {
    const { stdout } = await app(['augment', ...train, '--model', join(dir, 'model2'), '--plot', join(dir, 'h2.png')]);
    expect(stdout).toContain(courseTable('conv2d_7'));
    expect(existsSync(join(dir, 'model2', 'weights.bin'))).toBe(true);
    const json = join(dir, 'evaluate.json');
    const evaluated = await app(['evaluate', '--base-dir', base, '--model', join(dir, 'model2'), '--steps', '2', '--batch-size', '3', '--backend', suiteBackend(), '--json', json]);
    expect(evaluated.stdout).toMatch(/> model %>% evaluate_generator\(test_generator, steps = 2\)\n +loss +acc \n/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.test.accuracy).toBeLessThanOrEqual(1);
    // The course's .h5 from `scratch` reads back too.
    const h5 = await app(['evaluate', '--base-dir', base, '--model', join(dir, 'cats_and_dogs_small_1.h5'), '--steps', '1', '--batch-size', '3', '--backend', suiteBackend()]);
    expect(h5.stdout).toContain(`Loaded ${join(dir, 'cats_and_dogs_small_1.h5')}`);
  }, 240_000);

  it('says what is missing', async () => {
    await expect(app(['scratch', '--base-dir', join(dir, 'nothing')])).rejects.toMatchObject({ stderr: expect.stringMatching(/does not exist: run "prepare" first.*or pass --synthetic N/) });
    expect(() => parseCatsDogsArgs([])).toThrow(/give one command: prepare, scratch, augment-preview, augment, evaluate/);
    expect(() => parseCatsDogsArgs(['prepare'])).toThrow('prepare needs --source DIR, --download or --synthetic N');
    expect(() => parseCatsDogsArgs(['scratch', '--epochs', '0'])).toThrow('--epochs must be an integer >= 1. Received: 0');
    expect(parseCatsDogsArgs(['--', 'augment'])).toMatchObject({ command: 'augment', baseDir: 'cats_and_dogs_small', index: 10 });
  }, 240_000);
});
