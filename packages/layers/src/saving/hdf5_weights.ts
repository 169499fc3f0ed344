import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import type { Layer } from '../engine/layer';
import { formatShape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { Model } from '../models/model';
import {
  child,
  isDataset,
  isGroup,
  readFloat32,
  readHdf5,
  readStringAttr,
  readStringList,
  writeDataset,
  writeHdf5,
  writeStringAttr,
  writeStringList,
  type H5Dataset,
  type H5Group,
} from './hdf5_file';
import { isKeras3WeightsGroup, loadKeras3Weights } from './keras_weights';
import { KERAS_VERSION } from './save';

/** Options of {@link loadWeightsHdf5}. */
export interface LoadWeightsHdf5Options {
  /**
   * Pair the file's layers with the model's by name instead of by order (Keras's `by_name`):
   * layers of the file that the model lacks are ignored, and so are model layers the file lacks.
   * Default false.
   */
  byName?: boolean;
  /**
   * Skip (with a warning) the weights whose shape differs from the model's, and with `byName` the
   * layers whose weight count differs, instead of failing (Keras's `skip_mismatch`). Default false.
   */
  skipMismatch?: boolean;
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
}

/**
 * The weights of a layer in the order Keras's HDF5 files store them: trainable ones first, then
 * the others (Keras's `_legacy_weights`). For a model with some layers frozen this differs from
 * `layer.weights`, exactly as in Keras.
 */
export function legacyWeights(layer: Layer): LayerWeight[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/** One weight to set: the model's weight, the file's dataset and where it came from. */
interface Assignment {
  weight: LayerWeight;
  dataset: H5Dataset;
  where: string;
}

/** What a weights group looks like in the file, with its Keras version (for messages). */
interface FileLayer {
  name: string;
  group: H5Group;
  weightNames: string[];
}

/**
 * Loads weights from a Keras HDF5 weights file into a model (R: `load_model_weights_hdf5`,
 * Keras's `model.load_weights('file.h5')`).
 *
 * Every generation of Keras files is read: the legacy layout with the layer list at the root
 * (`layer_names`, also chunked as `layer_names0`, `layer_names1`, ...) or inside a `model_weights`
 * group (a whole-model file); per-layer `weight_names` flat as Keras 1 wrote them
 * (`block1_conv1_W_1:0`), nested as Keras 2 (`block1_conv1/kernel:0`) or as Keras 3's legacy
 * format (`sequential/dense/kernel`); and Keras 3's `.weights.h5` (`layers/<name>/vars/<i>`).
 * Layers without weights are skipped on both sides; the rest are paired by order (or by name), and
 * every count and shape is checked before any weight is changed, so a failed load leaves the
 * model as it was. Each weight is read, copied into the backend and released in turn: a large file
 * is never held in memory twice.
 *
 * @param model - the model to fill (built: its layers must have their weights).
 * @param path - the `.h5` file.
 * @param options - `byName`, `skipMismatch`, `warn`.
 * @returns nothing; the model's weights are set.
 * @throws DltsError `DLTS_IO` for a missing, non-HDF5 or malformed file (naming it),
 *   `DLTS_SHAPE_MISMATCH` when the layer count, a layer's weight count or a weight's shape differs
 *   (naming the layer in the model and in the file), `DLTS_UNSUPPORTED` for data dlts cannot read.
 * @example
 * ```ts
 * const convBase = await vgg16({ includeTop: false, weights: null, inputShape: [150, 150, 3] });
 * await loadWeightsHdf5(convBase, 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
 * ```
 */
export async function loadWeightsHdf5(model: Model, path: string, options: LoadWeightsHdf5Options = {}): Promise<void> {
  const fn = 'loadWeightsHdf5';
  if (!(model instanceof Model)) {
    throw new DltsError('DLTS_VALUE', `${fn}: expected a model. Received: ${model === null ? 'null' : typeof model}`);
  }
  await readHdf5(path, fn, (file) => {
    if (readStringList(file, 'layer_names', path) !== undefined) return loadWeightsFromGroup(model, file, path, options, fn);
    const nested = child(file, 'model_weights');
    if (nested && isGroup(nested)) return loadWeightsFromGroup(model, nested, path, options, fn);
    if (isKeras3WeightsGroup(file)) return loadKeras3Weights(model, file, path, { skipMismatch: options.skipMismatch, warn: options.warn }, fn);
    throw new DltsError('DLTS_IO', `${fn}: ${path} is not a Keras weights file (no layer_names attribute, no model_weights group, no layers group)`);
  });
}

/**
 * Loads the legacy-layout weights of `group` (a weights file's root or a model file's
 * `model_weights`) into `model`. Checks everything first, then assigns.
 */
export function loadWeightsFromGroup(model: Model, group: H5Group, file: string, options: LoadWeightsHdf5Options, fn: string): void {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const layerNames = readStringList(group, 'layer_names', `${file}:${group.path}`);
  if (layerNames === undefined) throw new DltsError('DLTS_IO', `${fn}: ${file} has no layer_names attribute in ${group.path}`);
  const version = readStringAttr(group, 'keras_version', file) ?? '1';
  const fileLayers: FileLayer[] = layerNames.map((name) => {
    const g = child(group, name);
    if (!g || !isGroup(g)) throw new DltsError('DLTS_IO', `${fn}: ${file} lists layer ${name} in layer_names but has no group for it`);
    return { name, group: g, weightNames: readStringList(g, 'weight_names', `${file}:${g.path}`) ?? [] };
  });
  const assignments: Assignment[] = [];
  const modelLayers = model.layers;

  if (options.byName) {
    const index = new Map<string, Layer[]>();
    for (const layer of modelLayers) index.set(layer.name, [...(index.get(layer.name) ?? []), layer]);
    fileLayers.forEach((saved, k) => {
      for (const layer of index.get(saved.name) ?? []) {
        const weights = legacyWeights(layer);
        if (weights.length !== saved.weightNames.length) {
          const message = `${fn}: weight count mismatch for layer #${k} (named ${layer.name}): the layer expects ${weights.length} weight(s). Received: ${saved.weightNames.length} saved weight(s) in ${file}`;
          if (options.skipMismatch) {
            warn(`${message}; skipped`);
            continue;
          }
          throw new DltsError('DLTS_SHAPE_MISMATCH', message);
        }
        pair(weights, saved, `layer #${k} (named ${layer.name})`);
      }
    });
  } else {
    const withWeights = modelLayers.filter((layer) => layer.weights.length > 0);
    const savedWithWeights = fileLayers.filter((saved) => saved.weightNames.length > 0);
    if (withWeights.length !== savedWithWeights.length) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${fn}: layer count mismatch: the model has ${withWeights.length} layer(s) with weights (${withWeights.map((l) => l.name).join(', ')}), ` +
          `${file} has ${savedWithWeights.length} (${savedWithWeights.map((s) => s.name).join(', ')}; Keras ${version}). Received: path=${JSON.stringify(file)}`,
      );
    }
    savedWithWeights.forEach((saved, k) => {
      const layer = withWeights[k];
      const weights = legacyWeights(layer);
      if (weights.length !== saved.weightNames.length) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${fn}: weight count mismatch for layer #${k} (named ${layer.name} in the model, ${saved.name} in ${file}): ` +
            `the layer expects ${weights.length} weight(s). Received: ${saved.weightNames.length} saved weight(s)`,
        );
      }
      pair(weights, saved, `layer #${k} (named ${layer.name} in the model, ${saved.name} in the file)`);
    });
  }
  assignWeights(assignments, file);

  function pair(weights: LayerWeight[], saved: FileLayer, label: string): void {
    weights.forEach((weight, i) => {
      const name = saved.weightNames[i];
      const ds = child(saved.group, name);
      if (!ds || !isDataset(ds)) throw new DltsError('DLTS_IO', `${fn}: ${file} lists weight ${name} of layer ${saved.name} but has no dataset for it`);
      const shape = ds.shape ?? [];
      if (shape.length !== weight.shape.length || shape.some((d, j) => d !== weight.shape[j])) {
        const message =
          `${fn}: shape mismatch in ${label} for weight ${weight.name}: the weight expects shape ${formatShape(weight.shape)}. ` +
          `Received: saved weight ${name} with shape ${formatShape(shape)} in ${file}`;
        if (options.skipMismatch) {
          warn(`${message}; skipped`);
          return;
        }
        throw new DltsError('DLTS_SHAPE_MISMATCH', message);
      }
      assignments.push({ weight, dataset: ds, where: `${fn}: ${file}:${ds.path}` });
    });
  }
}

