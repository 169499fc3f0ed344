/**
 * Smoke tests: the course's cats-vs-dogs convnet (150 x 150, 3,453,121 parameters) with random
 * weights, saved with saveModelHdf5 as the ch04-cats-dogs app saves it, then the app end to end on
 * a synthetic picture; and the command line once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { conv2d, dense, dropout, flatten, maxPooling2d, rmsprop, saveModelHdf5, sequential } from '@dlts/layers';
import { setSeed, tf } from '@dlts/tensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActivationsArgs, type ActivationsOptions } from './args';
import { runActivations } from './chapter';
import { suiteBackend } from '@dlts/testing';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch04-act-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modelPath = join(dir, 'cats_and_dogs_small_2.h5');

beforeAll(async () => {
  setSeed(2);
  const m = sequential(
    [
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [150, 150, 3], name: 'conv2d_7' }),
      maxPooling2d({ poolSize: [2, 2], name: 'max_pooling2d_7' }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: 'conv2d_6' }),
      maxPooling2d({ poolSize: [2, 2], name: 'max_pooling2d_6' }),
      conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: 'conv2d_5' }),
      maxPooling2d({ poolSize: [2, 2], name: 'max_pooling2d_5' }),
      conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: 'conv2d_4' }),
      maxPooling2d({ poolSize: [2, 2], name: 'max_pooling2d_4' }),
      flatten({ name: 'flatten_2' }),
      dropout({ rate: 0.5, name: 'dropout_3' }),
      dense({ units: 512, activation: 'relu', name: 'dense_11' }),
      dense({ units: 1, activation: 'sigmoid', name: 'dense_10' }),
    ],
    { name: 'sequential_5' },
  );
  m.compile({ loss: 'binary_crossentropy', optimizer: rmsprop({ learningRate: 1e-4 }), metrics: ['acc'] });
  await saveModelHdf5(m, modelPath);
  m.dispose();
});

describe('ch04-activations app', () => {
  it('loads the saved .h5, prints the course dims, and draws channels 5 and 20 and the full grid', async () => {
    const lines: string[] = [];
    const out = join(dir, 'pictures');
    const json = join(dir, 'result.json');
    const options = { ...(parseActivationsArgs(['--model', modelPath, '--synthetic', '--out', out, '--json', json]) as ActivationsOptions), backend: suiteBackend() };
    const before = tf.memory().numTensors;
    const result = await runActivations(options, (l) => lines.push(l));
    expect(tf.memory().numTensors).toBe(before);
    const text = lines.join('\n');
    expect(text).toContain('Model: "sequential_5"');
    expect(text).toContain('Total params: 3,453,121');
    expect(text).toContain('> dim(img_tensor)\n[1]   1 150 150   3');
    expect(text).toContain('> dim(first_layer_activation)\n[1]   1 148 148  32');
    expect(result.layers).toEqual(['conv2d_7', 'max_pooling2d_7', 'conv2d_6', 'max_pooling2d_6', 'conv2d_5', 'max_pooling2d_5', 'conv2d_4', 'max_pooling2d_4']);
    expect(result.shapes[7]).toEqual([1, 7, 7, 128]);
    const names = result.files.map((f) => f.slice(out.length + 1));
    expect(names).toEqual(['image.png', 'first_layer_channel5.png', 'first_layer_channel20.png', 'second_layer_channel20.png', 'activations.png']);
    for (const f of result.files) expect(readFileSync(f).subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(readFileSync(json, 'utf8')).shapes[0]).toEqual([1, 148, 148, 32]);
  }, 300_000);

  it('runs from the command line, and says what is missing', async () => {
    const cwd = new URL('..', import.meta.url).pathname;
    const { stdout } = await run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', '--help'], { cwd, timeout: 120_000 });
    expect(stdout).toContain('Usage: pnpm --filter @dlts/ch04-activations start -- [flags]');
    const failed = await run('npx', ['tsx', '--conditions=@dlts/source', 'src/main.ts', '--model', join(dir, 'nope.h5'), '--synthetic', '--backend', 'cpu'], { cwd, timeout: 120_000 }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain(`ch04-activations: ${join(dir, 'nope.h5')} does not exist: train the model with the ch04-cats-dogs app`);
    expect(() => parseActivationsArgs(['--layers', '0'])).toThrow('--layers must be a positive integer. Received: 0');
    expect(() => parseActivationsArgs(['--image', 'a.jpg', '--synthetic'])).toThrow('give one of --image, --data-dir or --synthetic');
    expect(parseActivationsArgs([])).toMatchObject({ model: 'cats_and_dogs_small_2.h5', layers: 8, out: 'activations', synthetic: false });
  }, 300_000);
});
