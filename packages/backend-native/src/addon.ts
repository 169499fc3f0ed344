/**
 * Loading the compiled addon (`build/Release/dlts_native.node`), and what to tell the user when
 * it is not there.
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions the addon exports. Arrays are read and written in place (zero-copy). */
export interface NativeAddon {
  info(): { onednn: string; threads: number; isa: string };
  setThreads(n: number): void;
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, geometry: Int32Array, bias: Float32Array | null, activation: number, alpha: number): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  pool(x: Float32Array, out: Float32Array, geometry: Int32Array, isMax: number): void;
  maxPoolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number, beta: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array, stridesA: Int32Array, stridesB: Int32Array): void;
  addN(out: Float32Array, ...xs: Float32Array[]): void;
  gather(x: Float32Array, indices: Int32Array, out: Float32Array, outer: number, axisSize: number, inner: number): number;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, n: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, n: number): void;
  softmaxCrossEntropy(logits: Float32Array, labels: Float32Array, loss: Float32Array, backprop: Float32Array, rows: number, n: number): void;
  rmsprop(
    w: Float32Array,
    g: Float32Array,
    v: Float32Array,
    mom: Float32Array | null,
    avg: Float32Array | null,
    outW: Float32Array,
    outV: Float32Array,
    outMom: Float32Array | null,
    outAvg: Float32Array | null,
    lr: number,
    rho: number,
    momentum: number,
    epsilon: number,
  ): void;
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vhat: Float32Array | null,
    outW: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    outVhat: Float32Array | null,
    alpha: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
  compare(op: number, a: Float32Array, b: Float32Array, out: Uint8Array, shape: Int32Array, stridesA: Int32Array, stridesB: Int32Array): void;
  logical(op: number, a: Uint8Array, b: Uint8Array, out: Uint8Array, shape: Int32Array, stridesA: Int32Array, stridesB: Int32Array): void;
  select(condition: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array, inner: number): void;
  argMinMax(x: Float32Array, out: Int32Array, outer: number, n: number, inner: number, isMax: number): void;
  sgd(w: Float32Array, g: Float32Array, mom: Float32Array | null, outW: Float32Array, outMom: Float32Array | null, lr: number, momentum: number, nesterov: number): void;
}

/** Whether the native backend can run here, and if not, why and how to fix it. */
export interface NativeStatus {
  /** True when the addon loaded. */
  available: boolean;
  /** Why it is unavailable (absent when available). */
  reason?: string;
  /** The command(s) that make it available (absent when available). */
  hint?: string;
  /** The oneDNN version the addon runs on, e.g. `2.6.3`. */
  onednn?: string;
  /** The threads of the native kernels. */
  threads?: number;
  /** The instruction set oneDNN dispatches to, e.g. `avx512_core`. */
  isa?: string;
  /** Where the addon file is (or would be). */
  path: string;
}

/**
 * How to get the native library, per platform (what `initBackend` prints when it is missing).
 *
 * @param platform - `process.platform` by default.
 * @returns the install command(s).
 * @example
 * ```ts
 * installHint('linux'); // "apt-get install libdnnl-dev g++ (or dnf install onednn-devel), then pnpm rebuild @dlts/backend-native"
 * ```
 */
export function installHint(platform: string = process.platform): string {
  return platform === 'darwin'
    ? 'brew install onednn libomp, then pnpm rebuild @dlts/backend-native'
    : 'apt-get install libdnnl-dev g++ (or dnf install onednn-devel), then pnpm rebuild @dlts/backend-native';
}

function packageRoot(): string {
  // src/addon.ts and dist/index.(c)js are both one level below the package root.
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

let loaded: { addon?: NativeAddon; status: NativeStatus } | undefined;

/**
 * Loads the addon (once; `path` loads another file, uncached, for tests). Never throws: a missing
 * or broken addon gives `{available: false}` with the reason recorded by the install script
 * (build/status.json) or by the loader. `DLTS_NATIVE_ADDON` overrides the addon's path.
 */
export function loadAddon(path?: string): { addon?: NativeAddon; status: NativeStatus } {
  if (path === undefined && loaded) return loaded;
  const root = packageRoot();
  const file = path ?? (process.env.DLTS_NATIVE_ADDON || join(root, 'build', 'Release', 'dlts_native.node'));
  const result = load(root, file);
  if (path === undefined) loaded = result;
  return result;
}

function load(root: string, path: string): { addon?: NativeAddon; status: NativeStatus } {
  if (!existsSync(path)) {
    return { status: { available: false, reason: buildFailure(root) ?? `the native addon was not built (no ${path})`, hint: installHint(), path } };
  }
  try {
    keepThreadsWarm();
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    const info = addon.info();
    return { addon, status: { available: true, onednn: info.onednn, threads: info.threads, isa: info.isa, path } };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const missingLib = /libdnnl|libomp|libgomp|cannot open shared object|Library not loaded/.test(message);
    return {
      status: {
        available: false,
        reason: missingLib ? `the oneDNN library is missing (${message})` : `the native addon failed to load (${message})`,
        hint: installHint(),
        path,
      },
    };
  }
}

/**
 * How long OpenMP's worker threads spin-wait for the next parallel kernel before they sleep.
 * A training step calls dozens of kernels with a little JavaScript between them; once asleep, a
 * worker takes a long time to wake (hundreds of microseconds on a virtual machine), which cost
 * the dense network of chapter 2 a quarter of its step time. GNU OpenMP reads the variable when
 * the addon (and with it libgomp) is loaded; a value the user set is left alone.
 */
export const GOMP_SPINCOUNT = '20000000';

function keepThreadsWarm(): void {
  if (process.env.GOMP_SPINCOUNT === undefined && process.env.OMP_WAIT_POLICY === undefined) process.env.GOMP_SPINCOUNT = GOMP_SPINCOUNT;
}

function buildFailure(root: string): string | undefined {
  try {
    const status = JSON.parse(readFileSync(join(root, 'build', 'status.json'), 'utf8')) as { ok?: boolean; reason?: string };
    return status.ok === false && status.reason ? `not built at install: ${status.reason}` : undefined;
  } catch {
    return undefined;
  }
}
