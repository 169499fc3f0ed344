import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeSyntheticImages } from '../datasets/synthetic';
import { imageDataGenerator } from '../generator/image_data_generator';
import { imageLoad } from '../io/image';
import { generatorNext } from './iterator';
import { workerPool } from './worker_pool';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/augment_modes_expected.json', import.meta.url), 'utf8')) as {
  flow_order: { n: number; batch_size: number; seed: number; batches: number; order: number[][] }[];
};

const root = mkdtempSync(join(tmpdir(), 'dlts-flow-'));
const dir = join(root, 'train');
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await writeSyntheticImages(dir, { perClass: 6, seed: 3, sizeRange: [40, 70] });
  await writeSyntheticImages(dir, { perClass: 2, classes: ['zebras'], seed: 4, sizeRange: [40, 70], format: 'png' });
});

/** Runs `fn` with console.log/warn captured. */
async function capture<T>(fn: () => T | Promise<T>): Promise<{ value: T; logs: string[]; warnings: string[] }> {
  const logs: string[] = [];
  const warnings: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void warnings.push(a.join(' ')));
  try {
    return { value: await fn(), logs, warnings };
  } finally {
    log.mockRestore();
    warn.mockRestore();
  }
}

describe('flow (in-memory arrays)', () => {
  it.each(fixture.flow_order)('visits samples in Keras order under seed $seed (n $n, batch $batch_size)', async (c) => {
    const x = tf.zeros([c.n, 1, 1, 1]);
    const y = tf.range(0, c.n, 1, 'float32');
    const it = imageDataGenerator().flow(x, y, { batchSize: c.batch_size, seed: c.seed });
    const order: number[][] = [];
    for (let b = 0; b < c.batches; b++) {
      const [bx, by] = (await it.next()).value as [tf.Tensor, tf.Tensor];
      order.push(Array.from(by.dataSync()));
      tf.dispose([bx, by]);
    }
    expect(order).toEqual(c.order);
    tf.dispose([x, y]);
  });

  it('augments each sample with the seeded parameters Keras would draw', async () => {
    const x = tf.randomUniform([3, 8, 8, 1], 0, 255, 'float32', 1);
    const gen = imageDataGenerator({ rotationRange: 30, zoomRange: 0.2 });
    const it = gen.flow(x, null, { batchSize: 3, seed: 9, shuffle: false });
    const batch = (await it.next()).value as tf.Tensor;
    // By hand: seed + 0 seeds the batch; the three images draw in turn from that stream.
    const { NumpyRandomState } = await import('@dlts/tensors');
    const rs = new NumpyRandomState(9);
    const expected = tf.tidy(() =>
      tf.stack(
        tf.unstack(x).map((img) => {
          const theta = rs.uniform(-30, 30);
          const zx = rs.uniform(0.8, 1.2);
          const zy = rs.uniform(0.8, 1.2);
          rs.random();
          rs.random();
          return gen.applyTransform(img, { theta, zx, zy });
        }),
      ),
    );
    expectTensorsClose(batch, expected, { atol: 1e-4 });
    tf.dispose([x, batch, expected]);
  });

  it('yields [x, y, sampleWeight], splits subsets, and creates only its batch tensors', async () => {
    const x = tf.ones([10, 2, 2, 1]);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const w = tf.range(0, 10, 1, 'float32');
    const gen = imageDataGenerator({ validationSplit: 0.2 });
    const train = gen.flow(x, y, { batchSize: 4, sampleWeight: w, subset: 'training', shuffle: false });
    expect(train.n).toBe(8);
    const before = tf.memory().numTensors;
    const batch = (await train.next()).value as tf.Tensor[];
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(Array.from(batch[2].dataSync())).toEqual([2, 3, 4, 5]);
    tf.dispose(batch);
    expect(gen.flow(x, y, { subset: 'validation' }).n).toBe(2);
    expect(() => gen.flow(x, tf.ones([3]))).toThrow(/flow: x \(images\) and y \(labels\) should have the same length/);
    expect(() => gen.flow(tf.ones([2, 3]))).toThrow(/flow: input data should have rank 4/);
    tf.dispose([x, y, w]);
  });
});

