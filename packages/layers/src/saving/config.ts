import { DltsError, received } from '@dlts/tensors';

/** `kernel_initializer` -> `kernelInitializer`. */
export function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Turns a Keras layer config (snake_case keys, nested `{class_name, config}` objects, Keras 3's
 * `module`/`registered_name` and dtype policies) into constructor arguments of our layers.
 */
export function configToArgs(config: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    let k = toCamel(key);
    let v: unknown = value;
    if (key === 'batch_shape') k = 'batchInputShape';
    if (key === 'dtype') v = dtypeOf(value);
    else if (isSerialized(value)) v = { className: value.class_name, config: value.config ?? {} };
    args[k] = v;
  }
  return args;
}

function isSerialized(value: unknown): value is { class_name: string; config?: Record<string, unknown> } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { class_name?: unknown }).class_name === 'string';
}

function dtypeOf(value: unknown): string {
  if (typeof value === 'string') return value;
  // Keras 3: {module: 'keras', class_name: 'DTypePolicy', config: {name: 'float32'}}
  const name = (value as { config?: { name?: unknown } })?.config?.name;
  if (typeof name === 'string') return name === 'mixed_float16' || name === 'mixed_bfloat16' ? 'float32' : name;
  throw new DltsError('DLTS_VALUE', `loadModel: unsupported dtype in config. Received: dtype=${received(value)}`);
}
