import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DltsError, ZipArchive } from '@dlts/tensors';
import type { Shape } from '../engine/shape';
import type { Model } from '../models/model';
import { readHdf5 } from './hdf5_file';
import { buildModel, compileFromTrainingConfig, parseJson, type LoadModelHdf5Options } from './hdf5_model';
import { loadKeras3Weights } from './keras_weights';

/** Options of {@link loadKerasModel}. */
export type LoadKerasModelOptions = LoadModelHdf5Options;

/** The largest `config.json` read (a model config is kilobytes; this guards against a zip bomb). */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/**
 * Loads a model saved by Keras 3 in its `.keras` format (`model.save('model.keras')`; R keras 3's
 * `save_model(model, "model.keras")`): a zip archive with `config.json` (the architecture and the
 * compile config) and `model.weights.h5` (each layer's variables at `layers/<name>/vars/<i>`).
 * The weights file is streamed to a private temporary folder, read, and deleted. The model is
 * compiled with the saved compile config unless `compile` is false; the optimizer's saved state is
 * not restored (training restarts with a fresh optimizer).
 *
 * @param path - the `.keras` file.
 * @param options - `compile` (default true).
 * @returns the model, with its weights.
 * @throws DltsError `DLTS_IO` for a missing or malformed archive (naming the file and the member),
 *   `DLTS_UNSUPPORTED` for a layer class dlts does not have or an `.npz` weights store,
 *   `DLTS_SHAPE_MISMATCH` when the weights do not fit the architecture.
 * @example
 * ```ts
 * const model = await loadKerasModel('mnist_convnet.keras');
 * const probs = model.predict(digits) as tf.Tensor;
 * ```
 */
export async function loadKerasModel(path: string, options: LoadKerasModelOptions = {}): Promise<Model> {
  const fn = 'loadKerasModel';
  const zip = await ZipArchive.open(path, { fn, what: '.keras (zip) archive' });
  try {
    const members = await zip.members();
    const find = (name: string) => members.find((m) => m.name === name);
    const configMember = find('config.json');
    if (!configMember) throw new DltsError('DLTS_IO', `${fn}: ${path} has no config.json (is it a .keras archive?)`);
    const weightsMember = find('model.weights.h5');
    if (!weightsMember) {
      if (find('model.weights.npz')) throw new DltsError('DLTS_UNSUPPORTED', `${fn}: ${path} stores its weights as model.weights.npz; only model.weights.h5 is supported`);
      throw new DltsError('DLTS_IO', `${fn}: ${path} has no model.weights.h5`);
    }
    const config = parseJson((await zip.read(configMember, MAX_CONFIG_BYTES)).toString('utf8'), `${fn}: config.json of ${path}`) as Record<string, unknown>;
    const model = buildModel(config, path, fn);
    const dir = await mkdtemp(join(tmpdir(), 'dlts-keras-'));
    try {
      const buildShape = (config.build_config as { input_shape?: Shape } | undefined)?.input_shape;
      if (!model.built && Array.isArray(buildShape)) model.build(buildShape);
      const weightsPath = join(dir, 'model.weights.h5');
      await zip.extract(weightsMember, weightsPath);
      await readHdf5(weightsPath, fn, (file) => loadKeras3Weights(model, file, `${path}!model.weights.h5`, {}, fn));
      const compileConfig = config.compile_config;
      if ((options.compile ?? true) && compileConfig && typeof compileConfig === 'object') {
        compileFromTrainingConfig(model, compileConfig, path, fn);
      }
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return model;
  } finally {
    await zip.close();
  }
}