/** Reads each dataset and assigns it, one weight at a time (one extra copy at most). */
export function assignWeights(assignments: Assignment[], file: string): void {
  void file;
  for (const { weight, dataset, where } of assignments) {
    const values = readFloat32(dataset, where);
    tf.tidy(() => {
      const t = tf.tensor(values, weight.shape, 'float32');
      weight.assign(weight.variable.dtype === 'float32' ? t : tf.cast(t, weight.variable.dtype));
    });
  }
}

/** The dataset name Keras 2 (tf.keras) gives a weight: `dense/kernel:0`. */
export function kerasWeightName(weight: LayerWeight): string {
  return `${weight.name}:0`;
}

/**
 * Writes the weights of `model` into `group` in Keras 2's layout: `layer_names`, `backend` and
 * `keras_version` attributes, one group per layer (in name order, as Keras) with `weight_names`
 * and the datasets, and an empty `top_level_model_weights` group.
 */
export function saveWeightsToGroup(model: Model, group: H5Group): void {
  const layers = model.layers;
  writeStringList(
    group,
    'layer_names',
    layers.map((l) => l.name),
  );
  writeStringAttr(group, 'backend', 'tensorflow');
  writeStringAttr(group, 'keras_version', KERAS_VERSION);
  const sorted = [...layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const layer of sorted) {
    if (child(group, layer.name)) throw new DltsError('DLTS_VALUE', `saveModelHdf5: two layers are named ${layer.name}; layer names must be unique`);
    const g = group.create_group(layer.name);
    const weights = legacyWeights(layer);
    const names = weights.map(kerasWeightName);
    writeStringList(g, 'weight_names', names);
    weights.forEach((w, i) => writeWeight(g, names[i], w));
  }
  writeStringList(group.create_group('top_level_model_weights'), 'weight_names', []);
}

