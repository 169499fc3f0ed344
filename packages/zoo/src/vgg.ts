import { existsSync } from 'node:fs';
import { DltsError, received } from '@dlts/tensors';
import {
  conv2d,
  dense,
  flatten,
  getActivation,
  globalAveragePooling2d,
  globalMaxPooling2d,
  input,
  loadWeightsHdf5,
  maxPooling2d,
  model,
  type Model,
  type SymbolicTensor,
} from '@dlts/layers';
import { getZooFile, type FetchLike, type ZooFile } from './download';

/** Options of {@link vgg16} and {@link vgg19} (Keras's `VGG16(...)` arguments, camelCased). */
export interface VggOptions {
  /** Include the three fully-connected layers at the top (`flatten`, `fc1`, `fc2`, `predictions`). Default true. */
  includeTop?: boolean;
  /**
   * `'imagenet'` (default): the Keras ImageNet weights, downloaded once into the cache;
   * `null`: random initialisation; a path: a Keras HDF5 weights file for this architecture.
   */
  weights?: 'imagenet' | null | string;
  /**
   * Shape of one image, `[height, width, 3]`. With the top (and ImageNet weights) it must be
   * `[224, 224, 3]` (the default); without it, any size of at least 32x32 (default
   * `[null, null, 3]`: any size).
   */
  inputShape?: [number | null, number | null, number];
  /** Without the top: `'avg'` or `'max'` global pooling of the last block, or none (default: a 4D output). */
  pooling?: 'avg' | 'max' | null;
  /** Number of classes with the top. Default 1000 (must be 1000 with ImageNet weights). */
  classes?: number;
  /** Activation of the `predictions` layer: `'softmax'` (default) or `null` for logits (others only without pretrained weights). */
  classifierActivation?: string | null;
  /** Model name. Default `'vgg16'` / `'vgg19'`. */
  name?: string;
  /** Cache root for the ImageNet weights (default `$DLTS_DATA_DIR` or `~/.cache/dlts`). */
  cacheDir?: string;
  /** Show download progress (default: when stderr is a TTY). */
  progress?: boolean;
  /** The fetch used to download weights (default the global `fetch`). */
  fetch?: FetchLike;
}

/** The Keras weight files of one VGG: with and without the top. */
export interface VggWeightFiles {
  top: ZooFile;
  notop: ZooFile;
}

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications';

/** Keras's VGG16 ImageNet weight files (URLs and md5 hashes of `keras.applications.vgg16`). */
export const VGG16_WEIGHTS: VggWeightFiles = {
  top: {
    fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels.h5',
    url: `${BASE}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5`,
    hash: '64373286793e3c8b2b4e3219cbf3544b',
    size: 553467096,
  },
  notop: {
    fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${BASE}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    hash: '6d6bbae143d832006294945121d1f1fc',
    size: 58889256,
  },
};

/** Keras's VGG19 ImageNet weight files. */
export const VGG19_WEIGHTS: VggWeightFiles = {
  top: {
    fileName: 'vgg19_weights_tf_dim_ordering_tf_kernels.h5',
    url: `${BASE}/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5`,
    hash: 'cbe5617147190e668d6c5d5026f83318',
    size: 574710816,
  },
  notop: {
    fileName: 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${BASE}/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    hash: '253f8cb515780f3b799900260a226db6',
    size: 80134624,
  },
};

/** Convolutions per block of VGG16 and VGG19 (the filters are 64, 128, 256, 512, 512). */
const BLOCKS = { vgg16: [2, 2, 3, 3, 3], vgg19: [2, 2, 4, 4, 4] } as const;
const FILTERS = [64, 128, 256, 512, 512];

/**
 * Keras's `obtain_input_shape` for channels-last images: the default shape with the top, at
 * least `minSize` x `minSize` without it, 3 channels with ImageNet weights.
 *
 * @throws DltsError `DLTS_VALUE` naming the rule that `inputShape` breaks.
 * @example
 * ```ts
 * import { obtainInputShape } from '@dlts/zoo';
 * obtainInputShape('vgg16', undefined, 224, 32, true, 'imagenet'); // [224, 224, 3]
 * obtainInputShape('vgg16', undefined, 224, 32, false, 'imagenet'); // [null, null, 3]
 * obtainInputShape('vgg16', [150, 150, 3], 224, 32, false, 'imagenet'); // [150, 150, 3]
 * obtainInputShape('vgg16', [16, 16, 3], 224, 32, false, null); // throws: at least 32x32
 * ```
 */
