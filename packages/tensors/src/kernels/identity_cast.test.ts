import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, use, type Spec } from './test_util';

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

describe('wasm Identity / Cast (zero-copy)', () => {
  it('tf.clone shares the buffer safely: values survive disposing either tensor', async () => {
    await use('wasm');
    const buffers = tf.backend().numDataIds();
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const b = tf.clone(a);
    expect(tf.backend().numDataIds()).toBe(buffers + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    const c = tf.add(b, 1);
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([2, 3, 4, 5]);
    c.dispose();
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('same-dtype casts and real conversions match cpu', async () => {
    const x: Spec = { values: (await randomValues([3, 5], 1)).map((v) => v * 4), shape: [3, 5] };
    await compareBackends([x], (t) => [tf.cast(t, 'float32'), tf.cast(t, 'int32'), tf.cast(t, 'bool'), tf.cast(tf.cast(t, 'int32'), 'int32')]);
    await expectNoLeak([x], (t) => tf.cast(t, 'float32'));
    await expectNoLeak([x], (t) => tf.clone(t));
  });

  it('relu gradient (step, cast, multiply) and a clone inside tf.grads match cpu', async () => {
    const x: Spec = { values: await randomValues([4, 6, 5, 3], 2), shape: [4, 6, 5, 3] };
    const dy: Spec = { values: await randomValues([4, 6, 5, 3], 3), shape: [4, 6, 5, 3] };
    await compareBackends([x, dy], (t, g) => tf.grad((v: tf.Tensor) => tf.mul(tf.relu(v), tf.clone(v)))(t, g));
  });
});
