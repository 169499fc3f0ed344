import { DltsError, check, received } from '@dlts/tensors';

/**
 * Argument checks shared by the loss, metric and optimizer factories. Messages follow Keras:
 * "`fn`: `what`. Received: `arg`=`value`".
 * @internal
 */

/** Throws `DLTS_VALUE` when `options` has keys outside `allowed` (Keras: "Argument(s) not recognized"). */
export function checkKnownOptions(fn: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new DltsError('DLTS_VALUE', `${fn}: options must be an object. Received: options=${received(options)}`);
  }
  const unknown = Object.keys(options).filter(
    (k) => !allowed.includes(k) && (options as Record<string, unknown>)[k] !== undefined,
  );
  if (unknown.length > 0) {
    throw new DltsError(
      'DLTS_VALUE',
      `${fn}: argument(s) not recognized: ${unknown.join(', ')} (known: ${allowed.join(', ')}). Received: ${unknown
        .map((k) => `${k}=${received((options as Record<string, unknown>)[k])}`)
        .join(', ')}`,
    );
  }
}

/** A finite number `>= min` (and `<= max` when given). */
export function checkNumber(
  fn: string,
  kerasName: string,
  arg: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  let what = `${kerasName} must be a finite number`;
  if (min !== undefined && max !== undefined) {
    what = `${kerasName} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  } else if (min !== undefined) {
    what = `${kerasName} must be a number ${minExclusive ? '>' : '>='} ${min}`;
  } else if (max !== undefined) {
    what = `${kerasName} must be a number ${maxExclusive ? '<' : '<='} ${max}`;
  }
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max));
  check(ok, fn, what, arg, value);
  return value as number;
}

/** A positive integer (optionally `>= min`). */
export function checkInteger(fn: string, kerasName: string, arg: string, value: unknown, min = 1): number {
  check(
    typeof value === 'number' && Number.isInteger(value) && value >= min,
    fn,
    `${kerasName} must be an integer >= ${min}`,
    arg,
    value,
  );
  return value as number;
}

/** A boolean. */
export function checkBoolean(fn: string, kerasName: string, arg: string, value: unknown): boolean {
  check(typeof value === 'boolean', fn, `${kerasName} must be a boolean`, arg, value);
  return value as boolean;
}

/** A non-empty string. */
export function checkString(fn: string, kerasName: string, arg: string, value: unknown): string {
  check(typeof value === 'string' && value.length > 0, fn, `${kerasName} must be a non-empty string`, arg, value);
  return value as string;
}

/** `'categorical_crossentropy'`, `'categoricalCrossentropy'` and `'CategoricalCrossentropy'` all become `'categoricalcrossentropy'`. */
export function normalizeIdentifier(name: string): string {
  return name.replace(/[_\s-]/g, '').toLowerCase();
}

/** Keras's `to_snake_case`: `'CategoricalCrossentropy'` -> `'categorical_crossentropy'`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** `'from_logits'` -> `'fromLogits'`. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Converts a Keras config (snake_case keys, `null` for unset) into factory options (camelCase,
 * `undefined` for unset). Keys in `ignoreWhen` are dropped when they hold their inert value and
 * rejected with `DLTS_UNSUPPORTED` otherwise.
 */
export function configToOptions(
  fn: string,
  config: Record<string, unknown> | undefined,
  ignoreWhen: Record<string, (value: unknown) => boolean> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (config === undefined || config === null) return out;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new DltsError('DLTS_VALUE', `${fn}: config must be an object. Received: config=${received(config)}`);
  }
  for (const [key, value] of Object.entries(config)) {
    const camel = toCamelCase(key);
    const inert = ignoreWhen[key] ?? ignoreWhen[camel];
    if (inert) {
      if (!inert(value)) {
        throw new DltsError(
          'DLTS_UNSUPPORTED',
          `${fn}: config key ${key} is not supported by dlts. Received: ${key}=${received(value)}`,
        );
      }
      continue;
    }
    if (value === null || value === undefined) continue;
    out[camel] = value;
  }
  return out;
}
