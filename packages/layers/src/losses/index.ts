/**
 * Losses: Keras's loss functions as per-sample `Loss` objects (the engine reduces over the batch).
 * @packageDocumentation
 */
export { LossFunctionWrapper } from './loss';
export type { Loss, LossFn } from './loss';
export { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy';
export type { CrossentropyOptions, SparseCategoricalCrossentropyOptions } from './crossentropy';
export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  huber,
  logCosh,
  cosineSimilarity,
} from './regression';
export type { HuberOptions, CosineSimilarityOptions } from './regression';
export { hinge, squaredHinge, categoricalHinge } from './hinge';
export { poisson, klDivergence } from './probabilistic';
export { getLoss, LOSS_NAMES } from './get_loss';
export type { LossIdentifier, LossConfigObject } from './get_loss';
export { squeezeOrExpandToSameRank } from './same_rank';
