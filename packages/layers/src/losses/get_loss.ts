import { DltsError, received } from '@dlts/tensors';
import { LossFunctionWrapper, type Loss, type LossFn } from './loss';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy';
import { categoricalHinge, hinge, squaredHinge } from './hinge';
import { klDivergence, poisson } from './probabilistic';
import {
  cosineSimilarity,
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from './regression';
import { configToOptions, normalizeIdentifier, toSnakeCase } from './validate';

/** A serialised loss, as Keras writes it: `{className: 'Huber', config: {delta: 2}}`. */
export interface LossConfigObject {
  /** The Keras class name (or function name). */
  className: string;
  /** The Keras config (snake_case or camelCase keys). */
  config?: Record<string, unknown>;
}

/** Anything `getLoss` resolves. */
export type LossIdentifier = string | Loss | LossFn | LossConfigObject;

interface LossEntry {
  name: string;
  className: string;
  aliases: string[];
  create: (options: Record<string, unknown>) => Loss;
}

// The factories validate their own options, so unknown keys are reported there.
const ENTRIES: LossEntry[] = [
  { name: 'binary_crossentropy', className: 'BinaryCrossentropy', aliases: ['bce'], create: (o) => binaryCrossentropy(o) },
  { name: 'categorical_crossentropy', className: 'CategoricalCrossentropy', aliases: ['cce'], create: (o) => categoricalCrossentropy(o) },
  {
    name: 'sparse_categorical_crossentropy',
    className: 'SparseCategoricalCrossentropy',
    aliases: ['scce'],
    create: (o) => sparseCategoricalCrossentropy(o),
  },
  { name: 'mean_squared_error', className: 'MeanSquaredError', aliases: ['mse'], create: () => meanSquaredError() },
  { name: 'mean_absolute_error', className: 'MeanAbsoluteError', aliases: ['mae'], create: () => meanAbsoluteError() },
  {
    name: 'mean_absolute_percentage_error',
    className: 'MeanAbsolutePercentageError',
    aliases: ['mape'],
    create: () => meanAbsolutePercentageError(),
  },
  {
    name: 'mean_squared_logarithmic_error',
    className: 'MeanSquaredLogarithmicError',
    aliases: ['msle'],
    create: () => meanSquaredLogarithmicError(),
  },
  { name: 'huber', className: 'Huber', aliases: ['huber_loss'], create: (o) => huber(o) },
  { name: 'log_cosh', className: 'LogCosh', aliases: ['logcosh'], create: () => logCosh() },
  { name: 'poisson', className: 'Poisson', aliases: [], create: () => poisson() },
  {
    name: 'kl_divergence',
    className: 'KLDivergence',
    aliases: ['kld', 'kullback_leibler_divergence'],
    create: () => klDivergence(),
  },
  { name: 'hinge', className: 'Hinge', aliases: [], create: () => hinge() },
  { name: 'squared_hinge', className: 'SquaredHinge', aliases: [], create: () => squaredHinge() },
  { name: 'categorical_hinge', className: 'CategoricalHinge', aliases: [], create: () => categoricalHinge() },
  { name: 'cosine_similarity', className: 'CosineSimilarity', aliases: [], create: (o) => cosineSimilarity(o) },
];

const BY_KEY = new Map<string, LossEntry>();
for (const entry of ENTRIES) {
  for (const key of [entry.name, entry.className, ...entry.aliases]) BY_KEY.set(normalizeIdentifier(key), entry);
}

/** The Keras loss names `getLoss` knows (snake_case; camelCase and class names work too). */
export const LOSS_NAMES: readonly string[] = ENTRIES.flatMap((e) => [e.name, ...e.aliases]);

/** Keras config keys that carry no meaning here: accepted when they hold their inert value. */
const INERT_KEYS: Record<string, (value: unknown) => boolean> = {
  name: () => true,
  reduction: (v) => v === null || v === undefined || v === 'sum_over_batch_size' || v === 'auto',
  dtype: (v) => v === null || v === undefined || v === 'float32',
  axis: (v) => v === null || v === undefined || v === -1,
};

/**
 * Resolves a loss the way Keras's `losses.get` does.
 *
 * Accepts a Keras name in either spelling (`'categorical_crossentropy'`,
 * `'categoricalCrossentropy'`, `'CategoricalCrossentropy'`) or an alias (`'mse'`, `'mae'`,
 * `'mape'`, `'msle'`, `'kld'`, `'kullback_leibler_divergence'`, `'huber_loss'`, `'logcosh'`,
 * `'bce'`); a `Loss` (returned as is); a plain per-sample function (wrapped, named after the
 * function in snake_case); or a serialised `{className, config}` with Keras config keys.
 *
 * @param identifier - the loss to resolve.
 * @returns the `Loss`.
 * @throws DltsError `DLTS_VALUE` for an unknown name (the message lists the known ones).
 * @example
 * ```ts
 * getLoss('mse').className;                                          // 'MeanSquaredError'
 * getLoss({ className: 'Huber', config: { delta: 2 } }).getConfig(); // {..., delta: 2}
 * ```
 */
export function getLoss(identifier: LossIdentifier): Loss {
  if (typeof identifier === 'string') return lookup(identifier).create({});
  if (typeof identifier === 'function') {
    const name = identifier.name ? toSnakeCase(identifier.name) : 'loss';
    return new LossFunctionWrapper(name, 'LossFunctionWrapper', identifier);
  }
  if (isLoss(identifier)) return identifier;
  if (identifier !== null && typeof identifier === 'object' && typeof identifier.className === 'string') {
    // Keras 3 serialises plain loss functions as {class_name: 'function', config: 'mean_squared_error'}.
    const config: unknown = identifier.config;
    if (identifier.className === 'function' && typeof config === 'string') return lookup(config).create({});
    const entry = lookup(identifier.className);
    return entry.create(configToOptions(`getLoss(${entry.className})`, identifier.config, INERT_KEYS));
  }
  throw new DltsError(
    'DLTS_VALUE',
    `getLoss: could not interpret loss identifier; expected a loss name, a Loss, a function or {className, config}. Received: identifier=${received(identifier)}`,
  );
}

function lookup(name: string): LossEntry {
  const entry = BY_KEY.get(normalizeIdentifier(name));
  if (!entry) {
    throw new DltsError(
      'DLTS_VALUE',
      `getLoss: unknown loss ${JSON.stringify(name)}; known losses: ${LOSS_NAMES.join(', ')}. Received: identifier=${received(name)}`,
    );
  }
  return entry;
}

function isLoss(x: unknown): x is Loss {
  const l = x as Loss;
  return (
    l !== null &&
    typeof l === 'object' &&
    typeof l.call === 'function' &&
    typeof l.name === 'string' &&
    typeof l.className === 'string' &&
    typeof l.getConfig === 'function'
  );
}
