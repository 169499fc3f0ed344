import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { input } from '../engine/input_layer';
import { clearSession } from '../engine/naming';
import { expectDltsError, runLayerTest } from '../testing/layer_harness';
import { reshape } from './reshape';

describe('reshape', () => {
  it.each([
    { name: '784 -> 28x28x1', targetShape: [28, 28, 1], inputShape: [2, 784], out: [null, 28, 28, 1] },
    { name: '4x3 -> 12', targetShape: [12], inputShape: [2, 4, 3], out: [null, 12] },
    { name: 'with -1', targetShape: [-1, 2], inputShape: [3, 3, 4], out: [null, 6, 2] },
    { name: '-1 first', targetShape: [2, -1], inputShape: [1, 8], out: [null, 2, 4] },
  ])('passes the layer harness: $name', ({ targetShape, inputShape, out }) => {
    runLayerTest({ make: () => reshape({ targetShape }), inputShape, expectedOutputShape: out, expectedTrainableWeights: 0 });
  });

  it('reshapes each sample row-major', () => {
    const x = tf.reshape(tf.range(0, 12), [2, 6]);
    const y = reshape({ targetShape: [3, 2] }).apply(x);
    expectTensorsClose(y, tf.reshape(tf.range(0, 12), [2, 3, 2]));
    expect(y.shape).toEqual([2, 3, 2]);
    tf.dispose([x, y]);
  });

  it('rejects bad target shapes with Keras-style messages', () => {
    const bad = (targetShape: unknown) => () => reshape({ targetShape } as never);
    expectDltsError(bad([0, 3]), 'reshape: targetShape must be positive integers with at most one -1. Received: targetShape=[0,3]');
    expectDltsError(bad([-1, -1]), /Received: targetShape=\[-1,-1\]/);
    expectDltsError(bad([2.5]), /Received: targetShape=\[2.5\]/);
    expectDltsError(bad(undefined), /Received: targetShape=undefined/);
    expectDltsError(bad(12), /Received: targetShape=12/);
  });

  it('rejects a target shape of another size', () => {
    expectDltsError(() => reshape({ targetShape: [5, 3] }).apply(input({ shape: [12] })), /total size of the new array must be unchanged: input \(None, 12\) cannot become \(None, 5, 3\)/, 'DLTS_SHAPE_MISMATCH');
    expectDltsError(() => reshape({ targetShape: [-1, 5] }).apply(input({ shape: [12] })), /\(None, -1, 5\)|\(None, 12\)/, 'DLTS_SHAPE_MISMATCH');
  });

  it('is named as in Keras and writes a Keras config', () => {
    clearSession();
    const layer = reshape({ targetShape: [28, 28, 1], inputShape: [784] });
    expect(layer.name).toBe('reshape');
    expect(layer.getConfig()).toEqual({ name: 'reshape', trainable: true, dtype: 'float32', batch_input_shape: [null, 784], target_shape: [28, 28, 1] });
  });
});
