import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../losses/validate';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `adagrad`. */
export interface AdagradOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** Starting value of the accumulators (>= 0). Default `0.1`. */
  initialAccumulatorValue?: number;
  /** Added to the accumulator before the root. Default `1e-7`. */
  epsilon?: number;
}

/**
 * Keras's `Adagrad`: `acc += g^2`; `w -= lr * g / sqrt(acc + epsilon)`.
 * Slot: `accumulator` (starting at `initialAccumulatorValue`).
 *
 * @example
 * ```ts
 * const opt = new Adagrad({ learningRate: 0.01 });
 * ```
 */
export class Adagrad extends Optimizer {
  /** The accumulators' starting value. */
  readonly initialAccumulatorValue: number;
  /** The epsilon. */
  readonly epsilon: number;

  /** @param options - see `AdagradOptions`. */
  constructor(options: AdagradOptions = {}) {
    const fn = 'adagrad';
    const o = knownOptions(fn, options, ['initialAccumulatorValue', 'epsilon']);
    const initial = checkNumber(fn, 'initial_accumulator_value', 'initialAccumulatorValue', o.initialAccumulatorValue ?? 0.1, { min: 0 });
    super('Adagrad', fn, o, 0.001, [['accumulator']]);
    this.initialAccumulatorValue = initial;
    this.epsilon = checkNumber(fn, 'epsilon', 'epsilon', o.epsilon ?? 1e-7, { min: 0 });
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar): void {
    const epsilon = this.constant(this.epsilon);
    for (const { variable, gradient, slots } of items) {
      const acc = tf.add(slots[0], tf.square(gradient));
      slots[0].assign(acc);
      variable.assign(tf.sub(variable, tf.div(tf.mul(lr, gradient), tf.sqrt(tf.add(acc, epsilon)))));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/**
 * Adagrad with Keras's defaults (`learningRate` 0.001, `initialAccumulatorValue` 0.1, `epsilon` 1e-7).
 * @param options - `learningRate` (or `lr`), `initialAccumulatorValue`, `epsilon`, clipping options, `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * const opt = adagrad({ learningRate: 0.01 });
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}
