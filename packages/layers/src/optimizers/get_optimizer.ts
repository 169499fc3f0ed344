import { DltsError, received } from '@dlts/tensors';
import { configToOptions, normalizeIdentifier } from '../losses/validate';
import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Adamax } from './adamax';
import { Ftrl } from './ftrl';
import { Nadam } from './nadam';
import { Optimizer } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

/** A serialised optimizer, as Keras writes it: `{className: 'RMSprop', config: {learning_rate: 1e-4}}`. */
export interface OptimizerConfigObject {
  /** The Keras class name (case-insensitive). */
  className: string;
  /** The Keras config (snake_case or camelCase keys). */
  config?: Record<string, unknown>;
}

/** Anything `getOptimizer` resolves. */
export type OptimizerIdentifier = string | Optimizer | OptimizerConfigObject;

/** Options rebuilt from a config; each constructor checks its own keys. */
type AnyOptions = Record<string, unknown>;

const FACTORIES: Record<string, { className: string; create: (options: AnyOptions) => Optimizer }> = {
  sgd: { className: 'SGD', create: (o) => new SGD(o as ConstructorParameters<typeof SGD>[0]) },
  rmsprop: { className: 'RMSprop', create: (o) => new RMSprop(o as ConstructorParameters<typeof RMSprop>[0]) },
  adam: { className: 'Adam', create: (o) => new Adam(o as ConstructorParameters<typeof Adam>[0]) },
  adagrad: { className: 'Adagrad', create: (o) => new Adagrad(o as ConstructorParameters<typeof Adagrad>[0]) },
  adadelta: { className: 'Adadelta', create: (o) => new Adadelta(o as ConstructorParameters<typeof Adadelta>[0]) },
  adamax: { className: 'Adamax', create: (o) => new Adamax(o as ConstructorParameters<typeof Adamax>[0]) },
  nadam: { className: 'Nadam', create: (o) => new Nadam(o as ConstructorParameters<typeof Nadam>[0]) },
  ftrl: { className: 'Ftrl', create: (o) => new Ftrl(o as ConstructorParameters<typeof Ftrl>[0]) },
};

/** The optimizer names `getOptimizer` knows (case-insensitive). */
export const OPTIMIZER_NAMES: readonly string[] = Object.keys(FACTORIES);

/** Keras base-optimizer config keys dlts accepts only at their inert values. */
const INERT_KEYS: Record<string, (value: unknown) => boolean> = {
  weight_decay: (v) => v === null || v === undefined || v === 0,
  use_ema: (v) => v === null || v === undefined || v === false,
  ema_momentum: () => true,
  ema_overwrite_frequency: (v) => v === null || v === undefined,
  loss_scale_factor: (v) => v === null || v === undefined || v === 1,
  gradient_accumulation_steps: (v) => v === null || v === undefined || v === 1,
  jit_compile: () => true,
  is_legacy_optimizer: (v) => v === null || v === undefined || v === false,
  decay: (v) => v === null || v === undefined || v === 0,
};

/**
 * Resolves an optimizer the way Keras's `optimizers.get` does: a name (case-insensitive:
 * `'rmsprop'`, `'RMSprop'`, `'RMSProp'`, `'sgd'`, `'adam'`, `'adagrad'`, `'adadelta'`,
 * `'adamax'`, `'nadam'`, `'ftrl'`) gives the optimizer with Keras's defaults; an `Optimizer` is
 * returned as is; a serialised `{className, config}` (Keras keys such as `learning_rate`,
 * `beta_1`, `global_clipnorm`; camelCase works too) is rebuilt.
 *
 * @param identifier - the optimizer to resolve.
 * @returns the optimizer.
 * @throws DltsError `DLTS_VALUE` for an unknown name (the message lists the known ones),
 *   `DLTS_UNSUPPORTED` for Keras features dlts lacks (weight decay, EMA, schedules, ...).
 * @example
 * ```ts
 * getOptimizer('rmsprop').getConfig().learning_rate;                           // 0.001
 * getOptimizer({ className: 'Adam', config: { learning_rate: 1e-4, beta_1: 0.8 } });
 * ```
 */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') return lookup(identifier).create({});
  if (identifier !== null && typeof identifier === 'object' && typeof identifier.className === 'string') {
    const entry = lookup(identifier.className);
    const where = `getOptimizer(${entry.className})`;
    const lr = identifier.config?.learning_rate ?? identifier.config?.learningRate;
    if (lr !== null && typeof lr === 'object') {
      throw new DltsError(
        'DLTS_UNSUPPORTED',
        `${where}: learning-rate schedules are not supported; use a number and a LearningRateScheduler callback. Received: learning_rate=${received(lr)}`,
      );
    }
    return entry.create(configToOptions(where, identifier.config, INERT_KEYS));
  }
  throw new DltsError(
    'DLTS_VALUE',
    `getOptimizer: could not interpret optimizer identifier; expected a name, an Optimizer or {className, config}. Received: identifier=${received(identifier)}`,
  );
}

function lookup(name: string): { className: string; create: (options: AnyOptions) => Optimizer } {
  const entry = FACTORIES[normalizeIdentifier(name)];
  if (!entry) {
    throw new DltsError(
      'DLTS_VALUE',
      `getOptimizer: unknown optimizer ${JSON.stringify(name)}; known optimizers: ${OPTIMIZER_NAMES.join(', ')}. Received: identifier=${received(name)}`,
    );
  }
  return entry;
}
