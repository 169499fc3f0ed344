import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../losses/validate';
import { Optimizer, knownOptions, type OptimizerOptions, type StepItem } from './optimizer';

/** Options of `ftrl`. */
export interface FtrlOptions extends OptimizerOptions {
  /** Default `0.001`. */
  learningRate?: number;
  /** How the learning rate decreases (<= 0). Default `-0.5`. */
  learningRatePower?: number;
  /** Starting value of the accumulators (>= 0). Default `0.1`. */
  initialAccumulatorValue?: number;
  /** L1 regularisation (>= 0). Default `0`. */
  l1RegularizationStrength?: number;
  /** L2 regularisation (>= 0). Default `0`. */
  l2RegularizationStrength?: number;
  /** L2 shrinkage regularisation (>= 0), applied to the gradient. Default `0`. */
  l2ShrinkageRegularizationStrength?: number;
  /** The beta of the FTRL paper (>= 0). Default `0`. */
  beta?: number;
}

/**
 * Keras's `Ftrl` (Follow The Regularized Leader, McMahan et al. 2013), exactly as Keras 3 updates:
 * with `p = learningRatePower`, `g' = g + 2 l2_shrinkage w`, `n' = n + g^2`:
 * `z += g' - (n'^(-p) - n^(-p)) / lr * w`; `quadratic = n'^(-p) / lr + 2 (l2 + beta / (2 lr))`;
 * `w = (clip(z, -l1, l1) - z) / quadratic`; `n = n'`. Slots: `accumulator` (starting at
 * `initialAccumulatorValue`), `linear`.
 *
 * @example
 * ```ts
 * const opt = new Ftrl({ learningRate: 0.05, l1RegularizationStrength: 0.001 });
 * ```
 */
export class Ftrl extends Optimizer {
  /** The learning-rate power. */
  readonly learningRatePower: number;
  /** The accumulators' starting value. */
  readonly initialAccumulatorValue: number;
  /** L1 strength. */
  readonly l1RegularizationStrength: number;
  /** L2 strength. */
  readonly l2RegularizationStrength: number;
  /** L2 shrinkage strength. */
  readonly l2ShrinkageRegularizationStrength: number;
  /** The beta. */
  readonly beta: number;

  /** @param options - see `FtrlOptions`. */
  constructor(options: FtrlOptions = {}) {
    const fn = 'ftrl';
    const o = knownOptions(fn, options, [
      'learningRatePower',
      'initialAccumulatorValue',
      'l1RegularizationStrength',
      'l2RegularizationStrength',
      'l2ShrinkageRegularizationStrength',
      'beta',
    ]);
    const initial = checkNumber(fn, 'initial_accumulator_value', 'initialAccumulatorValue', o.initialAccumulatorValue ?? 0.1, { min: 0 });
    super('Ftrl', fn, o, 0.001, [['accumulator', 'linear']]);
    this.initialAccumulatorValue = initial;
    this.learningRatePower = checkNumber(fn, 'learning_rate_power', 'learningRatePower', o.learningRatePower ?? -0.5, { max: 0 });
    this.l1RegularizationStrength = checkNumber(fn, 'l1_regularization_strength', 'l1RegularizationStrength', o.l1RegularizationStrength ?? 0, {
      min: 0,
    });
    this.l2RegularizationStrength = checkNumber(fn, 'l2_regularization_strength', 'l2RegularizationStrength', o.l2RegularizationStrength ?? 0, {
      min: 0,
    });
    this.l2ShrinkageRegularizationStrength = checkNumber(
      fn,
      'l2_shrinkage_regularization_strength',
      'l2ShrinkageRegularizationStrength',
      o.l2ShrinkageRegularizationStrength ?? 0,
      { min: 0 },
    );
    this.beta = checkNumber(fn, 'beta', 'beta', o.beta ?? 0, { min: 0 });
  }

  protected override slotInitialValue(slot: string): number {
    return slot === 'accumulator' ? this.initialAccumulatorValue : 0;
  }

  protected applyStep(items: StepItem[], lr: tf.Scalar, lrValue: number): void {
    const power = this.constant(-this.learningRatePower);
    const twiceL2Reg = tf.scalar(2 * (this.l2RegularizationStrength + this.beta / (2 * lrValue)));
    const shrinkage = this.l2ShrinkageRegularizationStrength;
    const l1 = this.l1RegularizationStrength;
    for (const { variable, gradient, slots } of items) {
      const [accum, linear] = slots;
      const gradToUse = shrinkage === 0 ? gradient : tf.add(gradient, tf.mul(this.constant(2 * shrinkage), variable));
      const newAccum = tf.add(accum, tf.square(gradient));
      const newAccumPow = tf.pow(newAccum, power);
      const newLinear = tf.add(linear, tf.sub(gradToUse, tf.mul(tf.div(tf.sub(newAccumPow, tf.pow(accum, power)), lr), variable)));
      linear.assign(newLinear);
      const quadratic = tf.add(tf.div(newAccumPow, lr), twiceL2Reg);
      const linearClipped = tf.clipByValue(newLinear, -l1, l1);
      variable.assign(tf.div(tf.sub(linearClipped, newLinear), quadratic));
      accum.assign(newAccum);
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return {
      learning_rate_power: this.learningRatePower,
      initial_accumulator_value: this.initialAccumulatorValue,
      l1_regularization_strength: this.l1RegularizationStrength,
      l2_regularization_strength: this.l2RegularizationStrength,
      l2_shrinkage_regularization_strength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }
}

/**
 * FTRL with Keras's defaults (`learningRate` 0.001, `learningRatePower` -0.5,
 * `initialAccumulatorValue` 0.1, no regularisation).
 * @param options - see `FtrlOptions`, plus clipping options and `name`.
 * @returns the optimizer.
 * @example
 * ```ts
 * const opt = ftrl({ learningRate: 0.05 });
 * ```
 */
export function ftrl(options: FtrlOptions = {}): Ftrl {
  return new Ftrl(options);
}
