import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { formatShape, type Shape } from '../engine/shape';
import { checkDataFormat } from './conv_utils';

/** Arguments of the global pooling layers. */
export interface GlobalPooling2DArgs extends LayerArgs {
  /** Keep the spatial axes with length 1. Default false. */
  keepdims?: boolean;
  /** Only `'channels_last'`. */
  dataFormat?: 'channels_last';
}

abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;

  constructor(args: GlobalPooling2DArgs, fn: string) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    checkDataFormat(args.dataFormat, fn);
  }

  override checkInput(inputShape: Shape): void {
    if (inputShape.length !== 4) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${this.name}: expected input of rank 4 (batch, height, width, channels). Received: input shape ${formatShape(inputShape)}`);
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this.keepdims ? [inputShape[0], 1, 1, inputShape[3]] : [inputShape[0], inputShape[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last', keepdims: this.keepdims };
  }
}

/**
 * Mean over the spatial axes: `(None, h, w, c)` -> `(None, c)` (R: `layer_global_average_pooling_2d`).
 *
 * @example
 * ```ts
 * import { GlobalAveragePooling2D, globalAveragePooling2d, input } from '@dlts/layers';
 * const pool = globalAveragePooling2d();
 * pool instanceof GlobalAveragePooling2D; // true
 * pool.apply(input({ shape: [7, 7, 512] })).shape; // [null, 512]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override className = 'GlobalAveragePooling2D';
  constructor(args: GlobalPooling2DArgs = {}) {
    super(args, 'globalAveragePooling2d');
  }
  override call(inputs: Tensors): tf.Tensor {
    return tf.mean(inputs as tf.Tensor, [1, 2], this.keepdims);
  }
}

/**
 * Max over the spatial axes: `(None, h, w, c)` -> `(None, c)` (R: `layer_global_max_pooling_2d`).
 *
 * @example
 * ```ts
 * import { GlobalMaxPooling2D, globalMaxPooling2d, input } from '@dlts/layers';
 * const pool = globalMaxPooling2d({ keepdims: true });
 * pool instanceof GlobalMaxPooling2D; // true
 * pool.apply(input({ shape: [7, 7, 512] })).shape; // [null, 1, 1, 512]
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override className = 'GlobalMaxPooling2D';
  constructor(args: GlobalPooling2DArgs = {}) {
    super(args, 'globalMaxPooling2d');
  }
  override call(inputs: Tensors): tf.Tensor {
    return tf.max(inputs as tf.Tensor, [1, 2], this.keepdims);
  }
}

/**
 * Creates a {@link GlobalAveragePooling2D} layer.
 * @example
 * ```ts
 * globalAveragePooling2d();
 * ```
 */
export function globalAveragePooling2d(args: GlobalPooling2DArgs = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}

/**
 * Creates a {@link GlobalMaxPooling2D} layer.
 * @example
 * ```ts
 * globalMaxPooling2d();
 * ```
 */
export function globalMaxPooling2d(args: GlobalPooling2DArgs = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(args);
}
