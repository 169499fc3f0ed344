import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeSyntheticImages } from '../datasets/synthetic';
import { imageLoad } from '../io/image';
import { imageDatasetFromDirectory, type ImageDataset } from './image_dataset';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/augment_modes_expected.json', import.meta.url), 'utf8')) as {
  dataset_order: { n: number; seed: number; order: number[] }[];
};
const root = mkdtempSync(join(tmpdir(), 'dlts-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await writeSyntheticImages(join(root, 'a'), { perClass: 6, seed: 1, sizeRange: [30, 50] });
  await writeSyntheticImages(join(root, 'b'), { perClass: 15, seed: 2, sizeRange: [20, 30] });
  await writeSyntheticImages(join(root, 'b'), { perClass: 0, classes: ['.hidden'], seed: 2 });
});

function quiet<T>(fn: () => T): { value: T; logs: string[] } {
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
  try {
    return { value: fn(), logs };
  } finally {
    spy.mockRestore();
  }
}

async function collect(ds: ImageDataset): Promise<{ x: number[][]; y: number[] }> {
  const x: number[][] = [];
  const y: number[] = [];
  for await (const batch of ds) {
    const [bx, by] = batch as [tf.Tensor, tf.Tensor];
    x.push(Array.from(bx.dataSync()).slice(0, 20));
    y.push(...Array.from(by.dataSync()));
    tf.dispose([bx, by]);
  }
  return { x, y };
}

describe('imageDatasetFromDirectory', () => {
  it('orders files as Keras: sorted, then RandomState(seed).shuffle', () => {
    const c = fixture.dataset_order.find((o) => o.n === 12)!;
    const { value, logs } = quiet(() => imageDatasetFromDirectory(join(root, 'a'), { seed: c.seed }) as ImageDataset);
    expect(logs).toEqual(['Found 12 files belonging to 2 classes.']);
    const sorted = [...Array.from({ length: 6 }, (_, i) => join(root, 'a', 'cats', `cat.${i + 1}.jpg`)), ...Array.from({ length: 6 }, (_, i) => join(root, 'a', 'dogs', `dog.${i + 1}.jpg`))];
    expect(value.filePaths).toEqual(c.order.map((i) => sorted[i]));
    expect(Array.from(value.labels!)).toEqual(c.order.map((i) => (i < 6 ? 0 : 1)));
    expect(value.classNames).toEqual(['cats', 'dogs']);
  });

  it('splits off the last validationSplit files; "both" returns both; hidden folders are no classes', () => {
    const c = fixture.dataset_order.find((o) => o.n === 30)!;
    const { value, logs } = quiet(() => imageDatasetFromDirectory(join(root, 'b'), { seed: c.seed, validationSplit: 0.2, subset: 'both' }) as [ImageDataset, ImageDataset]);
    expect(logs).toEqual(['Found 30 files belonging to 2 classes.', 'Using 24 files for training.', 'Using 6 files for validation.']);
    const [train, val] = value;
    expect(train.filePaths.length).toBe(24);
    expect(val.filePaths.length).toBe(6);
    expect(new Set([...train.filePaths, ...val.filePaths]).size).toBe(30);
    expect(train.length).toBe(1);
  });

  it('yields float32 batches resized as tf.image.resize (bilinear, half-pixel centres)', async () => {
    const { value: ds } = quiet(() => imageDatasetFromDirectory(join(root, 'a'), { imageSize: [16, 12], batchSize: 5, shuffle: false, labelMode: 'categorical' }) as ImageDataset);
    const before = tf.memory().numTensors;
    const iterator = ds[Symbol.asyncIterator]();
    const [x, y] = (await iterator.next()).value as [tf.Tensor, tf.Tensor];
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(x.shape).toEqual([5, 16, 12, 3]);
    expect(y.shape).toEqual([5, 2]);
    const img = await imageLoad(ds.filePaths[0]);
    const expected = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(img.data, [img.height, img.width, 3], 'float32'), [16, 12], false, true));
    const first = tf.tidy(() => tf.squeeze(tf.slice(x, [0, 0, 0, 0], [1, 16, 12, 3]), [0]));
    expectTensorsClose(first, expected, { atol: 1e-3 });
    tf.dispose([x, y, expected, first]);
    await iterator.return?.();
  });

  it('each pass is a full epoch; shuffled passes differ but repeat under the same seed', async () => {
    const make = () => quiet(() => imageDatasetFromDirectory(join(root, 'b'), { imageSize: [8, 8], batchSize: 7, seed: 5, labelMode: 'int' }) as ImageDataset).value;
    const a = make();
    const first = await collect(a);
    const second = await collect(a);
    expect(first.y.length).toBe(30);
    expect(first.y.slice().sort()).toEqual(second.y.slice().sort());
    expect(second.x).not.toEqual(first.x);
    const b = make();
    expect(await collect(b)).toEqual(first);
    expect(await collect(b)).toEqual(second);
  });

  it('checks its arguments as Keras does', () => {
    const dir = join(root, 'a');
    const expectError = (fn: () => unknown, message: RegExp) => {
      let error: unknown;
      try {
        quiet(fn);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DltsError);
      expect((error as DltsError).message).toMatch(message);
    };
    expectError(() => imageDatasetFromDirectory(dir, { validationSplit: 0.2, subset: 'training' }), /you must provide a seed argument/);
    expectError(() => imageDatasetFromDirectory(dir, { validationSplit: 0.2 }), /if subset is set, validationSplit must be set, and inversely/);
    expectError(() => imageDatasetFromDirectory(dir, { interpolation: 'bicubic' as never }), /only "bilinear" and "nearest"/);
    expectError(() => imageDatasetFromDirectory(join(root, 'b'), { labelMode: 'binary', classNames: ['cats'] }), /there must be exactly 2 classNames/);
    expectError(() => imageDatasetFromDirectory(dir, { labelMode: 'sparse' as never }), /labelMode must be one of/);
  });
});