export function obtainInputShape(
  fn: string,
  inputShape: (number | null)[] | undefined,
  defaultSize: number,
  minSize: number,
  requireFlatten: boolean,
  weights: string | null,
): [number | null, number | null, number] {
  if (inputShape !== undefined && inputShape !== null) {
    if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
      throw new DltsError('DLTS_VALUE', `${fn}: inputShape must be [height, width, channels] (positive integers or null). Received: inputShape=${received(inputShape)}`);
    }
    if (inputShape[2] === null) throw new DltsError('DLTS_VALUE', `${fn}: the number of channels must be known. Received: inputShape=${received(inputShape)}`);
  }
  const channels = weights !== 'imagenet' && inputShape ? (inputShape[2] as number) : 3;
  if (weights !== 'imagenet' && inputShape && channels !== 1 && channels !== 3) {
    console.warn(`${fn}: this model usually expects 1 or 3 input channels. However, it was passed an inputShape with ${channels} input channels.`);
  }
  const defaultShape: [number, number, number] = [defaultSize, defaultSize, channels];
  if (weights === 'imagenet' && requireFlatten) {
    if (inputShape && inputShape.some((d, i) => d !== defaultShape[i])) {
      throw new DltsError(
        'DLTS_VALUE',
        `${fn}: when setting includeTop=true and loading 'imagenet' weights, inputShape should be [${defaultShape.join(', ')}]. Received: inputShape=${received(inputShape)}`,
      );
    }
    return defaultShape;
  }
  let shape: [number | null, number | null, number];
  if (inputShape) {
    if (inputShape[2] !== 3 && weights === 'imagenet') {
      throw new DltsError('DLTS_VALUE', `${fn}: the input must have 3 channels. Received: inputShape=${received(inputShape)}`);
    }
    if ((inputShape[0] !== null && inputShape[0] < minSize) || (inputShape[1] !== null && inputShape[1] < minSize)) {
      throw new DltsError('DLTS_VALUE', `${fn}: input size must be at least ${minSize}x${minSize}. Received: inputShape=${received(inputShape)}`);
    }
    shape = [inputShape[0], inputShape[1], inputShape[2] as number];
  } else {
    shape = requireFlatten ? defaultShape : [null, null, 3];
  }
  if (requireFlatten && shape.some((d) => d === null)) {
    throw new DltsError('DLTS_VALUE', `${fn}: with includeTop=true the inputShape must be static. Received: inputShape=${received(inputShape)}`);
  }
  return shape;
}

