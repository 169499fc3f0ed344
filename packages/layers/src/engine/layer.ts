import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { getInitializer, type InitializerIdentifier } from '../initializers';
import type { Regularizer } from '../regularizers';
import { toSnakeCase, uniqueName } from './naming';
import { formatShape, type Shape } from './shape';
import { isSymbolic, SymbolicTensor } from './symbolic';
import { LayerWeight } from './weight';

/** Arguments every layer accepts (Keras's base `Layer` kwargs). */
export interface LayerArgs {
  /** Unique name; default the snake_case class name made unique (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether `fit` updates this layer's weights. Default true. */
  trainable?: boolean;
  /** Shape of one sample (no batch axis), for the first layer of a `sequential` model: `[784]`. */
  inputShape?: (number | null)[];
  /** Full input shape including the batch axis, `null` for any: `[null, 28, 28, 1]`. */
  batchInputShape?: Shape;
  /** Fixed batch size, used with `inputShape`. */
  batchSize?: number;
  /** Dtype of the layer's weights and computations. Default `'float32'`. */
  dtype?: tf.DataType;
}

/** Options a layer receives when it runs. */
export interface CallOptions {
  /** True inside `fit` (dropout active, batch-norm uses batch statistics). */
  training?: boolean;
}

/** Tensor or list of tensors flowing through layers. */
export type Tensors = tf.Tensor | tf.Tensor[];
/** Symbolic tensor or list of them. */
export type SymbolicTensors = SymbolicTensor | SymbolicTensor[];

/**
 * One call of a layer on symbolic inputs: the edge of the model graph (Keras's `Node`).
 *
 * @example
 * ```ts
 * import { dense, input, type Node } from '@dlts/layers';
 * const x = input({ shape: [784] });
 * const layer = dense({ units: 10 });
 * const y = layer.apply(x);
 * const node: Node = layer.inboundNodes[0]; // recorded by that call
 * node.inputs[0] === x && node.outputs[0] === y; // true
 * ```
 */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    /** True when the layer was called with a list (so `call` gets an array). */
    readonly inputIsList: boolean,
  ) {}
}

/** Options of `Layer.addWeight`. */
export interface AddWeightOptions {
  initializer?: InitializerIdentifier;
  trainable?: boolean;
  regularizer?: Regularizer;
  dtype?: tf.DataType;
}

/**
 * Base class of every layer (Keras's `Layer`). A layer holds weights, computes its output shape
 * from its input shape (`computeOutputShape`), creates its weights once that shape is known
 * (`build`), and maps inputs to outputs (`call`). `apply` runs it on real tensors or on symbolic
 * ones while a model is being defined.
 *
 * Subclasses set `static className` to the Keras class name (`'Dense'`), implement `call`, and
 * usually `build`, `computeOutputShape` and `getConfig`.
 *
 * @example
 * ```ts
 * import { Layer, type Tensors } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * class Double extends Layer {
 *   static override className = 'Double';
 *   override call(inputs: Tensors): tf.Tensor {
 *     return tf.mul(inputs as tf.Tensor, 2);
 *   }
 * }
 * new Double().apply(tf.tensor1d([1, 2])).print(); // [2, 4]
 * ```
 */
export abstract class Layer {
  /** Keras class name, shown in summaries and saved configs. Subclasses override. */
  static className = 'Layer';

  /** Unique name (`dense_1`). */
  name: string;
  /** Whether `build` has run. */
  built = false;
  /** Dtype of weights and computations. */
  readonly dtype: tf.DataType;
  /** Input shape including the batch axis, when given at construction. */
  batchInputShape?: Shape;
  /** The calls of this layer on symbolic tensors, in order. */
  readonly inboundNodes: Node[] = [];

  private _trainable: boolean;
  private readonly _weights: LayerWeight[] = [];

