import * as tf from '@tensorflow/tfjs-core';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { formatShape, type Shape } from '../engine/shape';
import { DltsError } from '@dlts/tensors';
import { checkDataFormat, convOutputLength, normalizePadding, normalizePair } from './conv_utils';

/** Arguments of {@link maxPooling2d} and {@link averagePooling2d}. */
export interface Pooling2DArgs extends LayerArgs {
  /** Window size. Default `[2, 2]`. */
  poolSize?: number | [number, number];
  /** Step of the window. Default: `poolSize`. */
  strides?: number | [number, number] | null;
  /** `'valid'` (default) or `'same'`. */
  padding?: 'valid' | 'same';
  /** Only `'channels_last'`. */
  dataFormat?: 'channels_last';
}

/** Shared logic of the 2-D pooling layers. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(args: Pooling2DArgs = {}, fn: string) {
    super(args);
    this.poolSize = normalizePair(args.poolSize, [2, 2], fn, 'poolSize');
    this.strides = normalizePair(args.strides ?? undefined, this.poolSize, fn, 'strides');
    this.padding = normalizePadding(args.padding, fn);
    checkDataFormat(args.dataFormat, fn);
  }

  override checkInput(inputShape: Shape): void {
    if (inputShape.length !== 4) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${this.name}: expected input of rank 4 (batch, height, width, channels). Received: input shape ${formatShape(inputShape)}`);
    }
    const out = this.computeOutputShape(inputShape);
    if ([1, 2].some((i) => out[i] !== null && (out[i] as number) <= 0)) {
      // Keras: "Computed output size would be negative".
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: the input is smaller than the pooling window ${formatShape(this.poolSize)}: output would be ${formatShape(out)}. Received: input shape ${formatShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [
      inputShape[0],
      convOutputLength(inputShape[1], this.poolSize[0], this.padding, this.strides[0]),
      convOutputLength(inputShape[2], this.poolSize[1], this.padding, this.strides[1]),
      inputShape[3],
    ];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: this.poolSize.slice(),
      padding: this.padding,
      strides: this.strides.slice(),
      data_format: 'channels_last',
    };
  }
}

/**
 * Max pooling over NHWC images (R: `layer_max_pooling_2d(pool_size = c(2, 2))`).
 *
 * @example
 * ```ts
 * import { MaxPooling2D, input, maxPooling2d } from '@dlts/layers';
 * const pool = maxPooling2d({ poolSize: [2, 2] });
 * pool instanceof MaxPooling2D; // true
 * pool.apply(input({ shape: [26, 26, 32] })).shape; // [null, 13, 13, 32]
 * ```
 */
export class MaxPooling2D extends Pooling2D {
  static override className = 'MaxPooling2D';

  constructor(args: Pooling2DArgs = {}) {
    super(args, 'maxPooling2d');
  }

  override call(inputs: Tensors): tf.Tensor {
    return tf.maxPool(inputs as tf.Tensor4D, this.poolSize, this.strides, this.padding);
  }
}

/**
 * Average pooling over NHWC images (R: `layer_average_pooling_2d`).
 *
 * @example
 * ```ts
 * import { AveragePooling2D, averagePooling2d } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const pool = averagePooling2d({ poolSize: 2 });
 * pool instanceof AveragePooling2D; // true
 * pool.apply(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])).print(); // [[[[2.5]]]]
 * ```
 */
export class AveragePooling2D extends Pooling2D {
  static override className = 'AveragePooling2D';

  constructor(args: Pooling2DArgs = {}) {
    super(args, 'averagePooling2d');
  }

  override call(inputs: Tensors): tf.Tensor {
    return tf.avgPool(inputs as tf.Tensor4D, this.poolSize, this.strides, this.padding);
  }
}

/**
 * Creates a {@link MaxPooling2D} layer.
 * @example
 * ```ts
 * maxPooling2d({ poolSize: [2, 2] });
 * ```
 */
export function maxPooling2d(args: Pooling2DArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}

/**
 * Creates an {@link AveragePooling2D} layer.
 * @example
 * ```ts
 * averagePooling2d({ poolSize: 2 });
 * ```
 */
export function averagePooling2d(args: Pooling2DArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}
