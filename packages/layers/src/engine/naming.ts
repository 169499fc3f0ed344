/**
 * Keras's automatic names: per-session counters, so layers are named `dense`, `dense_1`,
 * `conv2d_2`, ... and models `sequential`, `sequential_1`, ... exactly as in a fresh Keras session.
 */

const counters = new Map<string, number>();

/**
 * Keras's `to_snake_case` of a class name: `Conv2D` -> `conv2d`, `MaxPooling2D` -> `max_pooling2d`,
 * `BatchNormalization` -> `batch_normalization`.
 *
 * @example
 * ```ts
 * import { toSnakeCase } from '@dlts/layers';
 * toSnakeCase('Conv2D'); // 'conv2d'
 * toSnakeCase('MaxPooling2D'); // 'max_pooling2d'
 * toSnakeCase('BatchNormalization'); // 'batch_normalization'
 * ```
 */
export function toSnakeCase(className: string): string {
  const intermediate = className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const snake = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return snake.startsWith('_') ? `private${snake}` : snake;
}

/**
 * The next unique name for `prefix` in this session: `prefix`, then `prefix_1`, `prefix_2`, ...
 * With `zeroBased: false` the first name is already `prefix_1` (Keras 2's `input_1`).
 */
export function uniqueName(prefix: string, options: { zeroBased?: boolean } = {}): string {
  const zeroBased = options.zeroBased ?? true;
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  if (zeroBased) return n === 0 ? prefix : `${prefix}_${n}`;
  return `${prefix}_${n + 1}`;
}

/**
 * Resets the automatic names, as R keras's `k_clear_session()` / Python's
 * `keras.backend.clear_session()`: the next dense layer is named `dense` again.
 *
 * @example
 * ```ts
 * clearSession();
 * dense({ units: 1 }).name; // 'dense'
 * ```
 */
export function clearSession(): void {
  counters.clear();
}
