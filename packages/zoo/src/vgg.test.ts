import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { clearSession, type Model } from '@dlts/layers';
import { sharedCourse, sharedData } from '@dlts/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { obtainInputShape, vgg16, vgg19 } from './vgg';

/** The VGG16 summary the course prints (the lines after R's "## " prefix). */
function courseVgg16Summary(): string {
  const lines = readFileSync(sharedCourse('course-zh.txt'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l === '## Model: "vgg16"');
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## Non-trainable params'));
  return lines
    .slice(start, end + 2)
    .map((l) => l.slice(3))
    .join('\n');
}

const models: Model[] = [];
afterEach(() => {
  models.splice(0).forEach((m) => m.dispose());
});
async function keep(p: Promise<Model>): Promise<Model> {
  const m = await p;
  models.push(m);
  return m;
}

describe('vgg16', () => {
  it("prints the course's summary: input_1 [(None, 150, 150, 3)] ... Total params: 14,714,688", async () => {
    clearSession();
    const convBase = await keep(vgg16({ weights: null, includeTop: false, inputShape: [150, 150, 3] }));
    expect(convBase.summary({ print: false })).toBe(courseVgg16Summary());
    expect(convBase.countParams()).toBe(14714688);
    expect(convBase.outputShape).toEqual([null, 4, 4, 512]);
  });

  it("has Keras's layer names, and the top (flatten, fc1, fc2, predictions) when asked", async () => {
    const top = await keep(vgg16({ weights: null, inputShape: [32, 32, 3], classes: 10, classifierActivation: null }));
    const names = top.layers.map((l) => l.name);
    expect(names.slice(1, 19)).toEqual([
      'block1_conv1',
      'block1_conv2',
      'block1_pool',
      'block2_conv1',
      'block2_conv2',
      'block2_pool',
      'block3_conv1',
      'block3_conv2',
      'block3_conv3',
      'block3_pool',
      'block4_conv1',
      'block4_conv2',
      'block4_conv3',
      'block4_pool',
      'block5_conv1',
      'block5_conv2',
      'block5_conv3',
      'block5_pool',
    ]);
    expect(names.slice(19)).toEqual(['flatten', 'fc1', 'fc2', 'predictions']);
    expect(top.outputShape).toEqual([null, 10]);
    // 14,714,688 + fc1 (512 -> 4096) + fc2 (4096 -> 4096) + predictions (4096 -> 10)
    expect(top.countParams()).toBe(14714688 + (512 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 10 + 10));
    // At 224x224 the same layers give Keras's 138,357,544 (the registry's number).
    expect(14714688 + (7 * 7 * 512 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)).toBe(138357544);
  });

  it('pools the last block with pooling avg / max, and runs on any size of at least 32x32 without a shape', async () => {
    const avg = await keep(vgg16({ weights: null, includeTop: false, pooling: 'avg' }));
    expect(avg.inputs[0].shape).toEqual([null, null, null, 3]);
    expect(avg.outputShape).toEqual([null, 512]);
    expect(avg.layers[avg.layers.length - 1].className).toBe('GlobalAveragePooling2D');
    const before = tf.memory().numTensors;
    const x = tf.zeros([1, 40, 48, 3]);
    const y = avg.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 512]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    const max = await keep(vgg16({ weights: null, includeTop: false, pooling: 'max', inputShape: [32, 32, 3] }));
    expect(max.layers[max.layers.length - 1].className).toBe('GlobalMaxPooling2D');
  });

  it("enforces Keras's input-size and weights rules with clear messages", async () => {
    await expect(vgg16({ weights: null, includeTop: false, inputShape: [31, 64, 3] })).rejects.toThrow(
      'vgg16: input size must be at least 32x32. Received: inputShape=[31,64,3]',
    );
    await expect(vgg16({ includeTop: true, inputShape: [150, 150, 3] })).rejects.toThrow(
      "vgg16: when setting includeTop=true and loading 'imagenet' weights, inputShape should be [224, 224, 3]. Received: inputShape=[150,150,3]",
    );
    await expect(vgg16({ includeTop: true, classes: 2 })).rejects.toThrow("if using weights='imagenet' with includeTop=true, classes should be 1000");
    await expect(vgg16({ includeTop: false, inputShape: [64, 64, 1] })).rejects.toThrow('vgg16: the input must have 3 channels');
    await expect(vgg16({ weights: '/nonexistent/x.h5' })).rejects.toThrow(
      "vgg16: the weights argument should be either null (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. Received: weights=\"/nonexistent/x.h5\"",
    );
    await expect(vgg16({ weights: sharedData('fixtures', 'vgg16_notop_keras1.h5'), classifierActivation: 'relu', inputShape: [224, 224, 3] })).rejects.toThrow(
      "only null and 'softmax' activations are allowed for classifierActivation when using pretrained weights",
    );
    await expect(vgg16({ weights: null, includeTop: false, pooling: 'sum' as never })).rejects.toThrow("pooling must be 'avg', 'max' or null");
    await expect(vgg16({ weights: 42 as never })).rejects.toThrow('the weights argument should be either null');
    expect(obtainInputShape('f', undefined, 224, 32, true, null)).toEqual([224, 224, 3]);
    expect(obtainInputShape('f', undefined, 224, 32, false, 'imagenet')).toEqual([null, null, 3]);
    expect(() => obtainInputShape('f', [null, null, 3], 224, 32, true, null)).toThrow('with includeTop=true the inputShape must be static');
  });

  it('fails with DLTS_DOWNLOAD, naming the URL and the cache paths, when the ImageNet weights are not cached and downloads are off', async () => {
    const saved = process.env.DLTS_OFFLINE;
    process.env.DLTS_OFFLINE = '1';
    try {
      const error = await vgg16({ includeTop: false, inputShape: [32, 32, 3], cacheDir: '/nonexistent-dlts-cache' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DLTS_DOWNLOAD' });
      expect((error as Error).message).toContain('https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
      expect((error as Error).message).toContain('/nonexistent-dlts-cache/models/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
      expect((error as Error).message).toContain('md5 6d6bbae143d832006294945121d1f1fc');
    } finally {
      if (saved === undefined) delete process.env.DLTS_OFFLINE;
      else process.env.DLTS_OFFLINE = saved;
    }
  });
});

describe('vgg19', () => {
  it('has four convolutions in blocks 3-5 and 20,024,384 parameters without the top', async () => {
    const base = await keep(vgg19({ weights: null, includeTop: false, inputShape: [32, 32, 3] }));
    expect(base.name).toBe('vgg19');
    expect(base.countParams()).toBe(20024384);
    expect(base.layers.map((l) => l.name)).toContain('block5_conv4');
    expect(base.layers.filter((l) => l.className === 'Conv2D')).toHaveLength(16);
  });
});
