import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from './errors';
import { registerWasmKernels } from './kernels/index';
import { ensureGradients } from './gradients';

/**
 * The backends dlts can select. `native` is `@dlts/backend-native` (oneDNN); `tensorflow` is the
 * user's own `@tensorflow/tfjs-node(-gpu)`.
 */
export type BackendName = 'native' | 'tensorflow' | 'wasm' | 'cpu';

/** What `initBackend` may be asked for: a backend, or `auto` for the fastest that works. */
export type BackendPreference = BackendName | 'auto';

/** The outcome of `initBackend`: which backend runs, and why faster ones were not used. */
export interface BackendInfo {
  /** The tfjs backend now active (`tf.getBackend()`). */
  backend: BackendName;
  /** Where the choice came from: the argument, `DLTS_BACKEND`, or `auto`. */
  requested: BackendPreference;
  /** Faster candidates that were tried and skipped, each with the reason (and how to fix it). */
  skipped: { backend: BackendName; reason: string; hint?: string }[];
  /** The package that provided the backend (for `tensorflow`, which tfjs-node package). */
  provider: string;
  /** The one line that was (or would have been) printed. */
  message: string;
}

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /** Where the one-line report goes; `false` to stay silent. Default: `console.error`. */
  log?: ((line: string) => void) | false;
}

const AUTO_ORDER: BackendName[] = ['native', 'tensorflow', 'wasm', 'cpu'];
const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
const NATIVE_PACKAGE = '@dlts/backend-native';
const NATIVE_INSTALL = `pnpm add ${NATIVE_PACKAGE} with oneDNN installed first (apt-get install libdnnl-dev g++, or brew install onednn libomp)`;

/** The part of `@dlts/backend-native` that `initBackend` uses (it is loaded only when installed). */
interface NativeModule {
  registerNativeBackend(): { available: boolean; reason?: string; hint?: string; onednn?: string; threads?: number; isa?: string };
}

let current: BackendInfo | undefined;
let reported = false;

/**
 * Loads and activates a TensorFlow.js backend.
 *
 * `'auto'` (the default) tries, in order: `native` (`@dlts/backend-native`, oneDNN kernels on all
 * cores, loaded by dynamic import only when installed and its library loads), `tensorflow` (the
 * user's installed `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`), then `wasm` (with
 * the training kernels dlts supplies, see `registerWasmKernels`), then the pure-JS `cpu`. The
 * environment variable `DLTS_BACKEND` overrides the argument. The choice is reported once, in one
 * line; when `native` could not be used, that line says why and how to get it.
 *
 * @param preference - `'auto' | 'native' | 'tensorflow' | 'wasm' | 'cpu'`.
 * @returns which backend runs and why.
 * @throws DltsError `DLTS_BACKEND` when an explicitly requested backend cannot start.
 * @example
 * ```ts
 * import { initBackend, tf } from '@dlts/tensors';
 * const info = await initBackend();          // e.g. "dlts: backend native (auto), oneDNN 2.6.3, 2 threads"
 * console.log(info.backend, tf.getBackend());
 * ```
 */
export async function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const fromEnv = process.env.DLTS_BACKEND?.trim();
  const requested = parseBackendPreference(fromEnv || preference, fromEnv ? 'DLTS_BACKEND' : 'initBackend');
  await ensureGradients();
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name);
    if (attempt.ok) {
      const source = fromEnv ? ' (set by DLTS_BACKEND)' : requested === 'auto' ? ' (auto)' : '';
      const message = `dlts: backend ${name}${source}${attempt.detail ? `, ${attempt.detail}` : ''}${skippedNote(skipped)}`;
      const changed = current?.backend !== name;
      current = { backend: name, requested, skipped, provider: attempt.provider, message };
      const log = options.log === undefined ? (line: string) => console.error(line) : options.log;
      if (log && (!reported || changed)) log(message);
      reported = true;
      return current;
    }
    skipped.push({ backend: name, reason: attempt.reason, ...(attempt.hint ? { hint: attempt.hint } : {}) });
  }
  const reasons = skipped.map((s) => `${s.backend}: ${s.reason}${s.hint ? ` (to fix: ${s.hint})` : ''}`).join('; ');
  throw new DltsError('DLTS_BACKEND', `initBackend: no backend could start (${reasons}). Received: preference=${JSON.stringify(requested)}`);
}

