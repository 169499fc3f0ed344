import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { expectValueError, runLayerTest } from '../testing/layer_harness';
import { embedding } from './embedding';

describe('embedding', () => {
  it.each([
    { name: 'int32 sequences', make: () => embedding({ inputDim: 10, outputDim: 4 }), inputShape: [3, 6], out: [null, 6, 4], dtype: 'int32' as const },
    { name: 'inputLength', make: () => embedding({ inputDim: 5, outputDim: 2, inputLength: 7 }), inputShape: [2, 7], out: [null, 7, 2], dtype: 'int32' as const },
    { name: 'rank 3 indices', make: () => embedding({ inputDim: 6, outputDim: 3 }), inputShape: [2, 3, 4], out: [null, 3, 4, 3], dtype: 'int32' as const },
    {
      name: 'float indices',
      make: () => embedding({ inputDim: 8, outputDim: 2, embeddingsInitializer: 'glorot_uniform' }),
      inputShape: [2, 5],
      out: [null, 5, 2],
      dtype: 'float32' as const,
      data: () => tf.tensor2d([0, 1, 2, 3, 7, 7, 6, 5, 4, 0], [2, 5]),
    },
  ])('passes the layer harness: $name', ({ make, inputShape, out, dtype, data }) => {
    runLayerTest({ make, inputShape, expectedOutputShape: out, expectedTrainableWeights: 1, inputDtype: dtype, inputData: data });
  });

  it('looks up rows of the embeddings matrix', () => {
    const layer = embedding({ inputDim: 4, outputDim: 3 });
    const x = tf.tensor2d([0, 3, 3, 1], [2, 2], 'int32');
    const y = layer.apply(x);
    const table = layer.embeddings!.variable.arraySync() as number[][];
    expectTensorsClose(y, [[table[0], table[3]], [table[3], table[1]]].flat());
    expect(y.shape).toEqual([2, 2, 3]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('initialises uniformly in [-0.05, 0.05] by default (Keras)', () => {
    const layer = embedding({ inputDim: 100, outputDim: 20 });
    const x = tf.zeros([1, 1], 'int32');
    tf.dispose(layer.apply(x));
    const values = layer.embeddings!.variable.dataSync();
    expect(Math.max(...values)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.05);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.09);
    x.dispose();
    layer.dispose();
  });

  it('sums the gradients of repeated indices into their rows', () => {
    const layer = embedding({ inputDim: 3, outputDim: 2 });
    const x = tf.tensor2d([2, 2, 0, 2], [1, 4], 'int32');
    tf.dispose(layer.apply(x));
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, [layer.embeddings!.variable]);
    expectTensorsClose(grads[layer.embeddings!.variable.name], [1, 1, 0, 0, 3, 3]);
    tf.dispose([x, value, ...Object.values(grads)]);
    layer.dispose();
  });

  it('leaves only its output behind when called outside tf.tidy', () => {
    const layer = embedding({ inputDim: 5, outputDim: 2 });
    for (const x of [tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([1, 2, 3, 4], [2, 2])]) {
      tf.dispose(layer.apply(x));
      const before = tf.memory().numTensors;
      const y = layer.apply(x);
      expect(tf.memory().numTensors).toBe(before + 1);
      tf.dispose([x, y]);
    }
    layer.dispose();
  });

  it('rejects bad arguments with Keras-style messages', () => {
    expectValueError(() => embedding({ inputDim: 0, outputDim: 2 }), 'embedding: inputDim must be a positive integer. Received: inputDim=0');
    expectValueError(() => embedding({ inputDim: 10, outputDim: 2.5 }), 'embedding: outputDim must be a positive integer. Received: outputDim=2.5');
    expectValueError(() => embedding({ outputDim: 2 } as never), /inputDim=undefined/);
    expectValueError(() => embedding({ inputDim: 10, outputDim: 2, inputLength: 0 }), /inputLength=0|batchInputShape=\[null,0\]/);
    expectValueError(() => embedding({ inputDim: 10, outputDim: 2, embeddingsInitializer: 'nope' }), /Received: "nope"/);
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = embedding({ inputDim: 10000, outputDim: 8, inputLength: 20 });
    expect(layer.name).toBe('embedding');
    expect(embedding({ inputDim: 2, outputDim: 2 }).name).toBe('embedding_1');
    expect(layer.getConfig()).toMatchObject({
      name: 'embedding',
      batch_input_shape: [null, 20],
      input_dim: 10000,
      output_dim: 8,
      embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
      mask_zero: false,
      input_length: 20,
    });
  });
});
