/**
 * Smoke tests: every subcommand end to end at a small size (32 x 32 images, a few synthetic
 * images, one step per epoch) with the VGG16 weights fixture in Keras's notop layout (the ImageNet
 * weights are not reachable here). The subcommands run in this process, then the CLI once as a
 * user runs it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadModelHdf5, type Model } from '@dlts/layers';
import { tf } from '@dlts/tensors';
import { sharedData, suiteBackend } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVgg16Args, type Vgg16Options } from './args';
import { FILES, runVgg16 } from './commands';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ch04-vgg16-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const weights = sharedData('fixtures', 'vgg16_notop_keras1.h5');

function options(command: Vgg16Options['command'], extra: Partial<Vgg16Options> = {}): Vgg16Options {
  return {
    ...(parseVgg16Args([command, '--synthetic', '4', '--image-size', '32', '--batch-size', '2', '--epochs', '1', '--steps-per-epoch', '1', '--validation-steps', '1']) as Vgg16Options),
    weights,
    out: join(dir, 'out'),
    plots: join(dir, 'plots'),
    backend: suiteBackend(),
    seed: 1,
    ...extra,
  };
}

describe('ch04-vgg16 app', () => {
  it('features: extracts VGG16 features, trains the dense classifier, saves cats_and_dogs_small_preprocess.h5', async () => {
    const lines: string[] = [];
    const json = join(dir, 'features.json');
    const result = await runVgg16(options('features', { json }), (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain('Model: "vgg16"');
    expect(text).toContain(' input_1 (InputLayer)               [(None, 32, 32, 3)]             0           ');
    expect(text).toContain('Total params: 14,714,688');
    expect(text).toContain('> train <- extract_features(train_dir, 8)');
    expect(text).toContain('[1]   8   1   1 512');
    expect(text).toMatch(/\$loss\n\[1\] [0-9.]+/);
    expect(result.params).toMatchObject({ featureShape: [1, 1, 512], samples: { train: 8, validation: 4, test: 4 } });
    expect(Object.keys(result.history!)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(existsSync(join(dir, 'out', FILES.features))).toBe(true);
    expect(existsSync(join(dir, 'plots', 'history_features.png'))).toBe(true);
    expect(JSON.parse(readFileSync(json, 'utf8')).command).toBe('features');
  }, 300_000);

  it('frozen, then finetune: the course trainable-weight counts (30, 4, 22) and the saved .h5 models', async () => {
    const lines: string[] = [];
    const frozen = await runVgg16(options('frozen'), (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain(' vgg16 (Functional)                 (None, 1, 1, 512)               14714688    ');
    expect(text).toContain('This is the number of trainable weights before freezing the conv base: 30 ');
    expect(text).toContain('This is the number of trainable weights after freezing the conv base: 4 ');
    expect(frozen.trainableWeights).toEqual({ beforeFreezing: 30, afterFreezing: 4 });
    const saved = await loadModelHdf5(join(dir, 'out', FILES.frozen));
    expect((saved.getLayer('vgg16') as Model).getLayer('block5_conv3').trainable).toBe(false);
    expect(saved.trainableWeights).toHaveLength(4);
    saved.dispose();

    const tuneLines: string[] = [];
    const tuned = await runVgg16(options('finetune'), (l) => tuneLines.push(l));
    expect(tuneLines.join('\n')).toContain('This is the number of trainable weights after unfreezing from block3_conv1: 22 ');
    expect(tuned.trainableWeights).toEqual({ afterUnfreezing: 22 });
    const four = await loadModelHdf5(join(dir, 'out', FILES.finetune));
    const base = four.getLayer('vgg16') as Model;
    expect(base.getLayer('block2_conv2').trainable).toBe(false);
    expect(base.getLayer('block3_conv1').trainable).toBe(true);
    four.dispose();
  }, 300_000);

  it('evaluate runs from the command line on the fine-tuned model', async () => {
    const before = tf.memory().numTensors;
    const { stdout } = await run(
      'npx',
      ['tsx', '--conditions=@dlts/source', 'src/main.ts', 'evaluate', '--synthetic', '4', '--image-size', '32', '--batch-size', '2', '--validation-steps', '2', '--out', join(dir, 'out'), '--backend', suiteBackend()],
      { cwd: new URL('..', import.meta.url).pathname, timeout: 240_000 },
    );
    expect(stdout).toContain('> model %>% evaluate_generator(test_generator, steps = 2)');
    expect(stdout).toMatch(/\$loss\n\[1\] [0-9.]+\n\n\$accuracy\n\[1\] (0|0\.25|0\.5|0\.75|1)\n/);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('says what is missing and rejects bad flags with clear messages', async () => {
    await expect(runVgg16({ ...options('evaluate'), out: join(dir, 'empty') }, () => undefined)).rejects.toThrow(
      `${join(dir, 'empty', FILES.finetune)} does not exist: run the finetune command first (or pass --model FILE)`,
    );
    await expect(runVgg16({ ...options('features'), synthetic: undefined }, () => undefined)).rejects.toThrow(/no images: pass --data-dir/);
    expect(() => parseVgg16Args([])).toThrow('give one command: features, frozen, finetune, evaluate. Received: none');
    expect(() => parseVgg16Args(['features', '--image-size', '16'])).toThrow("--image-size must be at least 32 (VGG16's smallest input). Received: 16");
    expect(() => parseVgg16Args(['features', '--data-dir', 'a', '--synthetic', '2'])).toThrow('give --data-dir or --synthetic, not both');
    expect(parseVgg16Args(['--', 'frozen'])).toMatchObject({ command: 'frozen', weights: 'imagenet', imageSize: 150, batchSize: 20, out: '.' });
    expect(parseVgg16Args(['--help'])).toBe('help');
  });
});
