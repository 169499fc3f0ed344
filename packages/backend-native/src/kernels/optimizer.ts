/**
 * Fused optimizer updates, as kernels of their own: one pass over a variable, its gradient and
 * its slots, where the same update written with tfjs ops costs 7 to 10 passes over memory (for
 * the chapter-2 network, most of a training step's elementwise time).
 *
 * An optimizer uses them when the active backend has them:
 *
 * ```ts
 * if (tf.getKernel(APPLY_RMSPROP, tf.getBackend())) {
 *   const [w, v] = tf.engine().runKernel(APPLY_RMSPROP, { variable, gradient, velocity }, { learningRate, rho, momentum: 0, epsilon }) as tf.Tensor[];
 *   variable.assign(w);
 *   velocity.assign(v);
 * }
 * ```
 *
 * Inputs and outputs (float32, all of the variable's shape; outputs in this order):
 *
 * - `DltsApplyRMSprop`: `{variable, gradient, velocity, momentum?, averageGradient?}`, attrs
 *   `{learningRate, rho, momentum, epsilon}` -> `[variable, velocity, momentum?, averageGradient?]`
 *   (Keras's RMSprop; centered when `averageGradient` is given).
 * - `DltsApplyAdam`: `{variable, gradient, m, v, vhat?}`, attrs `{alpha, beta1, beta2, epsilon}` with
 *   `alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)` -> `[variable, m, v, vhat?]` (amsgrad with `vhat`).
 * - `DltsApplySGD`: `{variable, gradient, momentum?}`, attrs `{learningRate, momentum, nesterov}`
 *   -> `[variable, momentum?]`.
 *
 * With the attr `inPlace: true`, a kernel that owns the memory of the variable and of every slot
 * exclusively (one tensor refers to each, allocated by this backend, never read by user code:
 * `NativeBackend.ownsExclusively`) writes the new values into them and returns no outputs; the
 * caller then has nothing to assign. Otherwise it returns the outputs as above. Updating in place
 * saves two fresh buffers per variable and a pass over memory (about a third of the time of the
 * chapter-2 network's RMSprop update).
 *
 * @packageDocumentation
 */
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend';
import { nativeKernel, output, type NativeKernelArgs } from './kernel_util';

/**
 * Kernel name of the fused RMSprop update (see the module documentation for its inputs).
 *
 * @example
 * ```ts
 * const [w, v] = tf.engine().runKernel(APPLY_RMSPROP, { variable, gradient, velocity }, { learningRate: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7 }) as tf.Tensor[];
 * ```
 */
export const APPLY_RMSPROP = 'DltsApplyRMSprop';
/**
 * Kernel name of the fused Adam update.
 *
 * @example
 * ```ts
 * const [w, m, v] = tf.engine().runKernel(APPLY_ADAM, { variable, gradient, m: m0, v: v0 }, { alpha, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }) as tf.Tensor[];
 * ```
 */
export const APPLY_ADAM = 'DltsApplyAdam';
/**
 * Kernel name of the fused SGD (momentum, Nesterov) update.
 *
 * @example
 * ```ts
 * const [w] = tf.engine().runKernel(APPLY_SGD, { variable, gradient }, { learningRate: 0.01, momentum: 0, nesterov: false }) as tf.Tensor[];
 * ```
 */
export const APPLY_SGD = 'DltsApplySGD';

