import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { Layer, type CallOptions, type LayerArgs, type Tensors } from '../engine/layer';
import { formatShape, type Shape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers';

/** Arguments of {@link batchNormalization} (Keras's `BatchNormalization`). */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The features axis. Default -1 (channels last). */
  axis?: number;
  /** Momentum of the moving averages. Default 0.99. */
  momentum?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset `beta`. Default true. */
  center?: boolean;
  /** Learn a scale `gamma`. Default true. */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier | null;
}

/**
 * Normalises features with batch statistics during training and moving averages at inference
 * (R: `layer_batch_normalization()`).
 *
 * As in Keras (2.1+ and 3), a frozen layer (`trainable = false`) always runs in inference mode:
 * it uses and keeps its moving statistics even inside `fit`, which is what fine-tuning needs.
 * The moving variance is updated with the biased batch variance, as Keras 3.
 *
 * @example
 * ```ts
 * import { BatchNormalization, batchNormalization, input } from '@dlts/layers';
 * const bn = batchNormalization();
 * bn instanceof BatchNormalization; // true
 * bn.apply(input({ shape: [64] }));
 * bn.weights.map((w) => w.shortName); // ['gamma', 'beta', 'moving_mean', 'moving_variance']
 * bn.trainableWeights.length; // 2 (the moving statistics are not trained)
 * ```
 */
export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';

  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits;
  private readonly betaRegularizer;
  private readonly gammaRegularizer;
  gamma?: LayerWeight;
  beta?: LayerWeight;
  movingMean?: LayerWeight;
  movingVariance?: LayerWeight;
  private resolvedAxis = -1;
  private builtRank = 0;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new DltsError('DLTS_VALUE', `batchNormalization: axis must be an integer. Received: axis=${received(args.axis)}`);
    }
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new DltsError('DLTS_VALUE', `batchNormalization: momentum must be in [0, 1]. Received: momentum=${received(args.momentum)}`);
    }
    if (!(this.epsilon > 0)) {
      throw new DltsError('DLTS_VALUE', `batchNormalization: epsilon must be positive. Received: epsilon=${received(args.epsilon)}`);
    }
    this.inits = {
      beta: getInitializer(args.betaInitializer ?? 'zeros'),
      gamma: getInitializer(args.gammaInitializer ?? 'ones'),
      movingMean: getInitializer(args.movingMeanInitializer ?? 'zeros'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? 'ones'),
    };
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
  }

  override build(inputShape: Shape): void {
    const axis = this.axis < 0 ? inputShape.length + this.axis : this.axis;
    const dim = inputShape[axis];
    if (axis <= 0 || axis >= inputShape.length || dim === null || dim === undefined) {
      throw new DltsError('DLTS_SHAPE_MISMATCH', `${this.name}: axis ${this.axis} must be a known, non-batch axis. Received: input shape ${formatShape(inputShape)}`);
    }
    this.resolvedAxis = axis;
    this.builtRank = inputShape.length;
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], { initializer: this.inits.gamma, regularizer: this.gammaRegularizer });
    if (this.center) this.beta = this.addWeight('beta', [dim], { initializer: this.inits.beta, regularizer: this.betaRegularizer });
    this.movingMean = this.addWeight('moving_mean', [dim], { initializer: this.inits.movingMean, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], { initializer: this.inits.movingVariance, trainable: false });
    this.built = true;
  }

  override checkInput(inputShape: Shape): void {
    const axis = this.resolvedAxis;
    const dim = this.movingMean?.shape[0];
    if (inputShape.length !== this.builtRank || (dim !== undefined && inputShape[axis] !== null && inputShape[axis] !== dim)) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: input is incompatible with the layer: expected rank ${this.builtRank} with axis ${this.axis} of size ${dim}. Received: input shape ${formatShape(inputShape)}`,
      );
    }
  }

  override call(inputs: Tensors, options: CallOptions): tf.Tensor {
    // Tidied so that a direct call leaves only its output behind.
    return tf.tidy(() => {
      const x = inputs as tf.Tensor;
      const axis = this.resolvedAxis;
      if (options.training && this.trainable) {
        const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
        const { mean, variance } = tf.moments(x, reduce);
        const m = this.momentum;
        this.movingMean!.assign(tf.add(tf.mul(this.movingMean!.variable, m), tf.mul(mean, 1 - m)));
        this.movingVariance!.assign(tf.add(tf.mul(this.movingVariance!.variable, m), tf.mul(variance, 1 - m)));
        return this.normalize(x, mean, variance);
      }
      return this.normalize(x, this.movingMean!.variable, this.movingVariance!.variable);
    });
  }

  /** `gamma * (x - mean) / sqrt(variance + epsilon) + beta` along the features axis. */
  private normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    const axis = this.resolvedAxis;
    const gamma = this.gamma?.variable;
    const beta = this.beta?.variable;
    if (axis === x.rank - 1) {
      // The fused kernel broadcasts along the last axis only, and its gradient needs both an
      // offset and a scale: absent ones are passed as constants.
      const dim = x.shape[axis];
      return tf.batchNorm(x, mean, variance, beta ?? tf.zeros([dim]), gamma ?? tf.ones([dim]), this.epsilon);
    }
    // Another axis: Keras's (tf.nn.batch_normalization's) formula with explicit broadcasting.
    const shape = x.shape.map((d, i) => (i === axis ? d : 1));
    let inv: tf.Tensor = tf.rsqrt(tf.add(tf.reshape(variance, shape), this.epsilon));
    if (gamma) inv = tf.mul(inv, tf.reshape(gamma, shape));
    const shift = tf.mul(tf.reshape(mean, shape), inv);
    return tf.add(tf.mul(x, inv), beta ? tf.sub(tf.reshape(beta, shape), shift) : tf.neg(shift));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(this.inits.beta),
      gamma_initializer: serializeInitializer(this.inits.gamma),
      moving_mean_initializer: serializeInitializer(this.inits.movingMean),
      moving_variance_initializer: serializeInitializer(this.inits.movingVariance),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}

/**
 * Creates a {@link BatchNormalization} layer.
 * @example
 * ```ts
 * batchNormalization();
 * ```
 */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
