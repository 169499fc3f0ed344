import { DltsError, received } from '@dlts/tensors';
import { Layer } from '../engine/layer';
import { Model } from './model';

/** Where a freeze range starts or ends: a layer, its name, or its index (0-based; negative from the end). */
export type LayerRef = Layer | string | number;

/** The range of {@link freezeWeights} / {@link unfreezeWeights}; both ends inclusive. */
export interface FreezeRange {
  /** First layer of the range. Default: the first layer. */
  from?: LayerRef;
  /** Last layer of the range. Default: the last layer. */
  to?: LayerRef;
}

/**
 * Freezes weights so that training no longer updates them (R: `freeze_weights(conv_base)`).
 *
 * Without a range the whole model (or layer) is frozen. With `from`/`to` the layers in the range
 * (inclusive) are frozen and every other layer of the model is unfrozen, as R keras does. Indices
 * are 0-based (R's are 1-based); negative indices count from the end (`-1` is the last layer).
 * As in Keras, the change takes effect at the next `compile`.
 *
 * @example
 * ```ts
 * freezeWeights(convBase);                       // R: freeze_weights(conv_base)
 * freezeWeights(model, { from: 0, to: 'dense' }); // first layers frozen, the rest trainable
 * ```
 */
export function freezeWeights<T extends Layer>(object: T, range: FreezeRange = {}): T {
  if (range.from === undefined && range.to === undefined) {
    object.trainable = false;
  } else {
    object.trainable = true;
    applyTrainable(object, range, false, 'freezeWeights');
  }
  return object;
}

/**
 * Unfreezes weights (R: `unfreeze_weights(conv_base, from = "block3_conv1")`): the model becomes
 * trainable, and with a range only the layers in it (inclusive) are trainable while the others are
 * frozen. Recompile the model that contains it afterwards.
 *
 * @example
 * ```ts
 * unfreezeWeights(convBase, { from: 'block3_conv1' });
 * model.compile({ optimizer: rmsprop({ learningRate: 1e-5 }), loss: 'binary_crossentropy', metrics: ['acc'] });
 * ```
 */
export function unfreezeWeights<T extends Layer>(object: T, range: FreezeRange = {}): T {
  object.trainable = true;
  if (range.from !== undefined || range.to !== undefined) applyTrainable(object, range, true, 'unfreezeWeights');
  return object;
}

function applyTrainable(object: Layer, range: FreezeRange, trainable: boolean, fn: string): void {
  if (!(object instanceof Model)) {
    throw new DltsError('DLTS_VALUE', `${fn}: from/to need a model with layers. Received: a ${object.className} layer`);
  }
  const layers = object.layers;
  const from = resolve(layers, range.from ?? 0, fn, 'from');
  const to = resolve(layers, range.to ?? -1, fn, 'to');
  if (from > to) {
    throw new DltsError('DLTS_VALUE', `${fn}: "from" (${layers[from].name}, index ${from}) comes after "to" (${layers[to].name}, index ${to})`);
  }
  layers.forEach((layer, i) => {
    layer.trainable = i >= from && i <= to ? trainable : !trainable;
  });
}

function resolve(layers: Layer[], ref: LayerRef, fn: string, arg: string): number {
  if (ref instanceof Layer) {
    const i = layers.indexOf(ref);
    if (i < 0) throw new DltsError('DLTS_VALUE', `${fn}: layer "${ref.name}" is not in this model. Received: ${arg}=${ref.name}`);
    return i;
  }
  if (typeof ref === 'number') {
    const i = ref < 0 ? layers.length + ref : ref;
    if (!Number.isInteger(ref) || i < 0 || i >= layers.length) {
      throw new DltsError('DLTS_VALUE', `${fn}: index out of range for a model of ${layers.length} layers. Received: ${arg}=${ref}`);
    }
    return i;
  }
  const i = layers.findIndex((l) => l.name === ref);
  if (i < 0) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: no layer named ${received(ref)}; layers are ${layers.map((l) => l.name).join(', ')}. Received: ${arg}=${received(ref)}`,
    );
  }
  return i;
}
