/**
 * Registering the `native` backend with tfjs-core.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { loadAddon, type NativeStatus } from './addon';
import { NativeBackend } from './backend';
import { nativeKernelConfigs } from './kernels/index';
import { NATIVE_BACKEND } from './kernels/kernel_util';
import { ThreadGovernor } from './thread_governor';

/** Options of {@link registerNativeBackend}. */
export interface RegisterNativeOptions {
  /**
   * A fixed number of threads for the native kernels. Default: `DLTS_NATIVE_THREADS` or
   * `OMP_NUM_THREADS` when set; otherwise every core (`os.availableParallelism()`), fewer while
   * other processes keep cores busy (on Linux; see `ThreadGovernor`).
   */
  threads?: number;
  /** The most megabytes of freed outputs kept for reuse. Default `DLTS_NATIVE_POOL_MB` or 512. */
  poolMegabytes?: number;
  /** tfjs backend priority (the highest registered one is the default). Default 3 (above wasm's 2). */
  priority?: number;
}

let registered = false;

/**
 * Registers the `native` backend: the cpu backend's storage and kernels, with the hot kernels
 * (matmul, convolutions and their gradients, pooling, activations, elementwise maths,
 * reductions, softmax, gather) replaced by native ones on oneDNN. Idempotent. Does not activate
 * it: call `tf.setBackend('native')`, or `initBackend('native')` from `@dlts/tensors`.
 *
 * @param options - threads, buffer pool size, priority.
 * @returns whether the backend is available; when not, `reason` and `hint` say why and how to
 *   install oneDNN.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerNativeBackend } from '@dlts/backend-native';
 * const status = registerNativeBackend();
 * if (status.available) await tf.setBackend('native');
 * else console.warn(status.reason, status.hint);
 * ```
 */
export function registerNativeBackend(options: RegisterNativeOptions = {}): NativeStatus {
  const { addon, status } = loadAddon();
  if (!addon) return status;
  const fixed = options.threads ?? positiveInt(process.env.DLTS_NATIVE_THREADS) ?? positiveInt(process.env.OMP_NUM_THREADS);
  const threads = fixed ?? availableParallelism();
  if (registered) return { ...status, threads };
  addon.setThreads(threads);
  const poolMb = options.poolMegabytes ?? (Number(process.env.DLTS_NATIVE_POOL_MB) || 512);
  const adaptive = fixed === undefined && threads > 1 && process.platform === 'linux';
  tf.registerBackend(
    NATIVE_BACKEND,
    () => new NativeBackend(addon, poolMb * 1024 * 1024, adaptive ? new ThreadGovernor((n) => addon.setThreads(n), threads) : undefined),
    options.priority ?? 3,
  );
  // Every cpu kernel runs on the native backend's storage; the native ones replace the hot ones.
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (tf.getKernel(config.kernelName, NATIVE_BACKEND) === undefined) tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
  }
  for (const config of nativeKernelConfigs) {
    if (tf.getKernel(config.kernelName, NATIVE_BACKEND) !== undefined) tf.unregisterKernel(config.kernelName, NATIVE_BACKEND);
    tf.registerKernel(config);
  }
  registered = true;
  return { ...status, threads };
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Whether the native backend can run here: loads the addon (once) and registers nothing.
 *
 * @returns `available`, and the oneDNN version, threads and ISA; or `reason` and `hint`.
 * @example
 * ```ts
 * const s = nativeStatus();
 * console.log(s.available ? `oneDNN ${s.onednn}` : `${s.reason}; ${s.hint}`);
 * ```
 */
export function nativeStatus(): NativeStatus {
  return { ...loadAddon().status };
}
