import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';

/**
 * A weight penalty added to the training loss (Keras's `Regularizer`).
 */
export interface Regularizer {
  /** Keras class name: `L1`, `L2` or `L1L2`. */
  readonly className: string;
  /** The penalty for one weight, a scalar. */
  apply(weight: tf.Tensor): tf.Scalar;
  /** Keras config (`{l1, l2}`). */
  getConfig(): Record<string, number>;
}

function make(className: string, l1: number, l2: number, fn: string): Regularizer {
  for (const [name, value] of [
    ['l1', l1],
    ['l2', l2],
  ] as const) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${name} must be a non-negative number. Received: ${name}=${received(value)}`);
    }
  }
  return {
    className,
    apply(weight: tf.Tensor): tf.Scalar {
      return tf.tidy(() => {
        let penalty: tf.Scalar = tf.scalar(0);
        if (l1 > 0) penalty = tf.add(penalty, tf.mul(tf.sum(tf.abs(weight)), l1));
        if (l2 > 0) penalty = tf.add(penalty, tf.mul(tf.sum(tf.square(weight)), l2));
        return penalty;
      });
    },
    getConfig: (): Record<string, number> => (className === 'L1' ? { l1 } : className === 'L2' ? { l2 } : { l1, l2 }),
  };
}

/**
 * L1 penalty `l1 * sum(|w|)` (R: `regularizer_l1(l = 0.01)`).
 * @example
 * ```ts
 * dense({ units: 16, kernelRegularizer: l1(0.001) });
 * ```
 */
export function l1(l1 = 0.01): Regularizer {
  return make('L1', l1, 0, 'l1');
}

/**
 * L2 penalty `l2 * sum(w^2)` (R: `regularizer_l2(l = 0.01)`; note Keras has no factor 1/2).
 * @example
 * ```ts
 * dense({ units: 16, kernelRegularizer: l2(0.001) });
 * ```
 */
export function l2(l2 = 0.01): Regularizer {
  return make('L2', 0, l2, 'l2');
}

/**
 * L1 and L2 penalties together (R: `regularizer_l1_l2(l1 = 0.01, l2 = 0.01)`).
 * @example
 * ```ts
 * dense({ units: 16, kernelRegularizer: l1l2({ l1: 0.001, l2: 0.001 }) });
 * ```
 */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  return make('L1L2', options.l1 ?? 0.01, options.l2 ?? 0.01, 'l1l2');
}

/** Accepted wherever a layer takes a regularizer: an object, a Keras name, or a serialized config. */
export type RegularizerIdentifier = Regularizer | 'l1' | 'l2' | 'l1_l2' | 'l1l2' | { className: string; config?: Record<string, number> };

/**
 * Resolves a regularizer identifier (`'l2'`, `{className: 'L2', config: {l2: 0.01}}`, or an object).
 *
 * @example
 * ```ts
 * import { getRegularizer, l2 } from '@dlts/layers';
 * getRegularizer('l2')?.getConfig(); // { l2: 0.01 }
 * getRegularizer({ className: 'L1L2', config: { l1: 0.001 } })?.getConfig(); // { l1: 0.001, l2: 0 }
 * getRegularizer(l2(0.001)); // the same object
 * getRegularizer(null); // undefined
 * ```
 */
export function getRegularizer(identifier: RegularizerIdentifier | null | undefined): Regularizer | undefined {
  if (identifier === null || identifier === undefined) return undefined;
  if (typeof identifier === 'string') {
    switch (identifier.toLowerCase()) {
      case 'l1':
        return l1();
      case 'l2':
        return l2();
      case 'l1_l2':
      case 'l1l2':
        return l1l2();
    }
    throw new DltsError('DLTS_VALUE', `getRegularizer: unknown regularizer. Received: ${received(identifier)}`);
  }
  if ('apply' in identifier) return identifier;
  const config = identifier.config ?? {};
  switch (identifier.className) {
    case 'L1':
    case 'l1':
      return l1(config.l1 ?? 0.01);
    case 'L2':
    case 'l2':
      return l2(config.l2 ?? 0.01);
    case 'L1L2':
    case 'l1_l2':
      return l1l2({ l1: config.l1 ?? 0, l2: config.l2 ?? 0 });
  }
  throw new DltsError('DLTS_VALUE', `getRegularizer: unknown regularizer class. Received: ${received(identifier.className)}`);
}

/** Serializes a regularizer as Keras does: `{class_name, config}`, or null. */
export function serializeRegularizer(r: Regularizer | undefined): { class_name: string; config: Record<string, number> } | null {
  return r ? { class_name: r.className, config: r.getConfig() } : null;
}
