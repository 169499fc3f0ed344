import * as tf from '@tensorflow/tfjs-core';
import { Layer, type LayerArgs, type Tensors } from '../engine/layer';
import { featureSize, type Shape } from '../engine/shape';

/**
 * Flattens each sample to one axis: `(None, 3, 3, 64)` -> `(None, 576)` (R: `layer_flatten()`).
 *
 * @example
 * ```ts
 * import { Flatten, flatten, input } from '@dlts/layers';
 * const layer = flatten();
 * layer instanceof Flatten; // true
 * layer.apply(input({ shape: [3, 3, 64] })).shape; // [null, 576]
 * ```
 */
export class Flatten extends Layer {
  static override className = 'Flatten';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], featureSize(inputShape)];
  }

  override call(inputs: Tensors): tf.Tensor {
    const x = inputs as tf.Tensor;
    return x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }
}

/**
 * Creates a {@link Flatten} layer.
 * @example
 * ```ts
 * flatten();
 * ```
 */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}
