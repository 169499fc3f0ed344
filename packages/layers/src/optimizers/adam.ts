import * as tf from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber } from '../losses/validate';
import { runFused } from './fused';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `adam`. */
export interface AdamOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default `0.9`. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default `0.999`. */
  beta2?: number;
  /** Added to `sqrt(v)` in the denominator. Default `1e-7`. */
  epsilon?: number;
  /** Use the AMSGrad variant (the running maximum of `v`). Default `false`. */
  amsgrad?: boolean;
}

/**
 * Keras's `Adam`: `m += (g - m)(1 - beta1)`; `v += (g^2 - v)(1 - beta2)`;
 * `alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)`; `w -= m * alpha / (sqrt(v) + epsilon)`
 * (Keras's epsilon placement, outside the bias correction). Slot groups: `[momentum, velocity]`,
 * `[velocity_hat]` (amsgrad).
 *
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 3e-4 });
 * ```
 */
export class Adam extends Optimizer {
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** The epsilon. */
  readonly epsilon: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;

  /** @param options - see `AdamOptions`. */
  constructor(options: AdamOptions = {}) {
    const fn = 'adam';
    const o = knownOptions(fn, options, ['beta1', 'beta2', 'epsilon', 'amsgrad']);
    const amsgrad = checkBoolean(fn, 'amsgrad', 'amsgrad', o.amsgrad ?? false);
    super('Adam', fn, o, 0.001, amsgrad ? [['momentum', 'velocity'], ['velocity_hat']] : [['momentum', 'velocity']]);
    this.beta1 = checkNumber(fn, 'beta_1', 'beta1', o.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber(fn, 'beta_2', 'beta2', o.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
    this.amsgrad = amsgrad;
  }

  protected applyStep(items: StepItem[], _lr: tf.Scalar, lrValue: number, step: number): void {
    const alphaValue = (lrValue * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step);
    const attrs = { alpha: alphaValue, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    items = items.filter(
      ({ variable, gradient, slots }) =>
        !runFused('DltsApplyAdam', { variable, gradient, m: slots[0], v: slots[1], vhat: this.amsgrad ? slots[2] : undefined }, attrs, [variable, ...slots]),
    );
    if (items.length === 0) return;
    const alpha = tf.scalar(alphaValue);
    const oneMinusBeta1 = this.constant(1 - this.beta1);
    const oneMinusBeta2 = this.constant(1 - this.beta2);
    const epsilon = this.constant(this.epsilon);
    for (const { variable, gradient, slots } of items) {
      const m = tf.add(slots[0], tf.mul(tf.sub(gradient, slots[0]), oneMinusBeta1));
      let v = tf.add(slots[1], tf.mul(tf.sub(tf.square(gradient), slots[1]), oneMinusBeta2));
      slots[0].assign(m);
      slots[1].assign(v);
      if (this.amsgrad) {
        v = tf.maximum(slots[2], v);
        slots[2].assign(v);
      }
      variable.assign(tf.sub(variable, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), epsilon))));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/**
 * Adam with Keras's defaults (`learningRate` 0.001, `beta1` 0.9, `beta2` 0.999, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `beta1`, `beta2`, `epsilon`, `amsgrad`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'categorical_crossentropy' });
 * ```
 */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}
