import type * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { Layer, Node, type Tensors } from './layer';
import { uniqueName } from './naming';
import type { Shape } from './shape';
import { SymbolicTensor } from './symbolic';

/** Arguments of {@link input} and the `InputLayer`. */
export interface InputArgs {
  /** Shape of one sample, without the batch axis: `[28, 28, 1]`. `null` for a free dimension. */
  shape?: (number | null)[];
  /** Full shape including the batch axis: `[null, 28, 28, 1]` (Keras 3's `batch_shape`). */
  batchShape?: Shape;
  /** Fixed batch size to go with `shape`. */
  batchSize?: number;
  /** Dtype of the values fed in. Default `'float32'`. */
  dtype?: tf.DataType;
  /** Layer name; default `input_1`, `input_2`, ... (Keras 2's names). */
  name?: string;
}

/**
 * The entry point of a functional model: produces the symbolic tensor that `input()` returns.
 * In summaries its output shape is printed as Keras 2 does, `[(None, 150, 150, 3)]`.
 *
 * @example
 * ```ts
 * import { InputLayer, input } from '@dlts/layers';
 * const x = input({ shape: [150, 150, 3] });
 * x.sourceLayer instanceof InputLayer; // true
 * x.sourceLayer.batchInputShape; // [null, 150, 150, 3]
 * ```
 */
export class InputLayer extends Layer {
  static override className = 'InputLayer';

  constructor(args: InputArgs) {
    const batchShape = args.batchShape ?? (args.shape ? [args.batchSize ?? null, ...args.shape] : undefined);
    if (!batchShape) {
      throw new DltsError('DLTS_VALUE', `input: give shape or batchShape. Received: ${received(args)}`);
    }
    super({ name: args.name ?? uniqueName('input', { zeroBased: false }), batchInputShape: batchShape, dtype: args.dtype ?? 'float32' });
    this.built = true;
    const output = new SymbolicTensor(this.batchInputShape!, this.dtype, this, 0, 0, this.name);
    this.inboundNodes.push(new Node(this, [], [output], false));
  }

  override call(inputs: Tensors): Tensors {
    return inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_input_shape: this.batchInputShape!.slice(), dtype: this.dtype, sparse: false, ragged: false, name: this.name };
  }
}

/**
 * Creates a symbolic input for a functional model (R: `layer_input(shape = c(784))`).
 *
 * @example
 * ```ts
 * const x = input({ shape: [784] });
 * const y = dense({ units: 10, activation: 'softmax' }).apply(x);
 * const m = model({ inputs: x, outputs: y });
 * ```
 */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output as SymbolicTensor;
}
