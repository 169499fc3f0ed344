import * as tf from '@tensorflow/tfjs-core';
import { setSeed } from '@dlts/tensors';
import { batchNormalization, conv2d, dense, flatten, input, model, rmsprop, sequential, unfreezeWeights, type Model } from '@dlts/layers';
import { describe, expect, it } from 'vitest';
import { fineTune, freezeBase, needsRecompile, trainableWeightCount } from './fine_tune';
import { vgg16 } from './vgg';

describe('fine-tuning helpers', () => {
  it("give the course's trainable-weight counts: 30 with VGG16 + a dense head, 4 frozen, 22 from block3_conv1", async () => {
    const convBase = await vgg16({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
    const m = sequential([convBase, flatten(), dense({ units: 256, activation: 'relu' }), dense({ units: 1, activation: 'sigmoid' })]);
    expect(trainableWeightCount(m)).toBe(30);
    const compile = { optimizer: rmsprop({ learningRate: 2e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] };
    expect(freezeBase(m, convBase, compile)).toBe(4);
    expect(m.compiled!.trainableWeights).toHaveLength(4);
    expect(needsRecompile(m)).toBe(false);
    // Unfreezing without a compile does not count yet.
    unfreezeWeights(convBase, { from: 'block3_conv1' });
    expect(needsRecompile(m)).toBe(true);
    expect(fineTune(m, convBase, { from: 'block3_conv1', compile: { ...compile, optimizer: rmsprop({ learningRate: 1e-5 }) } })).toBe(22);
    expect(m.compiled!.trainableWeights).toHaveLength(22);
    expect(convBase.getLayer('block2_conv2').trainable).toBe(false);
    expect(convBase.getLayer('block3_conv1').trainable).toBe(true);
    expect(() => fineTune(m, convBase, { from: 'block9_conv1', compile })).toThrow(/no layer named "block9_conv1"/);
    const other = sequential([dense({ units: 1, inputShape: [2] })]);
    expect(() => freezeBase(other, convBase, compile)).toThrow('freezeBase: the base (vgg16) is not a layer of the model');
    expect(() => fineTune(m, convBase, {} as never)).toThrow(/options.compile is required/);
    other.dispose();
    m.dispose();
  });

  it('a frozen BatchNormalization in the base keeps its moving statistics while the head trains', async () => {
    setSeed(3);
    const x = input({ shape: [4, 4, 2] });
    const base: Model = model({ inputs: x, outputs: batchNormalization({ name: 'bn' }).apply(conv2d({ filters: 3, kernelSize: 3, name: 'conv' }).apply(x)) });
    const m = sequential([base, flatten(), dense({ units: 1, activation: 'sigmoid' })]);
    freezeBase(m, base, { optimizer: 'rmsprop', loss: 'binary_crossentropy' });
    const stats = () => base.getLayer('bn').weights.map((w) => Array.from(w.variable.dataSync()));
    const before = stats();
    const xs = tf.randomNormal([8, 4, 4, 2], 0, 1, 'float32', 1);
    const ys = tf.tensor2d([[1], [0], [1], [0], [1], [0], [1], [0]]);
    await m.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(stats()).toEqual(before);
    tf.dispose([xs, ys]);
    m.dispose();
  });
});