describe('flowFromDirectory', () => {
  it('lists sorted class folders and prints what Keras prints', async () => {
    const { value: it, logs } = await capture(() => imageDataGenerator().flowFromDirectory(dir, { targetSize: [32, 32] }));
    expect(logs).toEqual(['Found 14 images belonging to 3 classes.']);
    expect(it.classIndices).toEqual({ cats: 0, dogs: 1, zebras: 2 });
    expect(it.samples).toBe(14);
    expect(it.filenames.slice(0, 3)).toEqual([join('cats', 'cat.1.jpg'), join('cats', 'cat.2.jpg'), join('cats', 'cat.3.jpg')]);
    expect(it.filenames[12]).toBe(join('zebras', 'zebra.1.png'));
    expect(Array.from(it.classes)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect(it.length).toBe(1);
  });

  it.each([
    ['categorical', [5, 3]],
    ['binary', [5]],
    ['sparse', [5]],
    ['input', [5, 32, 32, 3]],
  ] as const)('classMode %s yields labels of shape %j', async (classMode, yShape) => {
    const { value: it } = await capture(() => imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [32, 32], batchSize: 5, classMode, shuffle: false }));
    const before = tf.memory().numTensors;
    const [x, y] = (await generatorNext(it)) as [tf.Tensor, tf.Tensor];
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(x.shape).toEqual([5, 32, 32, 3]);
    expect(y.shape).toEqual(yShape);
    expect(tf.max(x).dataSync()[0]).toBeLessThanOrEqual(1);
    if (classMode === 'sparse') expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 0, 0]);
    tf.dispose([x, y]);
  });

  it('without classMode yields images only, in file order when not shuffling; pixels are imageLoad pixels', async () => {
    const { value: it } = await capture(() => imageDataGenerator().flowFromDirectory(dir, { targetSize: [20, 24], classMode: null, shuffle: false, batchSize: 2, colorMode: 'grayscale' }));
    const x = (await it.next()).value as tf.Tensor;
    expect(x.shape).toEqual([2, 20, 24, 1]);
    const img = await imageLoad(join(dir, 'cats', 'cat.2.jpg'), { targetSize: [20, 24], colorMode: 'grayscale' });
    expect(Array.from(tf.tidy(() => tf.slice(x, [1, 0, 0, 0], [1, 20, 24, 1])).dataSync())).toEqual(Array.from(img.data));
    x.dispose();
  });

  it('gives the same batches for the same seed, with or without prefetching', async () => {
    const gen = imageDataGenerator({ rotationRange: 40, widthShiftRange: 0.2, heightShiftRange: 0.2, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true });
    const take = async (prefetch: number) => {
      const { value: it } = await capture(() => gen.flowFromDirectory(dir, { targetSize: [24, 24], batchSize: 4, seed: 42, prefetch, classMode: 'sparse' }));
      const out: number[][] = [];
      for (let b = 0; b < 5; b++) {
        const [x, y] = (await it.next()).value as [tf.Tensor, tf.Tensor];
        out.push([...Array.from(y.dataSync()), ...Array.from(x.dataSync()).slice(0, 50)]);
        tf.dispose([x, y]);
      }
      return out;
    };
    const a = await take(0);
    expect(await take(3)).toEqual(a);
    expect(await take(1)).toEqual(a);
  });

  it('decodes and augments in worker threads with the same result as on the main thread', async () => {
    const gen = imageDataGenerator({ rotationRange: 40, zoomRange: 0.2, horizontalFlip: true, rescale: 1 / 255 });
    const take = async (workers: number) => {
      const { value: it } = await capture(() => gen.flowFromDirectory(dir, { targetSize: [24, 24], batchSize: 7, seed: 3, workers, classMode: 'sparse' }));
      const out: number[] = [];
      for (let b = 0; b < 3; b++) {
        const [x, y] = (await it.next()).value as [tf.Tensor, tf.Tensor];
        out.push(...Array.from(y.dataSync()), ...Array.from(x.dataSync()));
        tf.dispose([x, y]);
      }
      return out;
    };
    const main = await take(0);
    expect(await take(2)).toEqual(main);
    expect(workerPool(2).info()).toEqual({ workers: 2, fallback: false });
  });

  it('without a seed follows setSeed', async () => {
    const gen = imageDataGenerator({ rotationRange: 20 });
    const take = async () => {
      const { value: it } = await capture(() => gen.flowFromDirectory(dir, { targetSize: [16, 16], batchSize: 14, classMode: 'sparse' }));
      const [x, y] = (await it.next()).value as [tf.Tensor, tf.Tensor];
      const out = [...Array.from(y.dataSync()), ...Array.from(x.dataSync())];
      tf.dispose([x, y]);
      return out;
    };
    setSeed(77);
    const a = await take();
    setSeed(77);
    expect(await take()).toEqual(a);
  });

  it('reshuffles every pass, each pass visiting every image once (Keras epochs)', async () => {
    const { value: it } = await capture(() => imageDataGenerator().flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 5, seed: 1, classMode: 'sparse' }));
    const passes: number[][] = [];
    for (let p = 0; p < 2; p++) {
      const labels: number[] = [];
      for (let b = 0; b < it.length; b++) {
        const [x, y] = (await it.next()).value as [tf.Tensor, tf.Tensor];
        expect(x.shape[0]).toBe(b === 2 ? 4 : 5);
        labels.push(...Array.from(y.dataSync()));
        tf.dispose([x, y]);
      }
      passes.push(labels);
    }
    for (const labels of passes) expect(labels.slice().sort()).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect(passes[1]).not.toEqual(passes[0]);
  });

  it('subset uses the first validationSplit of each class for validation, as Keras', async () => {
    const gen = imageDataGenerator({ validationSplit: 0.5 });
    const { value: v, logs } = await capture(() => gen.flowFromDirectory(dir, { subset: 'validation', targetSize: [8, 8] }));
    expect(logs).toEqual(['Found 7 images belonging to 3 classes.']);
    expect(v.filenames).toEqual([
      join('cats', 'cat.1.jpg'),
      join('cats', 'cat.2.jpg'),
      join('cats', 'cat.3.jpg'),
      join('dogs', 'dog.1.jpg'),
      join('dogs', 'dog.2.jpg'),
      join('dogs', 'dog.3.jpg'),
      join('zebras', 'zebra.1.png'),
    ]);
    const { value: t } = await capture(() => gen.flowFromDirectory(dir, { subset: 'training', targetSize: [8, 8] }));
    expect(t.samples).toBe(7);
  });

  it('skips empty, non-image and corrupt files, naming them in one warning each time they are found', async () => {
    const messy = join(root, 'messy');
    await writeSyntheticImages(messy, { perClass: 3, seed: 5, sizeRange: [30, 40] });
    writeFileSync(join(messy, 'cats', 'cat.9.jpg'), '');
    writeFileSync(join(messy, 'dogs', 'Thumbs.jpg'), 'not an image at all');
    const good = readFileSync(join(messy, 'dogs', 'dog.1.jpg'));
    writeFileSync(join(messy, 'dogs', 'dog.8.jpg'), good.subarray(0, good.length >> 1));
    const { value: it, logs, warnings } = await capture(() => imageDataGenerator().flowFromDirectory(messy, { targetSize: [8, 8], batchSize: 7, shuffle: false, classMode: 'sparse' }));
    expect(logs).toEqual(['Found 7 images belonging to 2 classes.']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 2 unreadable or empty image file\(s\) .*cat\.9\.jpg \(empty\).*Thumbs\.jpg \(not an image\)/);
    const { value: batch, warnings: later } = await capture(async () => (await it.next()).value as [tf.Tensor, tf.Tensor]);
    expect(batch[0].shape[0]).toBe(6);
    expect(later).toHaveLength(1);
    expect(later[0]).toMatch(/flowFromDirectory: skipped 1 unreadable image file\(s\) .*dog\.8\.jpg \(cannot decode/);
    tf.dispose(batch);
  });

  it('getBatch indexes a pass as Keras Sequence; async iteration works', async () => {
    const { value: it } = await capture(() => imageDataGenerator().flowFromDirectory(dir, { targetSize: [8, 8], batchSize: 6, shuffle: false, classMode: 'sparse' }));
    const [x, y] = (await it.getBatch(2)) as [tf.Tensor, tf.Tensor];
    expect(Array.from(y.dataSync())).toEqual([2, 2]);
    tf.dispose([x, y]);
    await expect(it.getBatch(3)).rejects.toThrow(/getBatch: asked to retrieve element 3, but the Sequence has length 3/);
    let seen = 0;
    for await (const b of it) {
      tf.dispose(b as tf.Tensor[]);
      if (++seen === 4) break;
    }
    expect(seen).toBe(4);
  });

  it('rejects bad options', () => {
    const gen = imageDataGenerator();
    expect(() => gen.flowFromDirectory(dir, { classMode: 'multi' as never })).toThrow(/invalid classMode/);
    expect(() => gen.flowFromDirectory(dir, { targetSize: [0, 1] })).toThrow(/targetSize must be \[height, width\] in pixels/);
    expect(() => gen.flowFromDirectory(join(root, 'missing'))).toThrow(/flowFromDirectory: cannot read the folder/);
    expect(() => gen.flowFromDirectory(dir, { classes: ['cats', 'lions'] })).toThrow(/the class folder .*lions does not exist/);
  });
});
