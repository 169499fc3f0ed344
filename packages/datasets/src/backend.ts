import { initBackend, tf } from '@dlts/tensors';

/**
 * Makes sure a tfjs backend is ready before a loader makes tensors: the one the program chose,
 * or, when no backend is registered at all, dlts's automatic choice (`initBackend()`).
 */
export async function ensureBackend(): Promise<void> {
  if (tf.engine().backendNames().length === 0) await initBackend();
  await tf.ready();
}
