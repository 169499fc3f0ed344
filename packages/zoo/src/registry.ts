import { DltsError, received } from '@dlts/tensors';
import type { Model } from '@dlts/layers';
import type { ZooFile } from './download';
import type { PreprocessMode } from './preprocess_input';
import { vgg16, vgg19, VGG16_WEIGHTS, VGG19_WEIGHTS, type VggOptions } from './vgg';

/** What the zoo knows about one pretrained architecture (in the spirit of torchvision's `WeightsEnum`). */
export interface ZooEntry {
  /** Registry name, e.g. `'vgg16'`. */
  name: string;
  /** Builds the model (with or without the pretrained weights, per the options). */
  builder: (options?: VggOptions) => Promise<Model>;
  /** The pretrained weight files: with the classifier (`top`) and without (`notop`). */
  weights: { imagenet: { top: ZooFile; notop: ZooFile } };
  /** Default input size with the top, `[height, width, channels]`. */
  inputSize: [number, number, number];
  /** Smallest height/width accepted without the top. */
  minInputSize: number;
  /** The `preprocessInput` mode the weights expect. */
  preprocessing: PreprocessMode;
  /** What the top classifies: the 1000 ImageNet classes (names via `decodePredictions`). */
  classes: { dataset: 'imagenet'; count: 1000 };
  /** Parameter counts with and without the top. */
  params: { top: number; notop: number };
  /** The paper. */
  reference: string;
}

const REGISTRY = new Map<string, ZooEntry>([
  [
    'vgg16',
    {
      name: 'vgg16',
      builder: vgg16,
      weights: { imagenet: VGG16_WEIGHTS },
      inputSize: [224, 224, 3],
      minInputSize: 32,
      preprocessing: 'caffe',
      classes: { dataset: 'imagenet', count: 1000 },
      params: { top: 138357544, notop: 14714688 },
      reference: 'Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition (ICLR 2015)',
    },
  ],
  [
    'vgg19',
    {
      name: 'vgg19',
      builder: vgg19,
      weights: { imagenet: VGG19_WEIGHTS },
      inputSize: [224, 224, 3],
      minInputSize: 32,
      preprocessing: 'caffe',
      classes: { dataset: 'imagenet', count: 1000 },
      params: { top: 143667240, notop: 20024384 },
      reference: 'Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition (ICLR 2015)',
    },
  ],
]);

/**
 * The names of the models in the zoo.
 *
 * @returns the registry names, e.g. `['vgg16', 'vgg19']`.
 * @throws never.
 * @example
 * ```ts
 * listModels(); // ['vgg16', 'vgg19']
 * ```
 */
export function listModels(): string[] {
  return [...REGISTRY.keys()];
}

/**
 * The registry entry of a model: builder, weight files (URL, hash, size), input size,
 * preprocessing, classes, parameter counts.
 *
 * @param name - a name from {@link listModels} (case-insensitive).
 * @returns the entry.
 * @throws DltsError `DLTS_VALUE` for an unknown name (the message lists the known ones).
 * @example
 * ```ts
 * getModelInfo('vgg16').weights.imagenet.notop.url;
 * ```
 */
export function getModelInfo(name: string): ZooEntry {
  const entry = typeof name === 'string' ? REGISTRY.get(name.toLowerCase()) : undefined;
  if (!entry) {
    throw new DltsError('DLTS_VALUE', `getModel: unknown model (the zoo has ${listModels().join(', ')}). Received: name=${received(name)}`);
  }
  return entry;
}

/**
 * Builds a model of the zoo by name (`getModel('vgg16', {includeTop: false})` is `vgg16({...})`).
 *
 * @param name - a name from {@link listModels}.
 * @param options - the builder's options (see `vgg16`).
 * @returns a Promise of the model.
 * @throws DltsError `DLTS_VALUE` for an unknown name; what the builder throws.
 * @example
 * ```ts
 * const convBase = await getModel('vgg16', { weights: 'imagenet', includeTop: false, inputShape: [150, 150, 3] });
 * ```
 */
export function getModel(name: string, options: VggOptions = {}): Promise<Model> {
  return getModelInfo(name).builder(options);
}
