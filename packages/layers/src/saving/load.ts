import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';
import type { Layer } from '../engine/layer';
import { Model } from '../models/model';
import type { CompileArgs } from '../training/compile';
import { fromConfig, type SerializedLayer } from './deserialize';
import { checkManifest, unpackTensors } from './files';
import { MODEL_FORMAT } from './save';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Compile the model with its saved training config. Default true. */
  compile?: boolean;
  /** Restore the optimizer's state (when saved) so training resumes exactly. Default true. */
  loadOptimizerState?: boolean;
}

interface TrainingConfig {
  loss: unknown;
  metrics?: unknown;
  loss_weights?: unknown;
  optimizer_config: { class_name: string; config?: Record<string, unknown> };
}

/**
 * Loads a model saved with `model.save(dir)`: architecture, weights, and (optionally) the
 * compile settings and optimizer state.
 *
 * @throws DltsError `DLTS_IO` for a missing, foreign or corrupt directory (the message names the
 *   file), `DLTS_UNSUPPORTED` for a layer class dlts does not have.
 * @example
 * ```ts
 * await model.save('models/mnist');
 * const again = await loadModel('models/mnist');
 * ```
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Model> {
  const jsonPath = join(dir, 'model.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (error) {
    throw new DltsError('DLTS_IO', `loadModel: cannot read ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(json) || json.format !== MODEL_FORMAT) {
    throw new DltsError(
      'DLTS_IO',
      `loadModel: ${jsonPath} is not a dlts model directory. Received: format=${received(isObject(json) ? json.format : json)}`,
    );
  }
  const corrupt = (why: string, cause?: unknown) => new DltsError('DLTS_IO', `loadModel: ${jsonPath} is corrupt: ${why}`, { cause });
  const modelConfig = json.model_config;
  if (!isObject(modelConfig) || typeof modelConfig.class_name !== 'string') {
    throw corrupt(`model_config must be {class_name, config}. Received: ${received(modelConfig)}`);
  }
  const weightSpecs = checkManifest(json.weights_manifest, jsonPath, 'weights_manifest');
  const optimizerSpecs = json.optimizer_manifest == null ? null : checkManifest(json.optimizer_manifest, jsonPath, 'optimizer_manifest');
  const training = json.training_config == null ? null : json.training_config;
  if (training !== null && !(isObject(training) && isObject(training.optimizer_config) && typeof training.optimizer_config.class_name === 'string')) {
    throw corrupt(`training_config must hold an optimizer_config {class_name, config}. Received: ${received(training)}`);
  }

  let built: Layer;
  try {
    built = fromConfig(modelConfig as unknown as SerializedLayer);
  } catch (error) {
    const code = error instanceof DltsError && error.code === 'DLTS_UNSUPPORTED' ? 'DLTS_UNSUPPORTED' : 'DLTS_IO';
    throw new DltsError(code, `loadModel: cannot rebuild the model of ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
  if (!(built instanceof Model)) {
    built.dispose();
    throw corrupt('model_config holds a layer, not a model');
  }
  const model = built;
  try {
    const weightsPath = join(dir, 'weights.bin');
    const weights = model.weights;
    if (weights.length !== weightSpecs.length) {
      throw corrupt(`weights_manifest lists ${weightSpecs.length} weights but the model has ${weights.length}`);
    }
    weights.forEach((w, i) => {
      const spec = weightSpecs[i];
      if (spec.shape.join(',') !== w.shape.join(',')) {
        throw corrupt(`weight ${spec.name} has shape [${spec.shape}] in the manifest but [${w.shape}] in the model`);
      }
    });
    const values = unpackTensors(weightSpecs, await readBinary(weightsPath), weightsPath);
    try {
      model.setWeights(values);
    } finally {
      values.forEach((t) => t.dispose());
    }
    if ((options.compile ?? true) && training) {
      const tc = training as unknown as TrainingConfig;
      try {
        model.compile({
          optimizer: { className: tc.optimizer_config.class_name, config: tc.optimizer_config.config },
          loss: fromKeras(tc.loss) as CompileArgs['loss'],
          metrics: (fromKeras(tc.metrics) ?? undefined) as CompileArgs['metrics'],
          lossWeights: (tc.loss_weights ?? undefined) as CompileArgs['lossWeights'],
        });
      } catch (error) {
        throw corrupt(`cannot compile the model with its training_config: ${(error as Error).message}`, error);
      }
      if ((options.loadOptimizerState ?? true) && optimizerSpecs) {
        const optPath = join(dir, 'optimizer.bin');
        const state = unpackTensors(optimizerSpecs, await readBinary(optPath), optPath);
        try {
          model.compiled!.optimizer.setWeights(state);
        } catch (error) {
          throw new DltsError('DLTS_IO', `loadModel: ${optPath} does not match the model's optimizer: ${(error as Error).message}`, { cause: error });
        } finally {
          state.forEach((t: tf.Tensor) => t.dispose());
        }
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Keras's serialised `{class_name, config}` (losses, metrics) -> the `{className, config}` compile takes. */
function fromKeras(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromKeras);
  if (isObject(value)) {
    if (typeof value.class_name === 'string') return { className: value.class_name, config: value.config ?? {} };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromKeras(v)]));
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBinary(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DltsError('DLTS_IO', `loadModel: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