function writeWeight(group: H5Group, name: string, weight: LayerWeight): void {
  const values = weight.variable.dataSync() as Float32Array | Int32Array;
  writeDataset(group, name, values instanceof Int32Array ? values : Float32Array.from(values), weight.shape.slice());
}

/**
 * Writes an HDF5 file atomically: `write` fills a temporary file next to `path`, which then
 * replaces `path` in one rename (readers never see a half-written file).
 */
export async function writeHdf5Atomic(path: string, fn: string, write: (file: H5Group) => void): Promise<void> {
  await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
    throw new DltsError('DLTS_IO', `${fn}: cannot create the folder of ${path}: ${(error as Error).message}`, { cause: error });
  });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeHdf5(tmp, fn, write);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Saves the weights of a model to an HDF5 file in Keras 2's layout (Keras's
 * `model.save_weights('file.h5')`, R's `save_model_weights_hdf5`). Written atomically.
 *
 * @param model - the model.
 * @param path - the `.h5` file to write (replaced if it exists).
 * @returns nothing.
 * @throws DltsError `DLTS_IO` when the file cannot be written, `DLTS_VALUE` for duplicate layer names.
 * @example
 * ```ts
 * await saveWeightsHdf5(model, 'weights.h5');
 * await loadWeightsHdf5(sameArchitecture, 'weights.h5');
 * ```
 */
export async function saveWeightsHdf5(model: Model, path: string): Promise<void> {
  const fn = 'saveWeightsHdf5';
  if (!(model instanceof Model)) throw new DltsError('DLTS_VALUE', `${fn}: expected a model. Received: ${typeof model}`);
  await writeHdf5Atomic(path, fn, (file) => saveWeightsToGroup(model, file));
}
