import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../losses/validate';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `nadam`. */
export interface NadamOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default `0.9`. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default `0.999`. */
  beta2?: number;
  /** Added to `sqrt(v_hat)`. Default `1e-7`. */
  epsilon?: number;
}

/**
 * Keras's `Nadam` (Adam with Nesterov momentum and the momentum schedule of Dozat 2016):
 * `u_t = beta1 (1 - 0.5 * 0.96^t)`, `u_{t+1} = beta1 (1 - 0.5 * 0.96^(t+1))`, the running product
 * `u_product *= u_t` (kept across steps); `m += (g - m)(1 - beta1)`; `v += (g^2 - v)(1 - beta2)`;
 * `m_hat = u_{t+1} m / (1 - u_product u_{t+1}) + (1 - u_t) g / (1 - u_product)`;
 * `v_hat = v / (1 - beta2^t)`; `w -= lr m_hat / (sqrt(v_hat) + epsilon)`.
 * Slots: `momentum`, `velocity`; extra state: `u_product` (saved after the slots).
 *
 * @example
 * ```ts
 * const opt = new Nadam({ learningRate: 2e-3 });
 * ```
 */
export class Nadam extends Optimizer {
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** The epsilon. */
  readonly epsilon: number;
  /** Keras's `u_product`: the product of the momentum schedule so far. */
  private uProduct: number;

  /** @param options - see `NadamOptions`. */
  constructor(options: NadamOptions = {}) {
    const fn = 'nadam';
    const o = knownOptions(fn, options, ['beta1', 'beta2', 'epsilon']);
    super('Nadam', fn, o, 0.001, [['momentum', 'velocity']]);
    this.beta1 = checkNumber(fn, 'beta_1', 'beta1', o.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber(fn, 'beta_2', 'beta2', o.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
    this.uProduct = 1;
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar, _lrValue: number, step: number): void {
    const b1 = this.beta1;
    const uT = b1 * (1 - 0.5 * 0.96 ** step);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (step + 1));
    this.uProduct *= uT; // Keras updates u_product before the variable updates of the step.
    const uProductT = this.uProduct;
    const uProductT1 = uProductT * uT1;
    const mScale = tf.scalar(uT1 / (1 - uProductT1));
    const gScale = tf.scalar((1 - uT) / (1 - uProductT));
    const vScale = tf.scalar(1 / (1 - this.beta2 ** step));
    const oneMinusBeta1 = this.constant(1 - b1);
    const oneMinusBeta2 = this.constant(1 - this.beta2);
    const epsilon = this.constant(this.epsilon);
    for (const { variable, gradient, slots } of items) {
      const m = tf.add(slots[0], tf.mul(tf.sub(gradient, slots[0]), oneMinusBeta1));
      const v = tf.add(slots[1], tf.mul(tf.sub(tf.square(gradient), slots[1]), oneMinusBeta2));
      slots[0].assign(m);
      slots[1].assign(v);
      const mHat = tf.add(tf.mul(m, mScale), tf.mul(gradient, gScale));
      const vHat = tf.mul(v, vScale);
      variable.assign(tf.sub(variable, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), epsilon))));
    }
  }

  protected override getExtraState(): number[] {
    return [this.uProduct];
  }

  protected override setExtraState(values: number[]): void {
    if (values.length > 0) this.uProduct = values[0];
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Nadam with Keras's defaults (`learningRate` 0.001, `beta1` 0.9, `beta2` 0.999, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `beta1`, `beta2`, `epsilon`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * const opt = nadam();
 * ```
 */
export function nadam(options: NadamOptions = {}): Nadam {
  return new Nadam(options);
}