  constructor(args: LayerArgs = {}) {
    const className = (this.constructor as typeof Layer).className;
    this.name = args.name ?? uniqueName(toSnakeCase(className));
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new DltsError('DLTS_VALUE', `${className}: name must be a non-empty string. Received: name=${received(args.name)}`);
    }
    this._trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (args.batchInputShape) {
      this.batchInputShape = args.batchInputShape.slice();
    } else if (args.inputShape) {
      if (!Array.isArray(args.inputShape)) {
        throw new DltsError('DLTS_VALUE', `${className}: inputShape must be an array of dimensions. Received: inputShape=${received(args.inputShape)}`);
      }
      this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    }
    if (this.batchInputShape) {
      for (const d of this.batchInputShape) {
        if (!(d === null || (Number.isInteger(d) && d > 0))) {
          throw new DltsError(
            'DLTS_VALUE',
            `${className}: input dimensions must be positive integers or null. Received: batchInputShape=${received(this.batchInputShape)}`,
          );
        }
      }
    }
  }

  /** The Keras class name of this layer. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /**
   * Whether the layer's weights are trained. Setting it on a model sets it on every layer inside
   * (as Keras). A change takes effect at the next `compile`.
   */
  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    this._trainable = value;
    for (const layer of this.sublayers()) layer.trainable = value;
  }

  /** Layers nested inside this one (models override). */
  sublayers(): Layer[] {
    return [];
  }

  /** Every weight of this layer and the layers inside it, in creation order. */
  get weights(): LayerWeight[] {
    const own = this._weights.slice();
    const seen = new Set(own);
    for (const layer of this.sublayers()) {
      for (const w of layer.weights) {
        if (!seen.has(w)) {
          seen.add(w);
          own.push(w);
        }
      }
    }
    return own;
  }

  /** Weights that `fit` updates: none when the layer is frozen. */
  get trainableWeights(): LayerWeight[] {
    if (!this._trainable) return [];
    const own = this._weights.filter((w) => w.trainable);
    for (const layer of this.sublayers()) for (const w of layer.trainableWeights) if (!own.includes(w)) own.push(w);
    return own;
  }

  /** Weights that `fit` does not update (all of them when the layer is frozen). */
  get nonTrainableWeights(): LayerWeight[] {
    if (!this._trainable) return this.weights;
    const own = this._weights.filter((w) => !w.trainable);
    for (const layer of this.sublayers()) for (const w of layer.nonTrainableWeights) if (!own.includes(w)) own.push(w);
    return own;
  }

  /** Number of weight values (Keras's `count_params`). */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * Creates a weight. Called from `build`.
   * @param name - short name (`kernel`); the full name is `layer_name/kernel`.
   */
  protected addWeight(name: string, shape: number[], options: AddWeightOptions = {}): LayerWeight {
    const init = getInitializer(options.initializer ?? 'glorot_uniform');
    const value = init.apply(shape, options.dtype ?? this.dtype);
    const weight = new LayerWeight(`${this.name}/${name}`, value, options.trainable ?? true, options.regularizer);
    value.dispose();
    this._weights.push(weight);
    return weight;
  }

  /** Creates the weights for inputs of `inputShape`. Subclasses call `super.build` last or set `built`. */
  build(inputShape: Shape | Shape[]): void {
    void inputShape;
    this.built = true;
  }

  /** The output shape for `inputShape` (identity by default). */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** The computation. Receives a tensor, or an array when the layer was called with a list. */
  abstract call(inputs: Tensors, options: CallOptions): Tensors;

  /** Keras config of this layer (snake_case keys as in Keras's `get_config`). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batch_input_shape = this.batchInputShape.slice();
    return config;
  }

  /**
   * Runs the layer. On symbolic tensors (model definition) it builds the layer if needed, records
   * the call in the graph and returns symbolic outputs; on real tensors it computes.
   *
   * @example
   * ```ts
   * const x = input({ shape: [784] });
   * const y = dense({ units: 10 }).apply(x);      // symbolic
   * const z = dense({ units: 10 }).apply(tf.ones([2, 784])); // real
   * ```
   */
  apply(inputs: SymbolicTensor, options?: CallOptions): SymbolicTensor;
  apply(inputs: SymbolicTensor[], options?: CallOptions): SymbolicTensor | SymbolicTensor[];
  apply(inputs: tf.Tensor, options?: CallOptions): tf.Tensor;
  apply(inputs: tf.Tensor[], options?: CallOptions): Tensors;
  apply(inputs: Tensors | SymbolicTensors, options?: CallOptions): Tensors | SymbolicTensors;
  apply(inputs: Tensors | SymbolicTensors, options: CallOptions = {}): Tensors | SymbolicTensors {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const symbolic = list.map((x) => isSymbolic(x));
    if (symbolic.some(Boolean)) {
      if (!symbolic.every(Boolean)) {
        throw new DltsError('DLTS_VALUE', `${this.name}: cannot mix symbolic and real tensors in one call`);
      }
      return this.applySymbolic(list as SymbolicTensor[], Array.isArray(inputs));
    }
    const real = list as tf.Tensor[];
    const shapes = real.map((x) => x.shape as Shape);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]);
    this.checkInput(Array.isArray(inputs) ? shapes : shapes[0]);
    // Intermediate tensors of the call are freed; only its outputs survive.
    return tf.tidy(() => this.call(inputs as Tensors, options));
  }

  /** Builds the layer for `inputShape` if it is not built yet. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (!this.built) {
      this.build(inputShape);
      this.built = true;
    }
  }

  /**
   * Checks an input shape before a call; layers with a fixed input size override it to fail with
   * a clear message (Keras's `InputSpec`).
   */
  checkInput(inputShape: Shape | Shape[]): void {
    void inputShape;
  }

  private applySymbolic(inputs: SymbolicTensor[], isList: boolean): SymbolicTensors {
    const shapes = inputs.map((x) => x.shape);
    const inputShape = isList ? shapes : shapes[0];
    this.ensureBuilt(inputShape);
    this.checkInput(inputShape);
    const out = this.computeOutputShape(inputShape);
    const outShapes = isShapeList(out) ? out : [out];
    const nodeIndex = this.inboundNodes.length;
    const outputs = outShapes.map(
      (shape, i) => new SymbolicTensor(shape, this.outputDtype(inputs), this, nodeIndex, i, `${this.name}/output:${i}`),
    );
    this.inboundNodes.push(new Node(this, inputs, outputs, isList));
    return isShapeList(out) ? outputs : outputs[0];
  }

  /** Dtype of the outputs for these inputs (float32 for nearly every layer). */
  protected outputDtype(inputs: SymbolicTensor[]): tf.DataType {
    void inputs;
    return this.dtype;
  }

  /**
   * Output shape of the layer's first call in a graph, as Keras's `output_shape`
   * (an array of shapes for a layer with several outputs).
   */
  get outputShape(): Shape | Shape[] {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new DltsError('DLTS_NOT_BUILT', `${this.name}: the layer has never been called, so it has no defined output shape`);
    }
    return node.outputs.length === 1 ? node.outputs[0].shape : node.outputs.map((o) => o.shape);
  }

  /** Symbolic output of the layer's first call. */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new DltsError('DLTS_NOT_BUILT', `${this.name}: the layer has never been called, so it has no output`);
    return node.outputs.length === 1 ? node.outputs[0] : node.outputs;
  }

  /** Symbolic input of the layer's first call. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new DltsError('DLTS_NOT_BUILT', `${this.name}: the layer has never been called, so it has no input`);
    return node.inputs.length === 1 && !node.inputIsList ? node.inputs[0] : node.inputs;
  }

  /** Copies of the weight values, in `weights` order (Keras's `get_weights`). The caller owns them. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => w.variable.clone());
  }

  /**
   * Sets the weight values, in `weights` order (Keras's `set_weights`).
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when the count or a shape differs, naming the weight.
   */
  setWeights(values: tf.Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}.setWeights: expected ${weights.length} weight(s). Received: ${values.length} value(s)`,
      );
    }
    weights.forEach((w, i) => {
      const v = values[i];
      if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${this.name}.setWeights: weight ${w.name} has shape ${formatShape(w.shape)}. Received: ${formatShape(v.shape)}`,
        );
      }
    });
    tf.tidy(() => weights.forEach((w, i) => w.assign(values[i].dtype === w.variable.dtype ? values[i] : tf.cast(values[i], w.variable.dtype))));
  }

  /** Sum of the regularization penalties of this layer's weights (Keras's `losses`). */
  regularizationLosses(): tf.Scalar[] {
    return this.weights.filter((w) => w.regularizer).map((w) => w.regularizer!.apply(w.variable));
  }

  /** Frees the layer's weights. */
  dispose(): void {
    for (const w of this._weights) w.dispose();
    this._weights.length = 0;
    this.built = false;
  }
}

/** True when a `computeOutputShape` result is a list of shapes rather than one shape. */
export function isShapeList(shape: Shape | Shape[]): shape is Shape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}
