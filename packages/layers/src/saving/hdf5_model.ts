import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Layer } from '../engine/layer';
import { Model } from '../models/model';
import type { CompileArgs } from '../training/compile';
import { fromConfig, type SerializedLayer } from './deserialize';
import { child, isDataset, isGroup, readFloat32, readHdf5, readStringAttr, readStringList, writeDataset, writeStringAttr, writeStringList, type H5Group } from './hdf5_file';
import { loadWeightsFromGroup, saveWeightsToGroup, writeHdf5Atomic } from './hdf5_weights';
import { KERAS_VERSION, trainingConfig } from './save';

/** Options of {@link loadModelHdf5} and `loadKerasModel`. */
export interface LoadModelHdf5Options {
  /** Compile the model with the training configuration saved in the file, if any. Default true. */
  compile?: boolean;
}

/** Options of {@link saveModelHdf5}. */
export interface SaveModelHdf5Options {
  /**
   * Also save the optimizer's state (`optimizer_weights`), so that a model loaded by
   * `loadModelHdf5` resumes training exactly. Default true (as Keras).
   */
  includeOptimizer?: boolean;
}

/** The root attribute dlts adds to the files it writes (Keras ignores it). */
const GENERATED_BY = 'dlts';

/**
 * Loads a whole model saved in Keras's HDF5 format (R: `load_model_hdf5("model.h5")`, Keras's
 * `load_model('model.h5')`): the architecture from the `model_config` attribute (Keras 2 / tf.keras
 * or Keras 3 legacy layout; Sequential and functional models, nested models), the weights from
 * `model_weights`, and, when the file has a `training_config` and `compile` is not false, the
 * compile settings (optimizer, loss, metrics). The optimizer's saved state is restored for files
 * written by dlts; for files written by Keras a fresh optimizer is used (as Keras does when the
 * state does not fit).
 *
 * @param path - the `.h5` file.
 * @param options - `compile` (default true).
 * @returns the model, with its weights, compiled when the file says how.
 * @throws DltsError `DLTS_IO` for a missing, non-HDF5 or malformed file, or a weights-only file
 *   (naming the file), `DLTS_UNSUPPORTED` for a layer class dlts does not have,
 *   `DLTS_SHAPE_MISMATCH` when the weights do not fit the architecture.
 * @example
 * ```ts
 * const model = await loadModelHdf5('cats_and_dogs_small_2.h5');
 * model.summary();
 * const probs = model.predict(images) as tf.Tensor;
 * ```
 */
