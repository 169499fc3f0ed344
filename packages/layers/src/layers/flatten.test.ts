import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { input } from '../engine/input_layer';
import { clearSession } from '../engine/naming';
import type { SymbolicTensor } from '../engine/symbolic';
import { runLayerTest } from '../testing/layer_harness';
import { flatten } from './flatten';

describe('flatten', () => {
  it.each([
    { name: 'rank 4 (conv features)', inputShape: [2, 3, 3, 4], out: [null, 36] },
    { name: 'rank 3', inputShape: [3, 5, 2], out: [null, 10] },
    { name: 'rank 2 (unchanged)', inputShape: [2, 7], out: [null, 7] },
  ])('passes the layer harness: $name', ({ inputShape, out }) => {
    runLayerTest({ make: () => flatten(), inputShape, expectedOutputShape: out, expectedTrainableWeights: 0 });
  });

  it('flattens row-major (channels last), as Keras', () => {
    const x = tf.reshape(tf.range(0, 24), [2, 2, 3, 2]);
    const y = flatten().apply(x);
    expectTensorsClose(y, tf.reshape(tf.range(0, 24), [2, 12]));
    tf.dispose([x, y]);
  });

  it('keeps an unknown feature size unknown', () => {
    const y = flatten().apply(input({ shape: [null, 3] })) as SymbolicTensor;
    expect(y.shape).toEqual([null, null]);
    const x = tf.ones([2, 4, 3]);
    const z = flatten().apply(x);
    expect(z.shape).toEqual([2, 12]);
    tf.dispose([x, z]);
  });

  it('rejects a bad inputShape with a Keras-style message', () => {
    let error: unknown;
    try {
      flatten({ inputShape: [0, 3] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DltsError);
    expect((error as DltsError).code).toBe('DLTS_VALUE');
    expect((error as DltsError).message).toBe('Flatten: input dimensions must be positive integers or null. Received: batchInputShape=[null,0,3]');
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = flatten();
    expect(layer.name).toBe('flatten');
    expect(flatten().name).toBe('flatten_1');
    expect(layer.getConfig()).toEqual({ name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' });
  });
});
