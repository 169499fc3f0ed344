import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import type { Shape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers';

/** Arguments of {@link embedding} (Keras's `Embedding`). */
export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: largest index + 1. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Default `'uniform'` (U(-0.05, 0.05)), as Keras. */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier | null;
  /** Whether index 0 is padding (recorded in the config; masking is not propagated). */
  maskZero?: boolean;
  /** Length of the input sequences (Keras 2), used for the input shape when given. */
  inputLength?: number;
}

/**
 * Maps integer indices to dense vectors (R: `layer_embedding(input_dim = 10000, output_dim = 8)`).
 * Input `(None, steps)` of indices, output `(None, steps, outputDim)`.
 *
 * @example
 * ```ts
 * import { Embedding, embedding, input } from '@dlts/layers';
 * const layer = embedding({ inputDim: 10000, outputDim: 8 });
 * layer instanceof Embedding; // true
 * layer.apply(input({ shape: [20] })).shape; // [null, 20, 8]
 * layer.embeddings?.shape; // [10000, 8]
 * ```
 */
export class Embedding extends Layer {
  static override className = 'Embedding';

  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength?: number;
  private readonly initializer;
  private readonly regularizer;
  embeddings?: LayerWeight;

  constructor(args: EmbeddingArgs) {
    super(args.inputLength !== undefined && !args.inputShape && !args.batchInputShape ? { ...args, inputShape: [args.inputLength] } : args);
    for (const key of ['inputDim', 'outputDim'] as const) {
      if (!(Number.isInteger(args?.[key]) && args[key] > 0)) {
        throw new DltsError('DLTS_VALUE', `embedding: ${key} must be a positive integer. Received: ${key}=${received(args?.[key])}`);
      }
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
    this.inputLength = args.inputLength;
    this.initializer = getInitializer(args.embeddingsInitializer ?? { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } });
    this.regularizer = getRegularizer(args.embeddingsRegularizer);
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], { initializer: this.initializer, regularizer: this.regularizer });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  override call(inputs: Tensors): tf.Tensor {
    // Tidied so that a direct call leaves only its output behind.
    return tf.tidy(() => {
      const x = inputs as tf.Tensor;
      const idx = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
      const flat = tf.reshape(idx, [-1]);
      return tf.reshape(tf.gather(this.embeddings!.variable, flat), [...x.shape, this.outputDim]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(this.initializer),
      embeddings_regularizer: serializeRegularizer(this.regularizer),
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      input_length: this.inputLength ?? null,
    };
  }
}

/**
 * Creates an {@link Embedding} layer.
 * @example
 * ```ts
 * embedding({ inputDim: 10000, outputDim: 8, inputLength: 20 });
 * ```
 */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
