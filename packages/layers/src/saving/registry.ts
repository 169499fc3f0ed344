import { DltsError, received } from '@dlts/tensors';
import { InputLayer } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import { Activation } from '../layers/activation';
import { BatchNormalization } from '../layers/batch_normalization';
import { Conv2D } from '../layers/conv2d';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { Embedding } from '../layers/embedding';
import { Flatten } from '../layers/flatten';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from '../layers/global_pooling2d';
import { AveragePooling2D, MaxPooling2D } from '../layers/pooling2d';
import { Reshape } from '../layers/reshape';
import { RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Rescaling } from '../layers/preprocessing/index';

/** A layer class that can be rebuilt from its Keras config. */
export type LayerClass = (new (args: never) => Layer) & { className: string };

/** Keras class name -> layer class, for loading saved models. One explicit list, no side effects. */
const REGISTRY = new Map<string, LayerClass>(
  (
    [
      InputLayer,
      Dense,
      Conv2D,
      MaxPooling2D,
      AveragePooling2D,
      GlobalAveragePooling2D,
      GlobalMaxPooling2D,
      Flatten,
      Dropout,
      Activation,
      Reshape,
      BatchNormalization,
      Embedding,
      Rescaling,
      RandomFlip,
      RandomRotation,
      RandomZoom,
      RandomTranslation,
      RandomContrast,
    ] as LayerClass[]
  ).map((cls) => [cls.className, cls]),
);

/** Aliases Keras has used for the same classes. */
const ALIASES: Record<string, string> = {
  Convolution2D: 'Conv2D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/**
 * Makes a custom layer class loadable by `loadModel` (Keras's `register_keras_serializable`).
 * The class's constructor receives the saved config with keys in camelCase.
 *
 * @example
 * ```ts
 * class Scale extends Layer { static override className = 'Scale'; ... }
 * registerLayer(Scale);
 * ```
 */
export function registerLayer(cls: LayerClass): void {
  if (!cls.className || cls.className === 'Layer') {
    throw new DltsError('DLTS_VALUE', `registerLayer: the class needs a static className. Received: ${received(cls.className)}`);
  }
  REGISTRY.set(cls.className, cls);
}

/** The layer class for a Keras class name, or undefined. */
export function layerClass(className: string): LayerClass | undefined {
  return REGISTRY.get(ALIASES[className] ?? className);
}

/**
 * Names of the registered layer classes.
 *
 * @example
 * ```ts
 * import { registeredLayers } from '@dlts/layers';
 * registeredLayers(); // ['InputLayer', 'Dense', 'Conv2D', 'MaxPooling2D', ...]
 * registeredLayers().includes('Conv2D'); // true
 * ```
 */
export function registeredLayers(): string[] {
  return [...REGISTRY.keys()];
}
