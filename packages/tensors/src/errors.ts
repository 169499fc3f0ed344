/**
 * Stable error codes used across dlts. An error's `code` never changes between releases, so
 * programs can branch on it; the message is for people.
 */
export type DltsErrorCode =
  | 'DLTS_VALUE'
  | 'DLTS_SHAPE_MISMATCH'
  | 'DLTS_NOT_BUILT'
  | 'DLTS_NOT_COMPILED'
  | 'DLTS_BACKEND'
  | 'DLTS_DATASET_FORMAT'
  | 'DLTS_DOWNLOAD'
  | 'DLTS_IO'
  | 'DLTS_UNSUPPORTED';

/**
 * The one error class of dlts: a stable `code` plus a message in Keras's style that names the
 * function, the argument and what was received.
 *
 * @example
 * ```ts
 * throw new DltsError('DLTS_VALUE', 'dense: units must be a positive integer. Received: units=0');
 * ```
 */
export class DltsError extends Error {
  /** The stable, machine-readable code. */
  readonly code: DltsErrorCode;

  constructor(code: DltsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DltsError';
    this.code = code;
  }
}

/**
 * Formats a received value for an error message: short, JSON-like, never huge.
 *
 * @example
 * ```ts
 * import { received } from '@dlts/tensors';
 * received('relu'); // '"relu"'
 * received([null, 784]); // '[null,784]'
 * received(NaN); // 'NaN'
 * ```
 */
export function received(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Throws a `DLTS_VALUE` error "`fn`: `what`. Received: `arg`=`value`" unless `ok`.
 *
 * @example
 * ```ts
 * import { check } from '@dlts/tensors';
 * const rate = 1.5;
 * check(rate >= 0 && rate < 1, 'dropout', 'rate must be in [0, 1)', 'rate', rate);
 * // throws DltsError DLTS_VALUE: "dropout: rate must be in [0, 1). Received: rate=1.5"
 * ```
 */
export function check(ok: unknown, fn: string, what: string, arg: string, value: unknown): asserts ok {
  if (!ok) throw new DltsError('DLTS_VALUE', `${fn}: ${what}. Received: ${arg}=${received(value)}`);
}
