import * as tf from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber } from '../losses/validate';
import { runFused } from './fused';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `rmsprop`. */
export interface RMSpropOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** Discount of the moving average of squared gradients, in [0, 1]. Default `0.9`. */
  rho?: number;
  /** Momentum (>= 0). Default `0`. */
  momentum?: number;
  /** Added to the mean square before the root. Default `1e-7`. */
  epsilon?: number;
  /** Normalise by the variance estimate instead of the raw second moment. Default `false`. */
  centered?: boolean;
}

/**
 * Keras's `RMSprop`: `velocity = rho * velocity + (1 - rho) * g^2`;
 * `increment = lr * g / sqrt(velocity + epsilon)` (centered: `sqrt(velocity - avg_g^2 + epsilon)`);
 * with momentum `m`: `mom = m * mom + increment; w -= mom`, else `w -= increment`.
 * Slot groups: `[velocity]`, `[momentum]` (momentum > 0), `[average_gradient]` (centered).
 *
 * @example
 * ```ts
 * const opt = new RMSprop({ learningRate: 1e-4 });
 * ```
 */
export class RMSprop extends Optimizer {
  /** The discount factor. */
  readonly rho: number;
  /** The momentum. */
  readonly momentum: number;
  /** The epsilon. */
  readonly epsilon: number;
  /** Whether the gradients are centered. */
  readonly centered: boolean;

  /** @param options - see `RMSpropOptions`. */
  constructor(options: RMSpropOptions = {}) {
    const fn = 'rmsprop';
    const o = knownOptions(fn, options, ['rho', 'momentum', 'epsilon', 'centered']);
    const momentum = checkNumber(fn, 'momentum', 'momentum', o.momentum ?? 0, { min: 0 });
    const centered = checkBoolean(fn, 'centered', 'centered', o.centered ?? false);
    const groups: string[][] = [['velocity']];
    if (momentum > 0) groups.push(['momentum']);
    if (centered) groups.push(['average_gradient']);
    super('RMSprop', fn, o, 0.001, groups);
    this.rho = checkNumber(fn, 'rho', 'rho', o.rho ?? 0.9, { min: 0, max: 1 });
    this.momentum = momentum;
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
    this.centered = centered;
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar, lrValue: number): void {
    const attrs = { learningRate: lrValue, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
    items = items.filter(({ variable, gradient, slots }) => {
      const momentum = this.momentum > 0 ? slots[1] : undefined;
      const averageGradient = this.centered ? slots[this.momentum > 0 ? 2 : 1] : undefined;
      return !runFused('DltsApplyRMSprop', { variable, gradient, velocity: slots[0], momentum, averageGradient }, attrs, [variable, ...slots]);
    });
    if (items.length === 0) return;
    const rho = this.constant(this.rho);
    const oneMinusRho = this.constant(1 - this.rho);
    const epsilon = this.constant(this.epsilon);
    const momentum = this.momentum > 0 ? this.constant(this.momentum) : null;
    const momentumIndex = 1;
    const averageIndex = this.momentum > 0 ? 2 : 1;
    for (const { variable, gradient, slots } of items) {
      const velocity = tf.add(tf.mul(rho, slots[0]), tf.mul(oneMinusRho, tf.square(gradient)));
      slots[0].assign(velocity);
      let denominator: tf.Tensor;
      if (this.centered) {
        const average = tf.add(tf.mul(rho, slots[averageIndex]), tf.mul(oneMinusRho, gradient));
        slots[averageIndex].assign(average);
        denominator = tf.add(tf.sub(velocity, tf.square(average)), epsilon);
      } else {
        denominator = tf.add(velocity, epsilon);
      }
      const increment = tf.div(tf.mul(lr, gradient), tf.sqrt(denominator));
      if (momentum !== null) {
        const mom = tf.add(tf.mul(momentum, slots[momentumIndex]), increment);
        slots[momentumIndex].assign(mom);
        variable.assign(tf.sub(variable, mom));
      } else {
        variable.assign(tf.sub(variable, increment));
      }
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/**
 * RMSprop with Keras's defaults (`learningRate` 0.001, `rho` 0.9, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `rho`, `momentum`, `epsilon`, `centered`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * model.compile({ optimizer: rmsprop({ learningRate: 1e-4 }), loss: 'binary_crossentropy' });
 * ```
 */
export function rmsprop(options: RMSpropOptions = {}): RMSprop {
  return new RMSprop(options);
}