/** The float32 values of `t` (copied into a Float32Array if stored otherwise), or null when absent. */
function values(backend: NativeBackend, t: TensorInfo | undefined, size: number, name: string): Float32Array | null {
  if (t === undefined) return null;
  const v = backend.data.get(t.dataId).values;
  if (t.dtype !== 'float32' || v == null || v.length !== size) {
    throw new Error(`@dlts/backend-native: ${name} must be a float32 tensor of ${size} values. Received: dtype=${t.dtype}, size=${v?.length}`);
  }
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

/**
 * The arrays to write: the targets' own (in place, when asked and every target is exclusively
 * owned) or fresh ones.
 */
function targetsOrFresh(backend: NativeBackend, attrs: NamedAttrMap, targets: (TensorInfo | undefined)[], n: number): { inPlace: boolean; out: (Float32Array | null)[] } {
  const present = targets.filter((t): t is TensorInfo => t !== undefined);
  if (attrs.inPlace === true && present.every((t) => t.dtype === 'float32' && backend.ownsExclusively(t.dataId))) {
    return { inPlace: true, out: targets.map((t) => (t === undefined ? null : (backend.data.get(t.dataId).values as Float32Array))) };
  }
  return { inPlace: false, out: targets.map((t) => (t === undefined ? null : backend.outputFloat32(n))) };
}

function outputs(backend: NativeBackend, shape: number[], arrays: (Float32Array | null)[]): TensorInfo[] {
  return arrays.filter((a): a is Float32Array => a !== null).map((a) => output(backend, shape, a));
}

/** `DltsApplyRMSprop` on the native backend. */
export const applyRMSpropConfig: KernelConfig = nativeKernel(APPLY_RMSPROP, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>) => {
  const shape = [...inputs.variable.shape];
  const n = backend.data.get(inputs.variable.dataId).values!.length;
  const [w, g, v, mom, avg] = (['variable', 'gradient', 'velocity', 'momentum', 'averageGradient'] as const).map((k) => values(backend, inputs[k], n, k));
  if (!w || !g || !v) throw new Error(`@dlts/backend-native: ${APPLY_RMSPROP} needs variable, gradient and velocity`);
  const { inPlace, out } = targetsOrFresh(backend, attrs, [inputs.variable, inputs.velocity, inputs.momentum, inputs.averageGradient], n);
  backend.addon.rmsprop(w, g, v, mom, avg, out[0]!, out[1]!, out[2], out[3], Number(attrs.learningRate), Number(attrs.rho), Number(attrs.momentum ?? 0), Number(attrs.epsilon));
  return inPlace ? [] : outputs(backend, shape, out);
});

/** `DltsApplyAdam` on the native backend. */
export const applyAdamConfig: KernelConfig = nativeKernel(APPLY_ADAM, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>) => {
  const shape = [...inputs.variable.shape];
  const n = backend.data.get(inputs.variable.dataId).values!.length;
  const [w, g, m, v, vhat] = (['variable', 'gradient', 'm', 'v', 'vhat'] as const).map((k) => values(backend, inputs[k], n, k));
  if (!w || !g || !m || !v) throw new Error(`@dlts/backend-native: ${APPLY_ADAM} needs variable, gradient, m and v`);
  const { inPlace, out } = targetsOrFresh(backend, attrs, [inputs.variable, inputs.m, inputs.v, inputs.vhat], n);
  backend.addon.adam(w, g, m, v, vhat, out[0]!, out[1]!, out[2]!, out[3], Number(attrs.alpha), Number(attrs.beta1), Number(attrs.beta2), Number(attrs.epsilon));
  return inPlace ? [] : outputs(backend, shape, out);
});

/** `DltsApplySGD` on the native backend. */
export const applySGDConfig: KernelConfig = nativeKernel(APPLY_SGD, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>) => {
  const shape = [...inputs.variable.shape];
  const n = backend.data.get(inputs.variable.dataId).values!.length;
  const [w, g, mom] = (['variable', 'gradient', 'momentum'] as const).map((k) => values(backend, inputs[k], n, k));
  if (!w || !g) throw new Error(`@dlts/backend-native: ${APPLY_SGD} needs variable and gradient`);
  const { inPlace, out } = targetsOrFresh(backend, attrs, [inputs.variable, inputs.momentum], n);
  backend.addon.sgd(w, g, mom, out[0]!, out[1], Number(attrs.learningRate), Number(attrs.momentum ?? 0), attrs.nesterov ? 1 : 0);
  return inPlace ? [] : outputs(backend, shape, out);
});
