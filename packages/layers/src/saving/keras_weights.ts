/**
 * Keras 3's weights layout (`model.weights.h5` inside a `.keras` zip, or a `.weights.h5` file):
 * the model's layers under `layers/<snake_case class name, made unique>`, each layer's own
 * variables as datasets `vars/0`, `vars/1`, ... (trainable ones first), nested models recursively
 * (`layers/functional/layers/conv2d/vars/0`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import type { Layer } from '../engine/layer';
import { formatShape } from '../engine/shape';
import type { LayerWeight } from '../engine/weight';
import { Model } from '../models/model';
import { child, isDataset, isGroup, readFloat32, type H5Dataset, type H5Group } from './hdf5_file';

/** Keras 3's `naming.to_snake_case` (used for the paths in its weights files). */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Whether `root` looks like a Keras 3 weights file: a `layers` or `vars` group and no `layer_names`. */
export function isKeras3WeightsGroup(root: H5Group): boolean {
  const layers = child(root, 'layers');
  const vars = child(root, 'vars');
  return (layers !== null && isGroup(layers)) || (vars !== null && isGroup(vars));
}

/** A layer's own weights in Keras 3's store order: created-trainable first, then the others. */
function ownVariables(layer: Layer): LayerWeight[] {
  if (layer instanceof Model) return [];
  const own = layer.weights;
  return [...own.filter((w) => w.trainable), ...own.filter((w) => !w.trainable)];
}

/** The child layers of a model with the path names Keras 3 gives them (`dense`, `dense_1`, ...). */
export function keras3ChildPaths(model: Model): { layer: Layer; name: string }[] {
  const used = new Map<string, number>();
  return model.layers.map((layer) => {
    const base = kerasSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return { layer, name: n === undefined ? base : `${base}_${n + 1}` };
  });
}

/**
 * Loads Keras 3 layout weights from `root` into `model`: every count and shape is checked before
 * anything is assigned; then each dataset is read and assigned in turn.
 */
export function loadKeras3Weights(
  model: Model,
  root: H5Group,
  file: string,
  options: { skipMismatch?: boolean; warn?: (message: string) => void },
  fn: string,
): void {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const assignments: { weight: LayerWeight; dataset: H5Dataset }[] = [];

  const visit = (layer: Layer, group: H5Group | null, path: string) => {
    const expected = ownVariables(layer);
    const varsObj = group ? child(group, 'vars') : null;
    const vars = varsObj && isGroup(varsObj) ? varsObj : null;
    const stored = vars ? vars.keys().filter((k) => /^\d+$/.test(k)) : [];
    if (stored.length !== expected.length) {
      const message = `${fn}: layer ${layer.name} expects ${expected.length} variable(s). Received: ${stored.length} in ${file} at ${path || '/'}vars`;
      if (!options.skipMismatch) throw new DltsError('DLTS_SHAPE_MISMATCH', message);
      warn(`${message}; skipped`);
    } else {
      expected.forEach((weight, i) => {
        const ds = child(vars!, String(i));
        if (!ds || !isDataset(ds)) throw new DltsError('DLTS_IO', `${fn}: ${file} has no dataset ${path}vars/${i}`);
        const shape = ds.shape ?? [];
        if (shape.length !== weight.shape.length || shape.some((d, j) => d !== weight.shape[j])) {
          const message = `${fn}: shape mismatch for weight ${weight.name} (layer ${layer.name}): the weight expects shape ${formatShape(weight.shape)}. Received: ${formatShape(shape)} in ${file} at ${path}vars/${i}`;
          if (!options.skipMismatch) throw new DltsError('DLTS_SHAPE_MISMATCH', message);
          warn(`${message}; skipped`);
          return;
        }
        assignments.push({ weight, dataset: ds });
      });
    }
    if (layer instanceof Model) {
      const layersObj = group ? child(group, 'layers') : null;
      const layersGroup = layersObj && isGroup(layersObj) ? layersObj : null;
      for (const { layer: sub, name } of keras3ChildPaths(layer)) {
        const g = layersGroup ? child(layersGroup, name) : null;
        if (!g && sub.weights.length > 0) {
          const message = `${fn}: ${file} has no weights for layer ${sub.name} (expected at ${path}layers/${name})`;
          if (!options.skipMismatch) throw new DltsError('DLTS_SHAPE_MISMATCH', message);
          warn(`${message}; skipped`);
          continue;
        }
        visit(sub, g && isGroup(g) ? g : null, `${path}layers/${name}/`);
      }
    }
  };
  visit(model, root, '');
  for (const { weight, dataset } of assignments) {
    const values = readFloat32(dataset, `${fn}: ${file}:${dataset.path}`);
    tf.tidy(() => {
      const t = tf.tensor(values, weight.shape, 'float32');
      weight.assign(weight.variable.dtype === 'float32' ? t : tf.cast(t, weight.variable.dtype));
    });
  }
}
