import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sharedData } from '@dlts/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePredictions, imagenetClassIndex } from './decode_predictions';

const classIndexPath = sharedData('imagenet_class_index.json');
const root = mkdtempSync(join(tmpdir(), 'dlts-zoo-ci-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function preds(): tf.Tensor2D {
  const a = new Float32Array(2 * 1000).fill(0.0001);
  a[281] = 0.6; // tabby
  a[285] = 0.3; // Egyptian_cat
  a[282] = 0.05; // tiger_cat
  a[1000 + 386] = 0.9; // African_elephant
  a[1000 + 101] = 0.08; // tusker
  return tf.tensor2d(a, [2, 1000]);
}

describe('decodePredictions', () => {
  it('gives the top classes of each sample, best first, with the ImageNet class index', async () => {
    const p = preds();
    const decoded = await decodePredictions(p, { top: 3, classIndexPath });
    expect(decoded).toHaveLength(2);
    expect(decoded[0].map((d) => d.classDescription)).toEqual(['tabby', 'Egyptian_cat', 'tiger_cat']);
    expect(decoded[0][0]).toEqual({ className: 'n02123045', classDescription: 'tabby', score: Math.fround(0.6) });
    expect(decoded[1].slice(0, 2).map((d) => [d.className, d.classDescription])).toEqual([
      ['n02504458', 'African_elephant'],
      ['n01871265', 'tusker'],
    ]);
    expect((await decodePredictions(p, { classIndexPath }))[0]).toHaveLength(5);
    const fromArrays = await decodePredictions(p.arraySync(), { top: 1, classIndexPath });
    expect(fromArrays[1][0].classDescription).toBe('African_elephant');
    p.dispose();
  });

  it('uses the class index cached in <cache>/models like Keras (verified by its md5), without the network', async () => {
    mkdirSync(join(root, 'models'));
    copyFileSync(classIndexPath, join(root, 'models', 'imagenet_class_index.json'));
    const fetch = async () => {
      throw new Error('the network must not be used');
    };
    const index = await imagenetClassIndex({ cacheDir: root, fetch, useKerasCache: false });
    expect(index).toHaveLength(1000);
    expect(index[0]).toEqual(['n01440764', 'tench']);
    expect(index[999]).toEqual(['n15075141', 'toilet_tissue']);
  });

  it('refuses predictions that are not [samples, 1000] and a bad top', async () => {
    const bad = tf.zeros([2, 10]);
    await expect(decodePredictions(bad, { classIndexPath })).rejects.toThrow(
      'decodePredictions: expects a batch of predictions (a 2D array of shape (samples, 1000)). Received: shape=[2,10]',
    );
    await expect(decodePredictions([[1, 2]], { classIndexPath })).rejects.toMatchObject({ code: 'DLTS_SHAPE_MISMATCH' });
    await expect(decodePredictions(bad, { top: 0 })).rejects.toThrow('decodePredictions: top must be a positive integer. Received: top=0');
    bad.dispose();
  });
});
