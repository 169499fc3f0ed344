import * as tf from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber } from '../losses/validate';
import { runFused } from './fused';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `sgd`. */
export interface SGDOptions extends OptimizerOptions {
  /** Default `0.01`. */
  learningRate?: number;
  /** Momentum in [0, 1]: 0 is plain gradient descent. Default `0`. */
  momentum?: number;
  /** Use Nesterov momentum. Default `false`. */
  nesterov?: boolean;
}

/**
 * Keras's `SGD`: gradient descent, with optional (Nesterov) momentum. With momentum `m`:
 * `velocity = m * velocity - lr * g`; `w += velocity` (Nesterov: `w += m * velocity - lr * g`).
 * Slot: `momentum` (only when momentum is not 0).
 *
 * @example
 * ```ts
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer {
  /** The momentum. */
  readonly momentum: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;

  /** @param options - see `SGDOptions`. */
  constructor(options: SGDOptions = {}) {
    const o = knownOptions('sgd', options, ['momentum', 'nesterov']);
    const momentum = checkNumber('sgd', 'momentum', 'momentum', o.momentum ?? 0, { min: 0, max: 1 });
    super('SGD', 'sgd', o, 0.01, momentum !== 0 ? [['momentum']] : []);
    this.momentum = momentum;
    this.nesterov = checkBoolean('sgd', 'nesterov', 'nesterov', o.nesterov ?? false);
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar, lrValue: number): void {
    const attrs = { learningRate: lrValue, momentum: this.momentum, nesterov: this.nesterov };
    items = items.filter(
      ({ variable, gradient, slots }) =>
        !runFused('DltsApplySGD', { variable, gradient, momentum: this.momentum > 0 ? slots[0] : undefined }, attrs, [variable, ...slots]),
    );
    if (items.length === 0) return;
    const momentum = this.momentum === 0 ? null : this.constant(this.momentum);
    for (const { variable, gradient, slots } of items) {
      const step = tf.mul(gradient, lr);
      if (momentum === null) {
        variable.assign(tf.sub(variable, step));
        continue;
      }
      const m = slots[0];
      const velocity = tf.sub(tf.mul(m, momentum), step);
      m.assign(velocity);
      variable.assign(tf.add(variable, this.nesterov ? tf.sub(tf.mul(velocity, momentum), step) : velocity));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Stochastic gradient descent with Keras's defaults (`learningRate` 0.01, no momentum).
 * @param options - `learningRate` (or `lr`), `momentum`, `nesterov`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * model.compile({ optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }), loss: 'mse' });
 * ```
 */
export function sgd(options: SGDOptions = {}): SGD {
  return new SGD(options);
}
