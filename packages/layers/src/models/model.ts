import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import { buildGraph, inferGraphShapes, runGraph, type Graph } from '../engine/graph';
import { InputLayer } from '../engine/input_layer';
import { Layer, type CallOptions, type LayerArgs, type Tensors } from '../engine/layer';
import { uniqueName } from '../engine/naming';
import type { Shape } from '../engine/shape';
import type { SymbolicTensor } from '../engine/symbolic';
import { compileModel, type CompileArgs, type CompiledState } from '../training/compile';
import { evaluateModel, type EvaluateArgs } from '../training/evaluate';
import { fitModel, type FitArgs, type FitData } from '../training/fit';
import type { History } from '../callbacks/history';
import { predictFromSource, predictModel, type PredictArgs } from '../training/predict';
import { testOnBatch, trainOnBatch } from '../training/step';
import { isBatchSource, type BatchSource, type DataInput } from '../training/data';
import { summarize, type SummaryOptions } from './summary';
import { saveModel, type SaveOptions } from '../saving/save';

/** Arguments of {@link model}. */
export interface ModelArgs {
  /** The symbolic input(s) (from `input()`). */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The symbolic output(s): the model computes these from the inputs. */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** Model name; default `model`, `model_1`, ... */
  name?: string;
}

/**
 * A model: a graph of layers from inputs to outputs, with Keras's training API
 * (`compile`, `fit`, `evaluate`, `predict`, `summary`). A model is itself a layer and can be used
 * inside another model (as the course does with `conv_base`).
 *
 * Build one with {@link model} (functional) or `sequential([...])`.
 *
 * @example
 * ```ts
 * import { Model, dense, input, model } from '@dlts/layers';
 * const x = input({ shape: [784] });
 * const h = dense({ units: 512, activation: 'relu' }).apply(x);
 * const y = dense({ units: 10, activation: 'softmax' }).apply(h);
 * const network = model({ inputs: x, outputs: y });
 * network instanceof Model; // true
 * network.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * ```
 */
export class Model extends Layer {
  static override className = 'Functional';

  /** Set by a callback (e.g. EarlyStopping) to end `fit` after the current epoch. */
  stopTraining = false;

  protected _inputs: SymbolicTensor[] = [];
  protected _outputs: SymbolicTensor[] = [];
  protected graph: Graph = { nodes: [], layers: [] };
  /** What `compile` set up; undefined before. */
  compiled?: CompiledState;

  constructor(args: ModelArgs | (LayerArgs & { name?: string })) {
    const isGraph = 'inputs' in args && 'outputs' in args;
    super({ name: args.name ?? uniqueName(isGraph ? 'model' : 'sequential') });
    if (isGraph) this.initGraph(toList((args as ModelArgs).inputs), toList((args as ModelArgs).outputs));
  }

