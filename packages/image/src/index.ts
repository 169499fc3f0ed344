/**
 * @packageDocumentation
 * `@dlts/image`: image loading and saving (sharp + Pillow's exact resize filters), Keras's
 * `ImageDataGenerator` with Keras-exact augmentation (scipy's resampling, numpy's random draws
 * under a seed), `flowFromDirectory` / `flow` with prefetching, Keras 3's
 * `imageDatasetFromDirectory`, and the cats-vs-dogs data of the course.
 *
 * @example
 * ```ts
 * import { imageDataGenerator } from '@dlts/image';
 * const train = imageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory('small/train', {
 *   targetSize: [150, 150], batchSize: 20, classMode: 'binary',
 * });
 * await model.fit(train, { stepsPerEpoch: 100, epochs: 30 });
 * ```
 */

// Loading and saving
export { imageLoad, decodeImage, convertColor } from './io/image';
export type { DltsImage, ImageLoadOptions, ColorMode } from './io/image';
export { imageToArray, arrayToImage, saveImage } from './io/array';
export type { ArrayToImageOptions } from './io/array';
export { resizePixels, INTERPOLATIONS } from './io/resize';
export type { Interpolation, PixelBuffer, Box } from './io/resize';

// Augmentation
export { ImageDataGenerator, imageDataGenerator } from './generator/image_data_generator';
export type { GeneratorFitOptions } from './generator/image_data_generator';
export type { ImageDataGeneratorOptions } from './generator/options';
export type { TransformParams } from './generator/transform_params';
export { affineMatrix, affineTransformPixels } from './augment/affine';
export type { AffineParams, AffineMatrix } from './augment/affine';
export type { ScipyMode } from './augment/boundary';

// Flows
export { ImageIterator, generatorNext } from './flow/iterator';
export type { ImageBatch, IteratorOptions } from './flow/iterator';
export { DirectoryIterator } from './flow/directory_iterator';
export type { FlowFromDirectoryOptions, ClassMode } from './flow/directory_iterator';
export { NumpyArrayIterator } from './flow/numpy_array_iterator';
export type { FlowOptions } from './flow/numpy_array_iterator';

// Randomness
/** numpy's legacy `RandomState`, re-exported from @dlts/tensors (where it lives). */
export { NumpyRandomState } from '@dlts/tensors';

// Keras 3's dataset path
export { imageDatasetFromDirectory, ImageDataset } from './dataset/image_dataset';
export type { ImageDatasetOptions, LabelMode } from './dataset/image_dataset';

// The course's cats-vs-dogs data, and synthetic stand-ins
export { downloadCatsVsDogs, makeSmallCatsDogs, catsVsDogsDir, CATS_VS_DOGS_URL } from './datasets/cats_vs_dogs';
export type { DownloadCatsVsDogsOptions, CatsVsDogsData, SmallCatsDogsOptions, SmallCatsDogs, FetchFn } from './datasets/cats_vs_dogs';
export { writeSyntheticImages, makeSyntheticCatsDogs } from './datasets/synthetic';
export type { SyntheticImagesOptions, SyntheticCatsDogsOptions } from './datasets/synthetic';
export { extractZip, listZipMembers } from './datasets/zip_extract';
export type { ExtractResult, ZipMember } from './datasets/zip_extract';
