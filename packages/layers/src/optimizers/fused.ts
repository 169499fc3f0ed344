import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs a fused optimizer update when the active backend has one (for example `DltsApplyRMSprop`
 * of `@dlts/backend-native`: one pass over the variable, its gradient and its slots instead of
 * eight tfjs ops), assigning the outputs to `targets` in order, or letting the kernel update them
 * in place (`inPlace`, when it owns their memory). Returns false when the backend has no such
 * kernel: the caller then runs the update with tfjs ops.
 *
 * @param kernel - the kernel name (`DltsApplyRMSprop`, `DltsApplyAdam`, `DltsApplySGD`).
 * @param inputs - the named inputs (absent optional slots are left out).
 * @param attrs - the update's hyper-parameters.
 * @param targets - the variable and slots receiving the outputs, in the kernel's output order.
 * @returns whether the fused kernel ran.
 * @example
 * ```ts
 * if (!runFused('DltsApplySGD', { variable, gradient }, { learningRate: 0.01, momentum: 0, nesterov: false }, [variable])) { ... }
 * ```
 */
export function runFused(kernel: string, inputs: Record<string, tf.Tensor | undefined>, attrs: Record<string, number | boolean>, targets: tf.Variable[]): boolean {
  if (tf.getKernel(kernel, tf.getBackend()) === undefined) return false;
  const named: tf.NamedTensorMap = {};
  for (const [k, t] of Object.entries(inputs)) if (t !== undefined) named[k] = t;
  // inPlace: the kernel may write into the variable and slots when nothing else can see their
  // memory, and then returns no outputs (nothing to assign).
  const out = tf.engine().runKernel(kernel, named, { ...attrs, inPlace: true } as tf.NamedAttrMap) as tf.Tensor[];
  if (out.length === 0) return true;
  targets.forEach((t, i) => t.assign(out[i]));
  tf.dispose(out);
  return true;
}
