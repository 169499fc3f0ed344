import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@dlts/testing';
import { expect, it } from 'vitest';
import { describeOnSuiteAndCpu } from '../testing/on_backends';
import { denseMatMul } from './dense_matmul';

/** The unfused reference: activation(x . w + b) with tfjs's own gradients. */
function reference(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | undefined, activation: 'linear' | 'relu'): tf.Tensor2D {
  let y: tf.Tensor2D = tf.matMul(x, w);
  if (b) y = tf.add(y, b);
  return activation === 'relu' ? tf.relu(y) : y;
}

describeOnSuiteAndCpu('denseMatMul', (which) => {
  it.each([
    { activation: 'relu' as const, bias: true },
    { activation: 'relu' as const, bias: false },
    { activation: 'linear' as const, bias: true },
    { activation: 'linear' as const, bias: false },
  ])('matches matMul + add + activation, value and gradients ($activation, bias $bias)', ({ activation, bias }) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = bias ? (tf.randomNormal([3], 0, 1, 'float32', 3) as tf.Tensor1D) : undefined;
      const dy = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
      const f = (fn: typeof denseMatMul) => (xx: tf.Tensor, ww: tf.Tensor, bb?: tf.Tensor) => tf.mul(fn(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D | undefined, activation), dy);
      const inputs = b ? [x, w, b] : [x, w];
      expectTensorsClose(denseMatMul(x, w, b, activation), reference(x, w, b, activation), { atol: 1e-5, rtol: 1e-5 });
      const got = tf.grads(f(denseMatMul))(inputs);
      const want = tf.grads(f(reference))(inputs);
      got.forEach((g, i) => expectTensorsClose(g, want[i], { atol: 1e-5, rtol: 1e-5 }));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes only the gradients the tape needs: no input gradient for a first layer', async () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
    const w = tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 6));
    const b = tf.variable(tf.zeros([3]));
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(denseMatMul(x, w as unknown as tf.Tensor2D, b as unknown as tf.Tensor1D, 'relu')) as tf.Scalar, [w, b]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = info.kernels.map((k) => k.name);
    if (which === 'cpu' || tf.getBackend() === 'native') {
      // Forward: one fused kernel; backward: one product (the kernel's gradient), none for x.
      expect(names.filter((n) => n === '_FusedMatMul')).toHaveLength(1);
      expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(1);
    }
    tf.dispose([x, w, b]);
  });
});
