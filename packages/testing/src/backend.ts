import { parseBackendPreference, type BackendPreference } from '@dlts/tensors';

/**
 * The backend the suite runs on: `DLTS_BACKEND` when set (CI runs the suite on `native` and on
 * `wasm`), else `wasm`. Tests that start an app pass it as `--backend` and expect it back.
 *
 * @example
 * ```ts
 * const { stdout } = await app(['--backend', suiteBackend()]);
 * ```
 */
export function suiteBackend(): BackendPreference {
  return parseBackendPreference(process.env.DLTS_BACKEND ?? 'wasm', 'DLTS_BACKEND');
}
