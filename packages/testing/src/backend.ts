/**
 * The backend the suite runs on: `DLTS_BACKEND` when set (CI runs the suite on `native` and on
 * `wasm`), else `wasm`. Tests that start an app pass it as `--backend` and expect it back.
 */
export function suiteBackend(): 'native' | 'tensorflow' | 'wasm' | 'cpu' {
  const value = (process.env.DLTS_BACKEND ?? 'wasm').toLowerCase();
  if (value === 'native' || value === 'tensorflow' || value === 'wasm' || value === 'cpu') return value;
  throw new Error(`DLTS_BACKEND must be native, tensorflow, wasm or cpu for the test suite. Received: ${JSON.stringify(process.env.DLTS_BACKEND)}`);
}
