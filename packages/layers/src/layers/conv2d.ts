import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { getActivation, type ActivationFn } from '../activations';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { formatShape, type Shape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers';
import { checkDataFormat, convOutputLength, normalizePadding, normalizePair } from './conv_utils';

/** Arguments of {@link conv2d} (Keras's `Conv2D`). */
export interface Conv2DArgs extends LayerArgs {
  /** Number of output channels (filters). */
  filters: number;
  /** Window height and width: `3` or `[3, 3]`. */
  kernelSize: number | [number, number];
  /** Step of the window. Default 1. */
  strides?: number | [number, number];
  /** `'valid'` (no padding, the default) or `'same'` (output as large as input / strides). */
  padding?: 'valid' | 'same';
  /** Only `'channels_last'` (NHWC). */
  dataFormat?: 'channels_last';
  /** Dilation of the window (atrous convolution). Default 1. Cannot be combined with strides > 1. */
  dilationRate?: number | [number, number];
  /** Activation (`'relu'`). Default linear. */
  activation?: string | ActivationFn | null;
  /** Add a bias per filter. Default true. */
  useBias?: boolean;
  /** Default `'glorot_uniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Default `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
}

const FUSABLE = new Set(['linear', 'relu']);

/**
 * 2-D convolution over NHWC images (R: `layer_conv_2d(filters = 32, kernel_size = c(3, 3),
 * activation = "relu", input_shape = c(28, 28, 1))`). Kernel shape `[kh, kw, inChannels, filters]`.
 *
 * @example
 * ```ts
 * import { Conv2D, conv2d, input } from '@dlts/layers';
 * const conv = conv2d({ filters: 32, kernelSize: 3, activation: 'relu' });
 * conv instanceof Conv2D; // true
 * conv.apply(input({ shape: [28, 28, 1] })).shape; // [null, 26, 26, 32]
 * conv.kernel?.shape; // [3, 3, 1, 32]
 * ```
 */
export class Conv2D extends Layer {
  static override className = 'Conv2D';

  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  private readonly kernelInitializer;
  private readonly biasInitializer;
  private readonly kernelRegularizer;
  private readonly biasRegularizer;
  kernel?: LayerWeight;
  bias?: LayerWeight;

  constructor(args: Conv2DArgs) {
    super(args);
    if (!(Number.isInteger(args?.filters) && args.filters > 0)) {
      throw new DltsError('DLTS_VALUE', `conv2d: filters must be a positive integer. Received: filters=${received(args?.filters)}`);
    }
    if (args.kernelSize === undefined) throw new DltsError('DLTS_VALUE', 'conv2d: kernelSize is required. Received: kernelSize=undefined');
    this.filters = args.filters;
    this.kernelSize = normalizePair(args.kernelSize, [1, 1], 'conv2d', 'kernelSize');
    this.strides = normalizePair(args.strides, [1, 1], 'conv2d', 'strides');
    this.padding = normalizePadding(args.padding, 'conv2d');
    this.dilationRate = normalizePair(args.dilationRate, [1, 1], 'conv2d', 'dilationRate');
    checkDataFormat(args.dataFormat, 'conv2d');
    if ((this.strides[0] > 1 || this.strides[1] > 1) && (this.dilationRate[0] > 1 || this.dilationRate[1] > 1)) {
      throw new DltsError('DLTS_VALUE', `conv2d: strides > 1 cannot be combined with dilationRate > 1. Received: strides=${received(this.strides)}, dilationRate=${received(this.dilationRate)}`);
    }
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[3];
    if (inputShape.length !== 4 || channels === null) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${this.name}: expected input of rank 4 (batch, height, width, channels) with known channels. Received: input shape ${formatShape(inputShape)}`);
    }
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels, this.filters], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    this.built = true;
  }

  override checkInput(inputShape: Shape): void {
    const channels = this.kernel?.shape[2];
    if (inputShape.length !== 4 || (channels !== undefined && inputShape[3] !== null && inputShape[3] !== channels)) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: input is incompatible with the layer: expected shape (None, h, w, ${channels ?? 'c'}). Received: input shape ${formatShape(inputShape)}`,
      );
    }
    const [h, w] = [inputShape[1], inputShape[2]];
    const [oh, ow] = this.computeOutputShape(inputShape).slice(1, 3);
    if ((h !== null && (oh as number) <= 0) || (w !== null && (ow as number) <= 0)) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: the input is smaller than the kernel: output would be ${formatShape(this.computeOutputShape(inputShape))}. Received: input shape ${formatShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [
      inputShape[0],
      convOutputLength(inputShape[1], this.kernelSize[0], this.padding, this.strides[0], this.dilationRate[0]),
      convOutputLength(inputShape[2], this.kernelSize[1], this.padding, this.strides[1], this.dilationRate[1]),
      this.filters,
    ];
  }

  override call(inputs: Tensors): tf.Tensor {
    // Tidied so that a direct call leaves only its output behind.
    return tf.tidy(() => {
      const x = inputs as tf.Tensor4D;
      const fused = FUSABLE.has(this.activation.name);
      const dilated = this.dilationRate[0] > 1 || this.dilationRate[1] > 1;
      const y = tf.fused.conv2d({
        x,
        // tfjs has no gradient for dilated convolutions, so a dilated kernel is expanded with
        // zeros between its taps and run as an ordinary convolution (same result, trainable).
        filter: dilated ? dilateKernel(this.kernel!.variable as tf.Tensor4D, this.dilationRate) : (this.kernel!.variable as tf.Tensor4D),
        strides: this.strides,
        pad: this.padding,
        bias: this.bias?.variable,
        activation: fused ? (this.activation.name as 'relu' | 'linear') : 'linear',
      });
      return fused ? y : this.activation.fn(y);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.dilationRate.slice(),
      groups: 1,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}

/**
 * Inserts `rate - 1` zeros between the taps of a `[kh, kw, in, out]` kernel along the two spatial
 * axes: a convolution with the result equals the dilated (atrous) convolution with the original,
 * and is built from ops that tfjs can differentiate (reshape, pad, slice).
 */
function dilateKernel(kernel: tf.Tensor4D, rate: [number, number]): tf.Tensor4D {
  let k: tf.Tensor4D = kernel;
  for (const axis of [0, 1] as const) {
    const d = rate[axis];
    if (d === 1) continue;
    const [kh, kw, c, f] = k.shape;
    const taps = axis === 0 ? kh : kw;
    const withGap = axis === 0 ? tf.reshape(k, [kh, 1, kw, c, f]) : tf.reshape(k, [kh, kw, 1, c, f]);
    const padded = tf.pad(withGap, axis === 0 ? [[0, 0], [0, d - 1], [0, 0], [0, 0], [0, 0]] : [[0, 0], [0, 0], [0, d - 1], [0, 0], [0, 0]]);
    const spread = axis === 0 ? tf.reshape(padded, [kh * d, kw, c, f]) : tf.reshape(padded, [kh, kw * d, c, f]);
    const size = (taps - 1) * d + 1;
    k = tf.slice(spread, [0, 0, 0, 0], axis === 0 ? [size, kw, c, f] : [kh, size, c, f]) as tf.Tensor4D;
  }
  return k;
}

/**
 * Creates a {@link Conv2D} layer.
 * @example
 * ```ts
 * conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1] });
 * ```
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}