/**
 * The backend `initBackend` selected, or `undefined` before it ran.
 *
 * @example
 * ```ts
 * import { backendInfo, initBackend } from '@dlts/tensors';
 * await initBackend();
 * console.log(backendInfo()?.backend); // e.g. 'native'
 * ```
 */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * What the report line says about skipped backends: why `native` was not used and how to get it
 * (dlts's fast path), and any other backend that is installed but failed. A tfjs-node that is
 * simply not installed is not worth a mention.
 */
function skippedNote(skipped: BackendInfo['skipped']): string {
  const notes: string[] = [];
  for (const s of skipped) {
    if (s.backend === 'native') notes.push(`native backend unavailable (${s.reason}); for much faster training: ${s.hint ?? NATIVE_INSTALL}`);
    else if (!/^(\S+ is not installed(, )?)+$/.test(s.reason)) notes.push(`skipped ${s.backend}: ${s.reason}`);
  }
  return notes.length > 0 ? `; ${notes.join('; ')}` : '';
}

/**
 * Reads a backend name as `initBackend`, `DLTS_BACKEND` and the apps' `--backend` accept it:
 * `auto`, `native`, `tensorflow`, `wasm` or `cpu`, case-insensitive, with the aliases `node` /
 * `tfjs-node` (for `tensorflow`) and `onednn` / `backend-native` (for `native`).
 *
 * @param value - the name to read.
 * @param where - what supplied it, for the error message (`'--backend'`, `'DLTS_BACKEND'`).
 * @returns the backend preference.
 * @throws DltsError `DLTS_BACKEND` for any other name.
 * @example
 * ```ts
 * import { initBackend, parseBackendPreference } from '@dlts/tensors';
 * const backend = parseBackendPreference(process.argv[2] ?? 'auto', '--backend'); // 'Wasm' -> 'wasm'
 * await initBackend(backend);
 * ```
 */
export function parseBackendPreference(value: string, where: string): BackendPreference {
  const v = value.toLowerCase();
  if (v === 'auto' || v === 'native' || v === 'tensorflow' || v === 'wasm' || v === 'cpu') return v;
  if (v === 'node' || v === 'tfjs-node') return 'tensorflow';
  if (v === 'onednn' || v === 'backend-native') return 'native';
  throw new DltsError(
    'DLTS_BACKEND',
    `${where}: backend must be one of 'auto', 'native', 'tensorflow', 'wasm', 'cpu'. Received: ${JSON.stringify(value)}`,
  );
}

type Attempt = { ok: true; provider: string; detail: string } | { ok: false; reason: string; hint?: string };

async function tryBackend(name: BackendName): Promise<Attempt> {
  switch (name) {
    case 'native':
      return tryNative();
    case 'tensorflow':
      return tryTensorflow();
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

async function tryNative(): Promise<Attempt> {
  let mod: NativeModule;
  try {
    // Optional: loaded only when the user installed @dlts/backend-native.
    mod = (await import(/* @vite-ignore */ NATIVE_PACKAGE)) as NativeModule;
  } catch (error) {
    const reason = isNotFound(error, NATIVE_PACKAGE) ? `${NATIVE_PACKAGE} is not installed` : `${NATIVE_PACKAGE} failed to load (${short(error)})`;
    return { ok: false, reason, hint: NATIVE_INSTALL };
  }
  const status = mod.registerNativeBackend();
  if (!status.available) return { ok: false, reason: status.reason ?? 'its addon did not load', hint: status.hint ?? NATIVE_INSTALL };
  if (!(await activate('native'))) return { ok: false, reason: 'the native backend did not start' };
  return { ok: true, provider: NATIVE_PACKAGE, detail: `oneDNN ${status.onednn}, ${status.threads} threads${status.isa ? `, ${status.isa}` : ''}` };
}

async function tryTensorflow(): Promise<Attempt> {
  const problems: string[] = [];
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      // The tfjs-node packages are optional: loaded only when the user installed one.
      await import(/* @vite-ignore */ pkg);
    } catch (error) {
      problems.push(isNotFound(error, pkg) ? `${pkg} is not installed` : `${pkg} failed to load (${short(error)})`);
      continue;
    }
    if (await activate('tensorflow')) return { ok: true, provider: pkg, detail: `native TensorFlow via ${pkg}` };
    problems.push(`${pkg} loaded but its backend did not start`);
  }
  return { ok: false, reason: problems.join(', ') };
}

async function tryWasm(): Promise<Attempt> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load (${short(error)})` };
  }
  registerWasmKernels();
  if (!(await activate('wasm'))) return { ok: false, reason: 'the wasm module did not initialise' };
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    ok: true,
    provider: '@tensorflow/tfjs-backend-wasm',
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : '1 thread'}, with dlts training kernels`,
  };
}

async function tryCpu(): Promise<Attempt> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-cpu failed to load (${short(error)})` };
  }
  if (!(await activate('cpu'))) return { ok: false, reason: 'the cpu backend did not start' };
  return { ok: true, provider: '@tensorflow/tfjs-backend-cpu', detail: 'pure JavaScript (slowest)' };
}

async function activate(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) return false;
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function isNotFound(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message ?? '').includes(pkg)
  );
}

function short(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
