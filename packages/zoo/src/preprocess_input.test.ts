import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { preprocessInput } from './preprocess_input';

describe('preprocessInput', () => {
  const pixels = [
    [255, 0, 10],
    [0, 127.5, 255],
  ];

  it("caffe (VGG): RGB -> BGR, minus the ImageNet means [103.939, 116.779, 123.68], as Keras's float32 arithmetic", () => {
    const x = tf.tensor4d([[pixels]], [1, 1, 2, 3]);
    const before = tf.memory().numTensors;
    const y = preprocessInput(x, { mode: 'caffe' });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([1, 1, 2, 3]);
    const f = Math.fround;
    expect(Array.from(y.dataSync())).toEqual([
      f(f(10) - f(103.939)),
      f(0 - f(116.779)),
      f(f(255) - f(123.68)),
      f(f(255) - f(103.939)),
      f(f(127.5) - f(116.779)),
      f(0 - f(123.68)),
    ]);
    // The input is not changed, and caffe is the default.
    expect(x.arraySync()).toEqual([[pixels]]);
    const z = preprocessInput(x);
    expect(Array.from(z.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y, z]);
  });

  it("tf: x / 127.5 - 1; torch: (x / 255 - mean) / std; works on one image (3D) and on int32 input", () => {
    const x = tf.tensor3d([pixels], [1, 2, 3], 'int32');
    const t = preprocessInput(x, { mode: 'tf' });
    expect(t.dtype).toBe('float32');
    // int32 input: 127.5 is stored as 127.
    const f = Math.fround;
    expect(Array.from(t.dataSync())).toEqual([255, 0, 10, 0, 127, 255].map((v) => f(f(v / 127.5) - 1)));
    const p = preprocessInput(tf.tensor3d([[[255, 0, 0]]]), { mode: 'torch' });
    const got = Array.from(p.dataSync());
    [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0 - 0.406) / 0.225].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, t, p]);
  });

  it('refuses unknown modes and inputs that are not channels-last RGB images', () => {
    const x = tf.zeros([2, 4, 4, 1]);
    expect(() => preprocessInput(x)).toThrow('preprocessInput: x must be images with 3 channels last, [n, height, width, 3] or [height, width, 3]. Received: shape=[2,4,4,1]');
    const ok = tf.zeros([1, 2, 2, 3]);
    expect(() => preprocessInput(ok, { mode: 'keras' as never })).toThrow("preprocessInput: expected mode to be one of 'caffe', 'tf' or 'torch'. Received: mode=\"keras\"");
    tf.dispose([x, ok]);
  });
});
