/**
 * @packageDocumentation
 * `@dlts/zoo`: pretrained architectures with Keras's weights (VGG16, VGG19), a registry
 * (`getModel`, `listModels`), ImageNet preprocessing and decoding (`preprocessInput`,
 * `decodePredictions`), and the course's transfer-learning helpers (`extractFeatures`,
 * `freezeBase`, `fineTune`).
 *
 * @example
 * ```ts
 * import { vgg16 } from '@dlts/zoo';
 * const convBase = await vgg16({ weights: 'imagenet', includeTop: false, inputShape: [150, 150, 3] });
 * convBase.summary(); // Total params: 14,714,688
 * ```
 */

// Architectures
export { vgg16, vgg19, obtainInputShape, VGG16_WEIGHTS, VGG19_WEIGHTS } from './vgg';
export type { VggOptions, VggWeightFiles } from './vgg';

// Registry
export { getModel, getModelInfo, listModels } from './registry';
export type { ZooEntry } from './registry';

// Weight files
export { getZooFile } from './download';
export type { ZooFile, GetZooFileOptions, FetchLike } from './download';

// ImageNet pre- and post-processing
export { preprocessInput, IMAGENET_BGR_MEAN, IMAGENET_RGB_MEAN, IMAGENET_RGB_STD } from './preprocess_input';
export type { PreprocessInputOptions, PreprocessMode } from './preprocess_input';
export { decodePredictions, imagenetClassIndex, IMAGENET_CLASS_INDEX } from './decode_predictions';
export type { DecodedPrediction, DecodePredictionsOptions } from './decode_predictions';

// Transfer learning
export { extractFeatures } from './extract_features';
export type { ExtractedFeatures, FeatureBatch, BatchSource } from './extract_features';
export { trainableWeightCount, needsRecompile, freezeBase, fineTune } from './fine_tune';
export type { FineTuneOptions } from './fine_tune';
