import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { getActivation, type ActivationFn } from '../activations';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { DENSE_FUSED_ACTIVATIONS, denseMatMul } from './dense_matmul';
import { formatShape, type Shape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers';

/** Arguments of {@link dense} (Keras's `Dense`). */
export interface DenseArgs extends LayerArgs {
  /** Dimensionality of the output space: a positive integer. */
  units: number;
  /** Activation applied to the output (`'relu'`, `'softmax'`, ...). Default: none (linear). */
  activation?: string | ActivationFn | null;
  /** Whether to add a bias vector. Default true. */
  useBias?: boolean;
  /** Initializer of the kernel. Default `'glorot_uniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the bias. Default `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on the kernel, added to the loss (`l2(0.001)`). */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerIdentifier | null;
}

/**
 * A densely connected layer: `output = activation(dot(input, kernel) + bias)` on the last axis
 * (R: `layer_dense(units = 512, activation = "relu", input_shape = c(784))`).
 *
 * @example
 * ```ts
 * import { Dense, dense, input } from '@dlts/layers';
 * const layer = dense({ units: 10, activation: 'softmax' });
 * layer instanceof Dense; // true
 * layer.apply(input({ shape: [784] })).shape; // [null, 10]
 * layer.kernel?.shape; // [784, 10]
 * ```
 */
export class Dense extends Layer {
  static override className = 'Dense';

  readonly units: number;
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  private readonly kernelInitializer;
  private readonly biasInitializer;
  private readonly kernelRegularizer;
  private readonly biasRegularizer;
  kernel?: LayerWeight;
  bias?: LayerWeight;

  constructor(args: DenseArgs) {
    super(args);
    if (!(Number.isInteger(args?.units) && args.units > 0)) {
      throw new DltsError('DLTS_VALUE', `dense: units must be a positive integer. Received: units=${received(args?.units)}`);
    }
    this.units = args.units;
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${this.name}: the last dimension of the input must be known. Received: input shape ${formatShape(inputShape)}`);
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    this.built = true;
  }

  override checkInput(inputShape: Shape): void {
    const expected = this.kernel?.shape[0];
    const got = inputShape[inputShape.length - 1];
    if (expected !== undefined && got !== null && got !== expected) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: input 0 is incompatible with the layer: expected axis -1 of input shape to have value ${expected}. Received: input shape ${formatShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override call(inputs: Tensors): tf.Tensor {
    // Tidied so that a direct call leaves only its output behind.
    return tf.tidy(() => {
      const x = inputs as tf.Tensor;
      const kernel = this.kernel!.variable;
      const bias = this.bias?.variable;
      if (x.rank === 2) {
        const fused = DENSE_FUSED_ACTIVATIONS.has(this.activation.name);
        const y = denseMatMul(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D | undefined, fused ? (this.activation.name as 'relu' | 'linear') : 'linear');
        return fused ? y : this.activation.fn(y);
      }
      // Higher rank: contract the last axis.
      const lead = x.shape.slice(0, -1);
      let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, x.shape[x.rank - 1]]), kernel);
      if (bias) y = tf.add(y, bias);
      return this.activation.fn(tf.reshape(y, [...lead, this.units]));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
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
 * Creates a {@link Dense} layer.
 * @example
 * ```ts
 * const layer = dense({ units: 512, activation: 'relu', inputShape: [784] });
 * ```
 */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
