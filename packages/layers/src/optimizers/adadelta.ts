import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../losses/validate';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `adadelta`. */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Default `0.001` (Keras 3). */
  learningRate?: number;
  /** Decay rate, in [0, 1]. Default `0.95`. */
  rho?: number;
  /** Added inside the roots. Default `1e-7`. */
  epsilon?: number;
}

/**
 * Keras's `Adadelta`: `accG = rho accG + (1 - rho) g^2`;
 * `delta = -sqrt(accD + eps) g / sqrt(accG + eps)`; `accD = rho accD + (1 - rho) delta^2`;
 * `w += lr * delta`. Slots: `accumulated_grad`, `accumulated_delta_var`.
 *
 * @example
 * ```ts
 * const opt = new Adadelta({ learningRate: 1 });
 * ```
 */
export class Adadelta extends Optimizer {
  /** The decay rate. */
  readonly rho: number;
  /** The epsilon. */
  readonly epsilon: number;

  /** @param options - see `AdadeltaOptions`. */
  constructor(options: AdadeltaOptions = {}) {
    const fn = 'adadelta';
    const o = knownOptions(fn, options, ['rho', 'epsilon']);
    super('Adadelta', fn, o, 0.001, [['accumulated_grad', 'accumulated_delta_var']]);
    this.rho = checkNumber(fn, 'rho', 'rho', o.rho ?? 0.95, { min: 0, max: 1 });
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar): void {
    const rho = this.constant(this.rho);
    const oneMinusRho = this.constant(1 - this.rho);
    const epsilon = this.constant(this.epsilon);
    for (const { variable, gradient, slots } of items) {
      const [accGrad, accDelta] = slots;
      const newAccGrad = tf.add(tf.mul(rho, accGrad), tf.mul(oneMinusRho, tf.square(gradient)));
      accGrad.assign(newAccGrad);
      const delta = tf.neg(tf.div(tf.mul(tf.sqrt(tf.add(accDelta, epsilon)), gradient), tf.sqrt(tf.add(newAccGrad, epsilon))));
      accDelta.assign(tf.add(tf.mul(rho, accDelta), tf.mul(oneMinusRho, tf.square(delta))));
      variable.assign(tf.add(variable, tf.mul(lr, delta)));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

/**
 * Adadelta with Keras's defaults (`learningRate` 0.001, `rho` 0.95, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `rho`, `epsilon`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * const opt = adadelta({ learningRate: 1.0 });
 * ```
 */
export function adadelta(options: AdadeltaOptions = {}): Adadelta {
  return new Adadelta(options);
}
