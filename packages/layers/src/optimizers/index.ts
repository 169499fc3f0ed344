/**
 * Optimizers: Keras's optimizers (formulas, defaults, clipping, config) on tfjs variables.
 * @packageDocumentation
 */
export { Optimizer } from './optimizer';
export type { OptimizerOptions, GradientPair, StepItem } from './optimizer';
export { SGD, sgd } from './sgd';
export type { SGDOptions } from './sgd';
export { RMSprop, rmsprop } from './rmsprop';
export type { RMSpropOptions } from './rmsprop';
export { Adam, adam } from './adam';
export type { AdamOptions } from './adam';
export { Adagrad, adagrad } from './adagrad';
export type { AdagradOptions } from './adagrad';
export { Adadelta, adadelta } from './adadelta';
export type { AdadeltaOptions } from './adadelta';
export { Adamax, adamax } from './adamax';
export type { AdamaxOptions } from './adamax';
export { Nadam, nadam } from './nadam';
export type { NadamOptions } from './nadam';
export { Ftrl, ftrl } from './ftrl';
export type { FtrlOptions } from './ftrl';
export { getOptimizer, OPTIMIZER_NAMES } from './get_optimizer';
export type { OptimizerIdentifier, OptimizerConfigObject } from './get_optimizer';
