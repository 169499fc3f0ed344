import type * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { formatShape } from '../engine/shape';
import type { Model } from '../models/model';
import type { CompiledState } from './compile';

const SPARSE = new Set(['sparse_categorical_crossentropy']);

/**
 * Checks targets against the model's outputs before training, with Keras's message, so a
 * forgotten `toCategorical` fails clearly instead of broadcasting silently.
 */
export function checkTargets(model: Model, state: CompiledState, ys: tf.Tensor[], fn: string): void {
  ys.forEach((y, i) => {
    const out = model.outputs[i]?.shape;
    if (!out) return;
    const loss = state.losses[i];
    if (SPARSE.has(loss.name)) {
      const ok = y.rank === out.length - 1 || (y.rank === out.length && y.shape[y.rank - 1] === 1);
      if (!ok) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${fn}: ${loss.name} expects integer class indices of shape (None,) or (None, 1). Received: target.shape=${formatShape([null, ...y.shape.slice(1)])}, output.shape=${formatShape(out)}`,
        );
      }
      return;
    }
    const last = out[out.length - 1];
    const sameRank = y.rank === out.length;
    const lastOk = last === null || y.shape[y.rank - 1] === last || (y.rank === out.length - 1 && last === 1);
    if (!(sameRank || (y.rank === out.length - 1 && last === 1)) || !lastOk) {
      throw new DltsError(
        'DLTS_SHAPE_MISMATCH',
        `${fn}: arguments \`target\` and \`output\` must have the same shape for ${loss.name}. ` +
          `Received: target.shape=${formatShape([null, ...y.shape.slice(1)])}, output.shape=${formatShape(out)}` +
          (last !== null && last > 1 && y.rank === 1 ? ' (integer labels need toCategorical(), or the loss sparse_categorical_crossentropy)' : ''),
      );
    }
  });
}