export async function loadModelHdf5(path: string, options: LoadModelHdf5Options = {}): Promise<Model> {
  const fn = 'loadModelHdf5';
  return readHdf5(path, fn, (file) => {
    const configText = readStringAttr(file, 'model_config', path);
    if (configText === undefined) {
      const weightsOnly = readStringList(file, 'layer_names', path) !== undefined;
      throw new DltsError(
        'DLTS_IO',
        weightsOnly
          ? `${fn}: ${path} holds only weights (no model_config): build the model in code and use loadWeightsHdf5`
          : `${fn}: no model config found in ${path} (no model_config attribute)`,
      );
    }
    const modelConfig = parseJson(configText, `${fn}: the model_config of ${path}`);
    const model = buildModel(modelConfig, path, fn);
    try {
      const weights = child(file, 'model_weights');
      if (!weights || !isGroup(weights)) throw new DltsError('DLTS_IO', `${fn}: ${path} has no model_weights group`);
      loadWeightsFromGroup(model, weights, path, {}, fn);
      const trainingText = readStringAttr(file, 'training_config', path);
      if ((options.compile ?? true) && trainingText !== undefined) {
        const training = parseJson(trainingText, `${fn}: the training_config of ${path}`);
        compileFromTrainingConfig(model, training, path, fn);
        if (readStringAttr(file, 'generated_by', path) === GENERATED_BY) restoreOptimizer(model, file, path, fn);
      }
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  });
}

/**
 * Saves a whole model in Keras's HDF5 format (R: `save_model_hdf5(model, "model.h5")`): root
 * attributes `keras_version`, `backend`, `model_config` (the Keras config, with Keras's class names
 * and keys) and `training_config` (when compiled); the weights in `model_weights` (`layer_names`,
 * per-layer `weight_names` and datasets, as tf.keras writes them); the optimizer's state in
 * `optimizer_weights`. Keras (tf.keras and Keras 3) and h5py read it; `loadModelHdf5` gives back
 * exactly the same model (weights bit for bit, names, frozen layers, compile settings, optimizer
 * state). The file is written to a temporary name and renamed, so it is never seen half-written.
 *
 * @param model - the model (built).
 * @param path - the `.h5` file (replaced if it exists; its folder is created).
 * @param options - `includeOptimizer` (default true).
 * @returns nothing.
 * @throws DltsError `DLTS_NOT_BUILT` for a model without weights yet, `DLTS_VALUE` for duplicate
 *   layer names, `DLTS_IO` when the file cannot be written.
 * @example
 * ```ts
 * await saveModelHdf5(model, 'cats_and_dogs_small_1.h5');
 * const again = await loadModelHdf5('cats_and_dogs_small_1.h5');
 * ```
 */
export async function saveModelHdf5(model: Model, path: string, options: SaveModelHdf5Options = {}): Promise<void> {
  const fn = 'saveModelHdf5';
  if (!(model instanceof Model)) throw new DltsError('DLTS_VALUE', `${fn}: expected a model. Received: ${received(model)}`);
  if (!model.built) {
    throw new DltsError('DLTS_NOT_BUILT', `${fn}: the model ${model.name} has not been built yet (give its first layer an inputShape, or call it on data)`);
  }
  const modelConfig = asciiJson({ class_name: model.className, config: model.getConfig() });
  const training = model.compiled ? asciiJson(trainingConfig(model)) : undefined;
  let optimizerState: tf.Tensor[] = [];
  if (model.compiled && (options.includeOptimizer ?? true)) optimizerState = model.compiled.optimizer.getWeights();
  try {
    await writeHdf5Atomic(path, fn, (file) => {
      writeStringAttr(file, 'backend', 'tensorflow');
      writeStringAttr(file, 'keras_version', KERAS_VERSION);
      writeStringAttr(file, 'generated_by', GENERATED_BY);
      writeStringAttr(file, 'model_config', modelConfig);
      if (training !== undefined) writeStringAttr(file, 'training_config', training);
      saveWeightsToGroup(model, file.create_group('model_weights'));
      if (optimizerState.length > 0) {
        const group = file.create_group('optimizer_weights');
        const prefix = model.compiled!.optimizer.className;
        const names = optimizerState.map((_, i) => (i === 0 ? `${prefix}/iter:0` : `${prefix}/state_${i}:0`));
        writeStringList(group, 'weight_names', names);
        optimizerState.forEach((t, i) => {
          const values = t.dataSync();
          const data = i === 0 ? BigInt64Array.of(BigInt(Math.round(values[0]))) : t.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
          writeDataset(group, names[i], data, t.shape.slice());
        });
      }
    });
  } finally {
    tf.dispose(optimizerState);
  }
}

/** JSON as Python's `json.dumps` writes it by default (ASCII only, non-ASCII as `\uXXXX`). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses a JSON attribute; `DLTS_IO` naming what it was on failure. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Rebuilds the model of a Keras model config (`{class_name, config}`), with clear errors. */
export function buildModel(modelConfig: unknown, path: string, fn: string): Model {
  if (!isObject(modelConfig) || typeof modelConfig.class_name !== 'string') {
    throw new DltsError('DLTS_IO', `${fn}: the model config of ${path} must be {class_name, config}. Received: ${received(modelConfig)}`);
  }
  let built: Layer;
  try {
    built = fromConfig(modelConfig as unknown as SerializedLayer);
  } catch (error) {
    const code = error instanceof DltsError && error.code === 'DLTS_UNSUPPORTED' ? 'DLTS_UNSUPPORTED' : 'DLTS_IO';
    throw new DltsError(code, `${fn}: cannot rebuild the model of ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!(built instanceof Model)) {
    built.dispose();
    throw new DltsError('DLTS_IO', `${fn}: the model config of ${path} holds a ${built.className} layer, not a model`);
  }
  return built;
}

/**
 * Compiles `model` with a Keras training (or Keras 3 compile) config: `optimizer_config` or
 * `optimizer`, `loss`, `metrics`, `loss_weights`.
 */
export function compileFromTrainingConfig(model: Model, training: unknown, path: string, fn: string): void {
  if (!isObject(training)) throw new DltsError('DLTS_IO', `${fn}: the training config of ${path} must be an object. Received: ${received(training)}`);
  const optimizer = training.optimizer_config ?? training.optimizer;
  if (optimizer === undefined || optimizer === null || training.loss === undefined || training.loss === null) return;
  try {
    model.compile({
      optimizer: fromKeras(optimizer) as CompileArgs['optimizer'],
      loss: fromKeras(training.loss) as CompileArgs['loss'],
      metrics: (fromKeras(training.metrics) ?? undefined) as CompileArgs['metrics'],
      lossWeights: (training.loss_weights ?? undefined) as CompileArgs['lossWeights'],
    });
  } catch (error) {
    throw new DltsError(
      error instanceof DltsError && error.code === 'DLTS_UNSUPPORTED' ? 'DLTS_UNSUPPORTED' : 'DLTS_IO',
      `${fn}: cannot compile the model of ${path} with its training config (load it with {compile: false} and compile it yourself): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Keras's serialised `{class_name, config}` (optimizers, losses, metrics) -> the `{className, config}` compile takes. */
function fromKeras(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromKeras);
  if (isObject(value)) {
    if (typeof value.class_name === 'string') return { className: value.class_name, config: value.config ?? {} };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromKeras(v)]));
  }
  return value;
}

/** Restores the optimizer state dlts saved in `optimizer_weights` (its own order). */
function restoreOptimizer(model: Model, file: H5Group, path: string, fn: string): void {
  const group = child(file, 'optimizer_weights');
  if (!group || !isGroup(group) || !model.compiled) return;
  const names = readStringList(group, 'weight_names', `${path}:/optimizer_weights`) ?? [];
  const state = names.map((name) => {
    const ds = child(group, name);
    if (!ds || !isDataset(ds)) throw new DltsError('DLTS_IO', `${fn}: ${path} lists optimizer weight ${name} but has no dataset for it`);
    const values = readFloat32(ds, `${fn}: ${path}:${ds.path}`);
    return name.endsWith('/iter:0') ? tf.scalar(values[0], 'int32') : tf.tensor(values, ds.shape ?? [], 'float32');
  });
  try {
    model.compiled.optimizer.setWeights(state);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: the optimizer state in ${path} does not fit the model's optimizer: ${(error as Error).message}`, { cause: error });
  } finally {
    tf.dispose(state);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