  /** Wires the graph between `inputs` and `outputs` (used by constructors). */
  protected initGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    if (inputs.length === 0 || outputs.length === 0) {
      throw new DltsError('DLTS_VALUE', `${this.name}: a model needs at least one input and one output. Received: ${inputs.length} input(s), ${outputs.length} output(s)`);
    }
    for (const x of [...inputs, ...outputs]) {
      if (!(x && typeof x === 'object' && 'sourceLayer' in x)) {
        throw new DltsError('DLTS_VALUE', `${this.name}: inputs and outputs must be symbolic tensors (from input() and layer.apply). Received: ${received(x)}`);
      }
    }
    this.graph = buildGraph(inputs, outputs);
    this._inputs = inputs;
    this._outputs = outputs;
    this.built = true;
  }

  /** The model's symbolic inputs. */
  get inputs(): SymbolicTensor[] {
    return this._inputs;
  }

  /** The model's symbolic outputs. */
  get outputs(): SymbolicTensor[] {
    return this._outputs;
  }

  /** Layers of the model in graph order (input layers included for functional models, as Keras). */
  get layers(): Layer[] {
    return this.graph.layers.slice();
  }

  override sublayers(): Layer[] {
    return this.layers;
  }

  /** Names of the output layers, used for multi-output losses, metrics and history keys. */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.sourceLayer.name);
  }

  /** Names of the input layers. */
  get inputNames(): string[] {
    return this.inputs.map((i) => i.sourceLayer.name);
  }

  /**
   * A layer by name or by index (0-based; negative counts from the end), as Keras's `get_layer`.
   * @throws DltsError `DLTS_VALUE` when there is no such layer.
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const i = nameOrIndex < 0 ? layers.length + nameOrIndex : nameOrIndex;
      if (!Number.isInteger(nameOrIndex) || i < 0 || i >= layers.length) {
        throw new DltsError('DLTS_VALUE', `getLayer: the model has ${layers.length} layers. Received: index=${nameOrIndex}`);
      }
      return layers[i];
    }
    const found = layers.find((l) => l.name === nameOrIndex);
    if (!found) {
      throw new DltsError(
        'DLTS_VALUE',
        `getLayer: no such layer: ${nameOrIndex}. Existing layers are: [${layers.map((l) => `'${l.name}'`).join(', ')}]. Received: name=${received(nameOrIndex)}`,
      );
    }
    return found;
  }

  override get outputShape(): Shape | Shape[] {
    const shapes = this.outputs.map((o) => o.shape);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.inputs.length === 1 ? [inputShape as Shape] : (inputShape as Shape[]);
    const out = inferGraphShapes(this.graph, this.inputs, this.outputs, shapes);
    return out.length === 1 ? out[0] : out;
  }

  override call(inputs: Tensors, options: CallOptions): Tensors {
    const out = this.callOutputs(Array.isArray(inputs) ? inputs : [inputs], options);
    return out.length === 1 ? out[0] : out;
  }

  /** Runs the model on a list of inputs (in `inputs` order) and returns the list of outputs. */
  callOutputs(inputs: tf.Tensor[], options: CallOptions): tf.Tensor[] {
    if (inputs.length !== this.inputs.length) {
      throw new DltsError('DLTS_VALUE', `${this.name}: expected ${this.inputs.length} input(s). Received: ${inputs.length}`);
    }
    const cast = inputs.map((x, i) => castInput(x, this.inputs[i].dtype));
    return runGraph(this.graph, this.inputs, this.outputs, cast, options);
  }

  /**
   * The Keras summary table, printed (unless `print: false`) and returned as a string. Formatted as
   * R keras prints it (80 columns, blank rows removed, the `Trainable` column shown when some
   * weights are frozen); pass `lineLength`, `positions`, `compact` to change that.
   *
   * @example
   * ```ts
   * const text = model.summary({ print: false });
   * ```
   */
  summary(options: SummaryOptions = {}): string {
    const text = summarize(this, options);
    if (options.print ?? true) (options.printFn ?? console.log)(text);
    return text;
  }

  /**
   * Configures training: optimizer, loss and metrics (R: `compile(optimizer = "rmsprop", loss = ..., metrics = c("accuracy"))`).
   * Snapshots the trainable weights, as Keras: freezing or unfreezing later needs a new `compile`.
   *
   * @example
   * ```ts
   * model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
   * ```
   */
  compile(args: CompileArgs): void {
    if (this.compiled) this.compiled.dispose();
    this.compiled = compileModel(this, args);
  }

  /**
   * Trains the model (R: `fit(x, y, epochs = 5, batch_size = 128)`). `x` and `y` are tensors (or
   * lists / name maps for several inputs and outputs); or pass a (async) iterator of `[x, y]` batches
   * as `x` with `stepsPerEpoch`: `fit(generator, { stepsPerEpoch: 100, epochs: 30 })`.
   *
   * @returns the History: `history.history.loss`, `.accuracy`, `.val_loss`, ... per epoch.
   * @example
   * ```ts
   * const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 128 });
   * ```
   */
  fit(x: BatchSource, args?: FitArgs): Promise<History>;
  fit(x: FitData, y?: DataInput, args?: FitArgs): Promise<History>;
  fit(x: FitData, y?: DataInput | FitArgs, args: FitArgs = {}): Promise<History> {
    if (isBatchSource(x) && isOptions(y)) return fitModel(this, x, undefined, y);
    return fitModel(this, x, y as DataInput | undefined, args);
  }

  /**
   * Loss and metrics on test data (R: `evaluate(x, y)`): `{loss: 0.063, accuracy: 0.981}`.
   * @example
   * ```ts
   * const { loss, accuracy } = await model.evaluate(xTest, yTest);
   * ```
   */
  evaluate(x: BatchSource, args?: EvaluateArgs): Promise<Record<string, number>>;
  evaluate(x: FitData, y?: DataInput, args?: EvaluateArgs): Promise<Record<string, number>>;
  evaluate(x: FitData, y?: DataInput | EvaluateArgs, args: EvaluateArgs = {}): Promise<Record<string, number>> {
    if (isBatchSource(x) && isOptions(y)) return evaluateModel(this, x, undefined, y);
    return evaluateModel(this, x, y as DataInput | undefined, args);
  }

  /**
   * Predictions for `x`, computed in batches (R: `predict(x)`). The caller owns the result.
   * Given a batch source (a generator of `x` or `[x, y]` batches, e.g. `flowFromDirectory`), it
   * reads `steps` batches (or until the source ends) and returns a promise.
   * @example
   * ```ts
   * const probs = model.predict(xTest.slice([0, 0], [2, 784])) as tf.Tensor;
   * ```
   */
  predict(x: DataInput, args?: PredictArgs): Tensors;
  predict(x: BatchSource, args?: PredictArgs): Promise<Tensors>;
  predict(x: DataInput | BatchSource, args: PredictArgs = {}): Tensors | Promise<Tensors> {
    if (isBatchSource(x)) return predictFromSource(this, x, args);
    return predictModel(this, x, args);
  }

  /** Predictions for one batch, without batching (R: `predict_on_batch`). */
  predictOnBatch(x: DataInput): Tensors {
    return predictModel(this, x, { batchSize: Number.MAX_SAFE_INTEGER });
  }

  /** One optimisation step on one batch; returns `{loss, ...metrics}` for that batch (R: `train_on_batch`). */
  trainOnBatch(x: DataInput, y: DataInput, sampleWeight?: tf.Tensor): Record<string, number> {
    return trainOnBatch(this, x, y, sampleWeight);
  }

  /** Loss and metrics for one batch without training (R: `test_on_batch`). */
  testOnBatch(x: DataInput, y: DataInput, sampleWeight?: tf.Tensor): Record<string, number> {
    return testOnBatch(this, x, y, sampleWeight);
  }

  /**
   * Saves the model. A path ending in `.h5` or `.hdf5` is written as a Keras HDF5 file
   * (`saveModelHdf5`, what R's `save_model_hdf5` writes); any other path is a directory in the dlts
   * format (replaced atomically): `model.json` with the Keras model config, training config and
   * weight manifest, `weights.bin`, and `optimizer.bin` when compiled. Load it with `loadModel(dir)`
   * or `loadModelHdf5(path)`.
   *
   * @example
   * ```ts
   * await model.save('models/cats_and_dogs_small_1');      // dlts directory
   * await model.save('cats_and_dogs_small_1.h5');          // Keras HDF5
   * ```
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    if (/\.(h5|hdf5)$/i.test(path)) {
      // Loaded on demand: the HDF5 code imports the deserializer, which imports this module.
      const { saveModelHdf5 } = await import('../saving/hdf5_model');
      return saveModelHdf5(this, path, { includeOptimizer: options.includeOptimizer });
    }
    return saveModel(this, path, options);
  }

  override getConfig(): Record<string, unknown> {
    const layerConfigs = this.layers.map((layer) => {
      const inbound = layer.inboundNodes
        .filter((node) => this.graph.nodes.includes(node) && node.inputs.length > 0)
        .map((node) =>
          node.inputs.map((t) => {
            const src = t.sourceLayer;
            const nodeIndex = this.nodeIndexInModel(src, t.nodeIndex);
            return [src.name, nodeIndex, t.outputIndex, {}];
          }),
        );
      return { class_name: layer.className, config: layer.getConfig(), name: layer.name, inbound_nodes: inbound };
    });
    const ref = (t: SymbolicTensor) => [t.sourceLayer.name, this.nodeIndexInModel(t.sourceLayer, t.nodeIndex), t.outputIndex];
    return {
      name: this.name,
      trainable: this.trainable,
      layers: layerConfigs,
      input_layers: this.inputs.map(ref),
      output_layers: this.outputs.map(ref),
    };
  }

  /** Index of a layer's node among the nodes that belong to this model (Keras's node_index in configs). */
  private nodeIndexInModel(layer: Layer, nodeIndex: number): number {
    const nodes = layer.inboundNodes.filter((n) => this.graph.nodes.includes(n));
    const i = nodes.indexOf(layer.inboundNodes[nodeIndex]);
    return i < 0 ? 0 : i;
  }

  /** Frees every weight of the model and its optimizer state. */
  override dispose(): void {
    this.compiled?.dispose();
    this.compiled = undefined;
    for (const layer of this.layers) layer.dispose();
    super.dispose();
  }
}

/**
 * Builds a functional model from symbolic inputs to outputs (R: `keras_model(inputs, outputs)`).
 * Several inputs and outputs, shared layers and branches are allowed.
 *
 * @example
 * ```ts
 * const x = input({ shape: [784] });
 * const h = dense({ units: 512, activation: 'relu' }).apply(x);
 * const y = dense({ units: 10, activation: 'softmax' }).apply(h);
 * const m = model({ inputs: x, outputs: y });
 * ```
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}

/** True when `y` is an options object rather than target data (for `fit(generator, {...})`). */
function isOptions(y: unknown): y is Record<string, unknown> {
  if (y === null || typeof y !== 'object' || y instanceof tf.Tensor || Array.isArray(y)) return false;
  return Object.values(y).every((v) => !(v instanceof tf.Tensor));
}

function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

function castInput(x: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new DltsError('DLTS_VALUE', `model: inputs must be tensors. Received: ${received(x)}`);
  }
  return x.dtype === dtype ? x : tf.cast(x, dtype);
}

export { InputLayer };
