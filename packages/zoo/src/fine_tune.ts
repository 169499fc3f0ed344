import { DltsError, received } from '@dlts/tensors';
import { freezeWeights, unfreezeWeights, type CompileArgs, type LayerRef, type Model } from '@dlts/layers';

/**
 * The number of trainable weight tensors of a model (R: `length(model$trainable_weights)`), which
 * the course prints before and after freezing: 30 for VGG16 + a dense head, 4 once the base is
 * frozen. It reflects the flags as they are now; `fit` uses what they were at the last `compile`.
 *
 * @param model - the model.
 * @returns the count of trainable weight tensors (kernels and biases count separately).
 * @throws never.
 * @example
 * ```ts
 * trainableWeightCount(model); // 30
 * freezeWeights(convBase);
 * trainableWeightCount(model); // 4
 * ```
 */
export function trainableWeightCount(model: Model): number {
  return model.trainableWeights.length;
}

/**
 * Whether the trainable weights changed since the model was compiled: freezing or unfreezing takes
 * effect only at the next `compile` (as in Keras), so `fit` would still train the old set.
 *
 * @param model - the model.
 * @returns true when the model is compiled and `compile` must run again for the flags to count.
 * @throws never.
 * @example
 * ```ts
 * unfreezeWeights(convBase, { from: 'block3_conv1' });
 * needsRecompile(model); // true
 * ```
 */
export function needsRecompile(model: Model): boolean {
  const compiled = model.compiled;
  if (!compiled) return false;
  const now = model.trainableWeights;
  return now.length !== compiled.trainableWeights.length || now.some((w, i) => w !== compiled.trainableWeights[i]);
}

/** Options of {@link freezeBase} and {@link fineTune}. */
export interface FineTuneOptions {
  /** First layer of the base to train (name, index or layer; R's `from`). Default: the first. */
  from?: LayerRef;
  /** Last layer of the base to train. Default: the last. */
  to?: LayerRef;
  /** How to (re)compile the whole model afterwards; required, since the flags count only from `compile`. */
  compile: CompileArgs;
}

function checkModels(fn: string, model: Model, base: Model): void {
  if (!model || typeof (model as Model).compile !== 'function') throw new DltsError('DLTS_VALUE', `${fn}: model must be a model. Received: ${received(model)}`);
  if (!base || !Array.isArray((base as Model).layers)) throw new DltsError('DLTS_VALUE', `${fn}: base must be a model. Received: ${received(base)}`);
  if (!model.layers.includes(base) && model !== base) {
    throw new DltsError('DLTS_VALUE', `${fn}: the base (${base.name}) is not a layer of the model (${model.name}). Received: base=${base.name}`);
  }
}

/**
 * The course's feature-extraction-with-augmentation step: freezes the whole base
 * (R: `freeze_weights(conv_base)`) and compiles the model, so only the new head trains.
 *
 * @param model - the model that contains the base (e.g. `sequential([convBase, flatten(), dense(...), dense(...)])`).
 * @param base - the pretrained part to freeze.
 * @param compile - the compile arguments (R: `optimizer_rmsprop(lr = 2e-5)`, `binary_crossentropy`, `accuracy`).
 * @returns the number of trainable weight tensors after freezing (4 for the course's head).
 * @throws DltsError `DLTS_VALUE` when `base` is not a layer of `model`; what `compile` throws.
 * @example
 * ```ts
 * freezeBase(model, convBase, { optimizer: rmsprop({ learningRate: 2e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
 * ```
 */
export function freezeBase(model: Model, base: Model, compile: CompileArgs): number {
  checkModels('freezeBase', model, base);
  freezeWeights(base);
  model.compile(compile);
  return trainableWeightCount(model);
}

/**
 * The course's fine-tuning step: unfreezes the top of the base from a layer on
 * (R: `unfreeze_weights(conv_base, from = "block3_conv1")`; the layers before it stay frozen) and
 * recompiles the model (usually with a smaller learning rate), which is what makes the change count.
 * Frozen BatchNormalization layers of a base keep running in inference mode (their moving
 * statistics are used and not updated), as in Keras 2.1+ and Keras 3.
 *
 * @param model - the model that contains the base.
 * @param base - the pretrained part.
 * @param options - `from` / `to` (the range to train, inclusive) and `compile`.
 * @returns the number of trainable weight tensors after the change.
 * @throws DltsError `DLTS_VALUE` for an unknown layer or a base that is not in the model; what `compile` throws.
 * @example
 * ```ts
 * fineTune(model, convBase, { from: 'block3_conv1', compile: { optimizer: rmsprop({ learningRate: 1e-5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] } });
 * ```
 */
export function fineTune(model: Model, base: Model, options: FineTuneOptions): number {
  checkModels('fineTune', model, base);
  if (!options || !options.compile) {
    throw new DltsError('DLTS_VALUE', `fineTune: options.compile is required (the new trainable weights count only from the next compile). Received: ${received(options)}`);
  }
  unfreezeWeights(base, { from: options.from, to: options.to });
  model.compile(options.compile);
  return trainableWeightCount(model);
}
