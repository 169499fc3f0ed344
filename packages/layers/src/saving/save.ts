import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model } from '../models/model';
import { packTensors, writeDirAtomic } from './files';

/** Version of the dlts model directory format. */
export const MODEL_FORMAT = 'dlts-model';
export const MODEL_FORMAT_VERSION = 1;
/** The Keras version whose config layout we write. */
export const KERAS_VERSION = '2.9.0';

/** Options of `model.save`. */
export interface SaveOptions {
  /** Also save the optimizer's state so training can resume exactly. Default true. */
  includeOptimizer?: boolean;
}

/**
 * Saves a model to a directory: `model.json` (the Keras model config, the training config, and
 * weight manifests) plus `weights.bin` (and `optimizer.bin`). The directory is replaced atomically.
 */
export async function saveModel(model: Model, dir: string, options: SaveOptions = {}): Promise<void> {
  const weights = packTensors(model.weights.map((w) => ({ name: w.name, tensor: w.variable })));
  const compiled = model.compiled;
  const includeOptimizer = (options.includeOptimizer ?? true) && compiled !== undefined;
  let optimizer: ReturnType<typeof packTensors> | undefined;
  if (includeOptimizer) {
    const state = compiled!.optimizer.getWeights();
    optimizer = packTensors(state.map((t, i) => ({ name: `optimizer/${i}`, tensor: t })));
    state.forEach((t) => t.dispose());
  }
  const json = {
    format: MODEL_FORMAT,
    format_version: MODEL_FORMAT_VERSION,
    keras_version: KERAS_VERSION,
    backend: 'tensorflow',
    generated_by: 'dlts',
    model_config: { class_name: model.className, config: model.getConfig() },
    training_config: compiled ? trainingConfig(model) : null,
    weights_manifest: weights.specs,
    optimizer_manifest: optimizer?.specs ?? null,
  };
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, 'model.json'), JSON.stringify(json, null, 2));
    await writeFile(join(tmp, 'weights.bin'), weights.data);
    if (optimizer) await writeFile(join(tmp, 'optimizer.bin'), optimizer.data);
  });
}

/** Keras's `training_config`: loss, metrics, loss weights and the optimizer config. */
export function trainingConfig(model: Model): Record<string, unknown> {
  const c = model.compiled!;
  const serializeLoss = (l: (typeof c.losses)[number]) => {
    const config = l.getConfig();
    return Object.keys(config).length === 0 ? l.name : { class_name: l.className, config };
  };
  const losses = c.losses.map(serializeLoss);
  const single = model.outputNames.length === 1;
  return {
    loss: single ? losses[0] : Object.fromEntries(model.outputNames.map((n, i) => [n, losses[i]])),
    metrics: single ? c.metrics[0].map((m) => m.name) : Object.fromEntries(model.outputNames.map((n, i) => [n, c.metrics[i].map((m) => m.name)])),
    weighted_metrics: null,
    loss_weights: c.lossWeights.every((w) => w === 1) ? null : c.lossWeights,
    optimizer_config: { class_name: c.optimizer.className, config: c.optimizer.getConfig() },
  };
}
