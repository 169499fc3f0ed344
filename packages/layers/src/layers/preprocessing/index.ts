/**
 * Keras 3's image preprocessing layers: `rescaling` (always active) and the random augmentation
 * layers, which transform only in training.
 */
export { Rescaling, rescaling } from './rescaling';
export type { RescalingArgs } from './rescaling';
export { RandomFlip, randomFlip } from './random_flip';
export type { RandomFlipArgs, FlipMode } from './random_flip';
export { RandomRotation, randomRotation } from './random_rotation';
export type { RandomRotationArgs } from './random_rotation';
export { RandomZoom, randomZoom } from './random_zoom';
export type { RandomZoomArgs } from './random_zoom';
export { RandomTranslation, randomTranslation } from './random_translation';
export type { RandomTranslationArgs } from './random_translation';
export { RandomContrast, randomContrast } from './random_contrast';
export type { RandomContrastArgs } from './random_contrast';
export { affineTransform, extendIndex } from './image_affine';
export type { FillMode, Interpolation as ImageInterpolation, Transform as ImageTransform } from './image_affine';
export type { RandomLayerArgs } from './base_random_layer';
