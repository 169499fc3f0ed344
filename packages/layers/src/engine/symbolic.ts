import type { DataType } from '@tensorflow/tfjs-core';
import type { Layer } from './layer';
import type { Shape } from './shape';

let nextId = 0;

/**
 * A placeholder tensor in a model graph (Keras's `KerasTensor`): it has a shape and a dtype but
 * no values. `input({shape: [784]})` returns one; calling a layer on it returns another, and
 * `model({inputs, outputs})` turns the graph between them into a model.
 *
 * @example
 * ```ts
 * import { SymbolicTensor, dense, input } from '@dlts/layers';
 * const x = input({ shape: [784] });
 * const h = dense({ units: 64 }).apply(x);
 * h instanceof SymbolicTensor; // true
 * h.shape; // [null, 64]
 * h.sourceLayer.className; // 'Dense'
 * ```
 */
export class SymbolicTensor {
  /** Unique id, used to map graph tensors to values while a model runs. */
  readonly id = nextId++;

  constructor(
    /** Shape with `null` for the batch dimension. */
    readonly shape: Shape,
    /** The dtype values will have. */
    readonly dtype: DataType,
    /** The layer whose call produced this tensor. */
    readonly sourceLayer: Layer,
    /** Which call (node) of `sourceLayer` produced it. */
    readonly nodeIndex: number,
    /** Which of that call's outputs it is. */
    readonly outputIndex: number,
    /** A readable name: `dense/output:0` style. */
    readonly name: string,
  ) {}

  /** Rank of the tensor. */
  get rank(): number {
    return this.shape.length;
  }
}

/**
 * True for a symbolic (graph) tensor.
 *
 * @example
 * ```ts
 * import { input, isSymbolic } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * isSymbolic(input({ shape: [784] })); // true
 * isSymbolic(tf.zeros([1, 784])); // false
 * ```
 */
export function isSymbolic(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}
