import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { expectDltsError, runLayerTest } from '../testing/layer_harness';
import { globalAveragePooling2d, globalMaxPooling2d } from './global_pooling2d';

const KINDS = [
  { kind: 'average', make: globalAveragePooling2d, fn: 'globalAveragePooling2d', reduce: (x: tf.Tensor) => tf.mean(x, [1, 2]) },
  { kind: 'max', make: globalMaxPooling2d, fn: 'globalMaxPooling2d', reduce: (x: tf.Tensor) => tf.max(x, [1, 2]) },
];

describe.each(KINDS)('global $kind pooling', ({ make, fn, reduce }) => {
  it.each([
    { name: 'default', keepdims: undefined, inputShape: [2, 5, 4, 3], out: [null, 3] },
    { name: 'keepdims', keepdims: true, inputShape: [2, 5, 4, 3], out: [null, 1, 1, 3] },
    { name: '1x1 input', keepdims: false, inputShape: [3, 1, 1, 6], out: [null, 6] },
  ])('passes the layer harness: $name', ({ keepdims, inputShape, out }) => {
    runLayerTest({ make: () => make({ keepdims }), inputShape, expectedOutputShape: out, expectedTrainableWeights: 0 });
  });

  it('reduces over height and width, per sample and channel', () => {
    const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 2);
    const values = x.arraySync() as number[][][][];
    const y = make().apply(x);
    const expected = values.map((sample) =>
      [0, 1, 2].map((c) => {
        const cells = sample.flatMap((row) => row.map((cell) => cell[c]));
        return fn === 'globalMaxPooling2d' ? Math.max(...cells) : cells.reduce((a, b) => a + b, 0) / cells.length;
      }),
    );
    expectTensorsClose(y, expected, { atol: 1e-6 });
    const kept = make({ keepdims: true }).apply(x);
    const ref = reduce(x);
    expect(kept.shape).toEqual([2, 1, 1, 3]);
    expectTensorsClose(tf.reshape(kept, [2, 3]), ref);
    tf.dispose([x, y, kept, ref]);
  });

  it('rejects an unsupported data format and an input that is not rank 4', () => {
    expectDltsError(() => make({ dataFormat: 'channels_first' as never }), `${fn}: only dataFormat 'channels_last' (NHWC) is supported. Received: dataFormat="channels_first"`, 'DLTS_UNSUPPORTED');
    const x = tf.ones([2, 3]);
    expectDltsError(() => make().apply(x), /expected input of rank 4 .*Received: input shape \(2, 3\)/, 'DLTS_SHAPE_MISMATCH');
    x.dispose();
  });
});

describe('global pooling names and configs', () => {
  it('is named as in Keras', () => {
    clearSession();
    expect(globalAveragePooling2d().name).toBe('global_average_pooling2d');
    expect(globalAveragePooling2d().name).toBe('global_average_pooling2d_1');
    expect(globalMaxPooling2d().name).toBe('global_max_pooling2d');
  });

  it('writes a Keras config', () => {
    clearSession();
    expect(globalAveragePooling2d().getConfig()).toEqual({ name: 'global_average_pooling2d', trainable: true, dtype: 'float32', data_format: 'channels_last', keepdims: false });
  });
});
