import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';

/** The preprocessing modes of Keras's `imagenet_utils.preprocess_input`. */
export type PreprocessMode = 'caffe' | 'tf' | 'torch';

/** Options of {@link preprocessInput}. */
export interface PreprocessInputOptions {
  /**
   * `'caffe'` (default; VGG16/VGG19, ResNet50): RGB -> BGR, then minus the ImageNet channel means
   * `[103.939, 116.779, 123.68]`, no scaling. `'tf'`: scale to [-1, 1] (`x / 127.5 - 1`).
   * `'torch'`: scale to [0, 1], then normalise each channel with the ImageNet mean
   * `[0.485, 0.456, 0.406]` and standard deviation `[0.229, 0.224, 0.225]`.
   */
  mode?: PreprocessMode;
}

/** ImageNet channel means in BGR order (caffe mode). */
export const IMAGENET_BGR_MEAN = [103.939, 116.779, 123.68] as const;
/** ImageNet channel means in RGB order, for values scaled to [0, 1] (torch mode). */
export const IMAGENET_RGB_MEAN = [0.485, 0.456, 0.406] as const;
/**
 * ImageNet channel standard deviations in RGB order, for values scaled to [0, 1] (torch mode):
 * `preprocessInput` divides by them after subtracting {@link IMAGENET_RGB_MEAN}.
 */
export const IMAGENET_RGB_STD = [0.229, 0.224, 0.225] as const;

/**
 * Prepares a batch of images (or one image) for an ImageNet model, as Keras's `preprocess_input`
 * (R: `imagenet_preprocess_input(x)`; for VGG `mode: 'caffe'`). The input holds RGB values in
 * [0, 255], channels last (`[n, height, width, 3]` or `[height, width, 3]`). The result is a new
 * float32 tensor the caller owns; the input is not changed.
 *
 * @param x - the images, channels last, 3 channels.
 * @param options - `mode` (default `'caffe'`).
 * @returns the preprocessed images, same shape, float32.
 * @throws DltsError `DLTS_VALUE` for an unknown mode, `DLTS_SHAPE_MISMATCH` for an input that is
 *   not 3D/4D with 3 channels.
 * @example
 * ```ts
 * const x = preprocessInput(images, { mode: 'caffe' });
 * const features = convBase.predict(x) as tf.Tensor;
 * ```
 */
export function preprocessInput(x: tf.Tensor, options: PreprocessInputOptions = {}): tf.Tensor {
  const fn = 'preprocessInput';
  const mode = options.mode ?? 'caffe';
  if (mode !== 'caffe' && mode !== 'tf' && mode !== 'torch') {
    throw new DltsError('DLTS_VALUE', `${fn}: expected mode to be one of 'caffe', 'tf' or 'torch'. Received: mode=${received(mode)}`);
  }
  if (!(x instanceof tf.Tensor)) throw new DltsError('DLTS_VALUE', `${fn}: x must be a tensor. Received: ${received(x)}`);
  if ((x.rank !== 3 && x.rank !== 4) || x.shape[x.rank - 1] !== 3) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: x must be images with 3 channels last, [n, height, width, 3] or [height, width, 3]. Received: shape=[${x.shape}]`);
  }
  return tf.tidy(() => {
    const v = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    if (mode === 'tf') return tf.sub(tf.div(v, 127.5), 1);
    if (mode === 'torch') return tf.div(tf.sub(tf.div(v, 255), tf.tensor1d([...IMAGENET_RGB_MEAN])), tf.tensor1d([...IMAGENET_RGB_STD]));
    return tf.sub(tf.reverse(v, -1), tf.tensor1d([...IMAGENET_BGR_MEAN]));
  });
}
