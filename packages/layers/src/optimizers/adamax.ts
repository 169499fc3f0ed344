import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../losses/validate';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `adamax`. */
export interface AdamaxOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default `0.9`. */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1). Default `0.999`. */
  beta2?: number;
  /** Added to the norm in the denominator. Default `1e-7`. */
  epsilon?: number;
}

/**
 * Keras's `Adamax`: `m += (g - m)(1 - beta1)`; `u = max(beta2 u, |g|)`;
 * `w -= lr m / ((1 - beta1^t)(u + epsilon))`. Slots: `momentum`, `norm`.
 *
 * @example
 * ```ts
 * const opt = new Adamax({ learningRate: 2e-3 });
 * ```
 */
export class Adamax extends Optimizer {
  /** First-moment decay. */
  readonly beta1: number;
  /** Infinity-norm decay. */
  readonly beta2: number;
  /** The epsilon. */
  readonly epsilon: number;

  /** @param options - see `AdamaxOptions`. */
  constructor(options: AdamaxOptions = {}) {
    const fn = 'adamax';
    const o = knownOptions(fn, options, ['beta1', 'beta2', 'epsilon']);
    super('Adamax', fn, o, 0.001, [['momentum', 'norm']]);
    this.beta1 = checkNumber(fn, 'beta_1', 'beta1', o.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber(fn, 'beta_2', 'beta2', o.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar, _lrValue: number, step: number): void {
    const oneMinusBeta1Power = tf.scalar(1 - this.beta1 ** step);
    const oneMinusBeta1 = this.constant(1 - this.beta1);
    const beta2 = this.constant(this.beta2);
    const epsilon = this.constant(this.epsilon);
    for (const { variable, gradient, slots } of items) {
      const m = tf.add(slots[0], tf.mul(tf.sub(gradient, slots[0]), oneMinusBeta1));
      const u = tf.maximum(tf.mul(beta2, slots[1]), tf.abs(gradient));
      slots[0].assign(m);
      slots[1].assign(u);
      variable.assign(tf.sub(variable, tf.div(tf.mul(lr, m), tf.mul(oneMinusBeta1Power, tf.add(u, epsilon)))));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Adamax with Keras's defaults (`learningRate` 0.001, `beta1` 0.9, `beta2` 0.999, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `beta1`, `beta2`, `epsilon`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * const opt = adamax();
 * ```
 */
export function adamax(options: AdamaxOptions = {}): Adamax {
  return new Adamax(options);
}
