import * as tf from '@tensorflow/tfjs-core';

/**
 * Backends whose `_FusedMatMul` kernel takes rank-2 operands as they are (tfjs's own op reshapes
 * them to rank 3 first, which every backend accepts).
 */
const RANK2_BACKENDS = new Set(['native', 'cpu']);

/** The activations {@link denseMatMul} applies inside the kernel (and differentiates). */
export const DENSE_FUSED_ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu']);

let gradientRegistered = false;

/**
 * The gradient of a rank-2 `_FusedMatMul` (no transposes, linear or relu), registered the TF.js
 * way so that each input's gradient is computed only when the tape needs it: the first layer of
 * a network never computes the gradient of its input (a whole GEMM), which tfjs's fused op (a
 * `customGrad`, all gradients at once) would.
 */
function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [a, b, y] = saved;
      const { transposeA, transposeB, activation } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string };
      if (transposeA || transposeB || a.rank !== 2 || b.rank !== 2 || !DENSE_FUSED_ACTIVATIONS.has(activation)) {
        throw new Error(`@dlts/layers: no gradient for this _FusedMatMul (transposeA=${transposeA}, transposeB=${transposeB}, activation=${activation}, ranks ${a.rank}/${b.rank}); use tf.fused.matMul`);
      }
      const g = dy as tf.Tensor2D;
      const dyAct = activation === 'relu' ? tf.mul(g, tf.step(y)) : g;
      return {
        a: () => tf.matMul(dyAct, b as tf.Tensor2D, false, true),
        b: () => tf.matMul(a as tf.Tensor2D, dyAct, true, false),
        bias: () => tf.sum(dyAct, 0),
      };
    },
  });
}

/**
 * A dense layer's `activation(x · kernel + bias)` for a rank-2 float32 `x` and a linear or relu
 * activation, as one fused kernel in training as well as in inference on backends that take
 * rank-2 operands (tfjs's `tf.fused.matMul` falls back to three unfused ops whenever gradients
 * are recorded); otherwise `tf.fused.matMul`.
 *
 * @internal
 */
export function denseMatMul(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined, activation: 'linear' | 'relu'): tf.Tensor2D {
  if (x.dtype !== 'float32' || kernel.dtype !== 'float32' || !RANK2_BACKENDS.has(tf.getBackend())) {
    return tf.fused.matMul({ a: x, b: kernel, bias, activation }) as tf.Tensor2D;
  }
  registerGradient();
  const inputs: tf.NamedTensorMap = bias ? { a: x, b: kernel, bias } : { a: x, b: kernel };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 }) as unknown as tf.Tensor2D;
}
