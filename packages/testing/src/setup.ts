/**
 * vitest setup shared by every package: starts the backend the suite runs on (wasm by default,
 * `DLTS_BACKEND=native|cpu|wasm|tensorflow` to choose) and registers gradients.
 */
import { initBackend } from '@dlts/tensors';

await initBackend('wasm', { log: false });
