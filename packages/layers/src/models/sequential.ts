import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { InputLayer } from '../engine/input_layer';
import { Layer, type CallOptions, type Tensors } from '../engine/layer';
import { uniqueName } from '../engine/naming';
import { formatShape, type Shape } from '../engine/shape';
import { isSymbolic, type SymbolicTensor } from '../engine/symbolic';
import { Model } from './model';

/** Arguments of {@link sequential}. */
export interface SequentialArgs {
  /** Layers in order (more can be added with `add`). */
  layers?: (Layer | SymbolicTensor)[];
  /** Model name; default `sequential`, `sequential_1`, ... */
  name?: string;
}

/**
 * A linear stack of layers (R: `keras_model_sequential()`). The graph is built as soon as the
 * input shape is known (from the first layer's `inputShape`, an `input()`, or the first data).
 *
 * @example
 * ```ts
 * import { Sequential, dense, sequential } from '@dlts/layers';
 * const network = sequential([dense({ units: 16, activation: 'relu', inputShape: [10000] })]);
 * network.add(dense({ units: 1, activation: 'sigmoid' }));
 * network instanceof Sequential; // true
 * network.layers.length; // 2
 * ```
 */
export class Sequential extends Model {
  static override className = 'Sequential';

  private readonly stack: Layer[] = [];
  private inputLayer?: InputLayer;

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name ?? uniqueName('sequential') });
    this.built = false;
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** Layers added to the model (the automatic input layer is not listed, as Keras). */
  override get layers(): Layer[] {
    return this.stack.slice();
  }

  /**
   * Appends a layer (R: `model %>% layer_dense(...)`). When the model already knows its input
   * shape the layer is connected at once, so shape errors show here.
   *
   * @example
   * ```ts
   * const m = sequential();
   * m.add(dense({ units: 32, inputShape: [16] }));
   * ```
   */
  add(layer: Layer | SymbolicTensor): this {
    if (isSymbolic(layer)) {
      if (!(layer.sourceLayer instanceof InputLayer)) {
        throw new DltsError('DLTS_VALUE', `${this.name}.add: a symbolic tensor can only be added when it comes from input(). Received: ${layer.name}`);
      }
      if (this.stack.length > 0 || this.inputLayer) {
        throw new DltsError('DLTS_VALUE', `${this.name}.add: an input can only be the first element of a sequential model`);
      }
      this.inputLayer = layer.sourceLayer;
      this.connect(layer.sourceLayer.output as SymbolicTensor, []);
      return this;
    }
    if (!(layer instanceof Layer)) {
      throw new DltsError('DLTS_VALUE', `${this.name}.add: expected a layer. Received: ${received(layer)}`);
    }
    if (layer instanceof InputLayer) return this.add(layer.output as SymbolicTensor);
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new DltsError(
        'DLTS_VALUE',
        `${this.name}.add: all layers added to a Sequential model should have unique names. Name "${layer.name}" is already the name of a layer in this model`,
      );
    }
    this.stack.push(layer);
    if (this.built) {
      this.connect(this._outputs[0], [layer]);
    } else if (this.stack.length === 1) {
      const shape = firstInputShape(layer);
      if (shape) this.buildFromShape(shape);
    }
    return this;
  }

  /** Removes the last layer (R: `pop_layer`). */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new DltsError('DLTS_VALUE', `${this.name}.pop: there are no layers to remove`);
    const inputShape = this._inputs[0]?.shape;
    this.built = false;
    this._inputs = [];
    this._outputs = [];
    if (inputShape && this.stack.length > 0) this.buildFromShape(inputShape);
    return layer;
  }

  /**
   * Builds the model for inputs of `inputShape` (with the batch axis), as Keras's `build()`.
   * Called automatically by the first `fit`/`predict` when no input shape was given.
   */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (!this.built) this.buildFromShape(shape);
  }

  private buildFromShape(shape: Shape): void {
    if (this.stack.length === 0 && !this.inputLayer) {
      throw new DltsError('DLTS_VALUE', `${this.name}: the model has no layers to build`);
    }
    if (!this.inputLayer) {
      const first = this.stack[0];
      const dtype = first instanceof Model && first.inputs[0] ? first.inputs[0].dtype : 'float32';
      this.inputLayer = new InputLayer({ batchShape: shape, name: `${first.name}_input`, dtype });
    }
    this.connect(this.inputLayer.output as SymbolicTensor, this.stack);
  }

  private connect(from: SymbolicTensor, layers: Layer[]): void {
    let x = from;
    if (!this.built) this._inputs = [from];
    for (const layer of layers) {
      const y = layer.apply(x);
      if (Array.isArray(y)) {
        throw new DltsError('DLTS_VALUE', `${this.name}: every layer of a sequential model must have one output; "${layer.name}" has ${y.length}`);
      }
      x = y;
    }
    this._outputs = [x];
    this.graph = { nodes: [], layers: this.stack };
    this.built = true;
  }

  override callOutputs(inputs: tf.Tensor[], options: CallOptions): tf.Tensor[] {
    if (inputs.length !== 1) {
      throw new DltsError('DLTS_VALUE', `${this.name}: a sequential model takes one input. Received: ${inputs.length}`);
    }
    if (!this.built) this.buildFromShape([null, ...inputs[0].shape.slice(1)]);
    const expected = this._inputs[0].shape;
    const got = inputs[0].shape;
    if (got.length !== expected.length || expected.some((d, i) => d !== null && d !== got[i])) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${this.name}: input has incompatible shape. Expected ${formatShape(expected)}. Received: ${formatShape(got)}`,
      );
    }
    let x: Tensors = inputs[0].dtype === this._inputs[0].dtype ? inputs[0] : tf.cast(inputs[0], this._inputs[0].dtype);
    for (const layer of this.stack) x = layer.apply(x, options);
    return [x as tf.Tensor];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    let shape = inputShape;
    for (const layer of this.stack) shape = layer.computeOutputShape(shape);
    return shape;
  }

  override getConfig(): Record<string, unknown> {
    const layers: Record<string, unknown>[] = [];
    if (this.inputLayer) layers.push({ class_name: 'InputLayer', config: this.inputLayer.getConfig() });
    for (const layer of this.stack) layers.push({ class_name: layer.className, config: layer.getConfig() });
    return { name: this.name, layers };
  }
}

/**
 * Creates a sequential model (R: `keras_model_sequential() %>% layer_dense(...) %>% ...`).
 *
 * @example
 * ```ts
 * const network = sequential([
 *   dense({ units: 512, activation: 'relu', inputShape: [28 * 28] }),
 *   dense({ units: 10, activation: 'softmax' }),
 * ]);
 * ```
 */
export function sequential(layers: (Layer | SymbolicTensor)[] = [], options: { name?: string } = {}): Sequential {
  return new Sequential({ layers, name: options.name });
}

function firstInputShape(layer: Layer): Shape | undefined {
  if (layer.batchInputShape) return layer.batchInputShape;
  if (layer instanceof Model && layer.built && layer.inputs.length === 1) return layer.inputs[0].shape;
  return undefined;
}