async function buildVgg(kind: 'vgg16' | 'vgg19', files: VggWeightFiles, options: VggOptions): Promise<Model> {
  const fn = kind;
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new DltsError('DLTS_VALUE', `${fn}: options must be an object. Received: ${received(options)}`);
  }
  const includeTop = options.includeTop ?? true;
  const weights = options.weights === undefined ? 'imagenet' : options.weights;
  const classes = options.classes ?? 1000;
  const pooling = options.pooling ?? null;
  const classifierActivation = options.classifierActivation === undefined ? 'softmax' : options.classifierActivation;
  if (!(weights === null || weights === 'imagenet' || (typeof weights === 'string' && existsSync(weights)))) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: the weights argument should be either null (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. Received: weights=${received(weights)}`,
    );
  }
  if (weights === 'imagenet' && includeTop && classes !== 1000) {
    throw new DltsError('DLTS_VALUE', `${fn}: if using weights='imagenet' with includeTop=true, classes should be 1000. Received: classes=${received(classes)}`);
  }
  if (!(Number.isInteger(classes) && classes > 0)) throw new DltsError('DLTS_VALUE', `${fn}: classes must be a positive integer. Received: classes=${received(classes)}`);
  if (pooling !== null && pooling !== 'avg' && pooling !== 'max') {
    throw new DltsError('DLTS_VALUE', `${fn}: pooling must be 'avg', 'max' or null. Received: pooling=${received(pooling)}`);
  }
  if (includeTop && weights !== null) {
    const activation = getActivation(classifierActivation).name;
    if (activation !== 'softmax' && activation !== 'linear') {
      throw new DltsError(
        'DLTS_VALUE',
        `${fn}: only null and 'softmax' activations are allowed for classifierActivation when using pretrained weights with includeTop=true. Received: classifierActivation=${received(classifierActivation)}`,
      );
    }
  }
  const shape = obtainInputShape(fn, options.inputShape, 224, 32, includeTop, weights);

  const imgInput = input({ shape });
  let x: SymbolicTensor = imgInput;
  BLOCKS[kind].forEach((convs, b) => {
    for (let c = 1; c <= convs; c++) {
      x = conv2d({ filters: FILTERS[b], kernelSize: 3, activation: 'relu', padding: 'same', name: `block${b + 1}_conv${c}` }).apply(x);
    }
    x = maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x);
  });
  if (includeTop) {
    x = flatten({ name: 'flatten' }).apply(x);
    x = dense({ units: 4096, activation: 'relu', name: 'fc1' }).apply(x);
    x = dense({ units: 4096, activation: 'relu', name: 'fc2' }).apply(x);
    x = dense({ units: classes, activation: classifierActivation, name: 'predictions' }).apply(x);
  } else if (pooling === 'avg') {
    x = globalAveragePooling2d().apply(x);
  } else if (pooling === 'max') {
    x = globalMaxPooling2d().apply(x);
  }
  const vgg = model({ inputs: imgInput, outputs: x, name: options.name ?? kind });

  try {
    if (weights === 'imagenet') {
      const path = await getZooFile(includeTop ? files.top : files.notop, { cacheDir: options.cacheDir, progress: options.progress, fetch: options.fetch });
      await loadWeightsHdf5(vgg, path);
    } else if (weights !== null) {
      await loadWeightsHdf5(vgg, weights);
    }
  } catch (error) {
    vgg.dispose();
    throw error;
  }
  return vgg;
}

/**
 * VGG16 (R: `application_vgg16(weights = "imagenet", include_top = FALSE, input_shape = c(150, 150, 3))`),
 * with Keras's layer names (`block1_conv1` ... `block5_pool`, then `flatten`, `fc1`, `fc2`,
 * `predictions`), Keras's input-size rules and Keras's ImageNet weights (downloaded once into the
 * cache: 58.9 MB without the top, 553 MB with it). Feed it images prepared with
 * `preprocessInput(x, {mode: 'caffe'})`. Without the top it has 14,714,688 parameters.
 *
 * @param options - `includeTop`, `weights`, `inputShape`, `pooling`, `classes`,
 *   `classifierActivation`, `name`, and the download's `cacheDir`, `progress`, `fetch`.
 * @returns a Promise of the functional model.
 * @throws DltsError `DLTS_VALUE` for arguments Keras refuses (an input smaller than 32x32, a
 *   non-default input with the top and ImageNet weights, ...), `DLTS_DOWNLOAD` when the weights are
 *   neither cached nor downloadable, `DLTS_IO` / `DLTS_SHAPE_MISMATCH` for a weights file that does
 *   not fit.
 * @example
 * ```ts
 * const convBase = await vgg16({ weights: 'imagenet', includeTop: false, inputShape: [150, 150, 3] });
 * convBase.summary(); // Total params: 14,714,688
 * ```
 */
export function vgg16(options: VggOptions = {}): Promise<Model> {
  return buildVgg('vgg16', VGG16_WEIGHTS, options);
}

/**
 * VGG19 (R: `application_vgg19(...)`): VGG16 with four convolutions in blocks 3 to 5
 * (`block3_conv4`, ...), Keras's names, input rules and ImageNet weights (80 MB without the top,
 * 575 MB with it); 20,024,384 parameters without the top.
 *
 * @param options - as {@link vgg16}.
 * @returns a Promise of the functional model.
 * @throws as {@link vgg16}.
 * @example
 * ```ts
 * const base = await vgg19({ weights: null, includeTop: false, inputShape: [64, 64, 3] });
 * ```
 */
export function vgg19(options: VggOptions = {}): Promise<Model> {
  return buildVgg('vgg19', VGG19_WEIGHTS, options);
}
