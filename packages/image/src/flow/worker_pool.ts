/**
 * Worker threads that decode and augment images off the main thread, so a flow keeps the trainer
 * fed on a second core while the main thread trains.
 *
 * One pool is shared by every flow of the process. Its size is `availableParallelism() - 1`
 * (what the process may use, so `taskset` is respected), at most 4; on one core there is no pool
 * and images are processed on the main thread. When the worker script cannot be started (e.g. a
 * bundler that did not ship it) the pool falls back to the main thread as well. Idle workers do
 * not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { DltsError, type DltsErrorCode } from '@dlts/tensors';
import { processImage, type ImageTask } from './pipeline';

interface Pending {
  resolve: (data: Float32Array) => void;
  reject: (error: Error) => void;
}

/** The default number of worker threads for this process. */
export function defaultWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/**
 * How to start a worker: the built `pipeline_worker.js` next to this module, or, when running
 * from TypeScript source (tsx, vitest), a bootstrap that registers tsx in the worker and then
 * imports `pipeline_worker.ts` (Node 20 does not apply `--import` loaders to a worker's entry).
 */
function workerSpec(): { entry: URL | string; options: WorkerOptions } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Throws (-> main thread) when no TypeScript loader is installed.
    const api = createRequire(here).resolve('tsx/esm/api');
    const mjs = api.replace(/\.cjs$/, '.mjs');
    const loader = pathToFileURL(existsSync(mjs) ? mjs : api).href;
    const target = new URL('./pipeline_worker.ts', here).href;
    const code = `(async () => { const { register } = await import(${JSON.stringify(loader)}); register(); await import(${JSON.stringify(target)}); })();`;
    return { entry: code, options: { eval: true, execArgv: ['--conditions=@dlts/source'] } };
  }
  // Built: dist/index.* (or a chunk beside it) and dist/flow/pipeline_worker.*.
  return { entry: new URL(here.endsWith('.cjs') ? './flow/pipeline_worker.cjs' : './flow/pipeline_worker.js', here), options: {} };
}

/** Tasks a worker holds at once: its decodes overlap in libuv's threads while its thread augments. */
const TASKS_PER_WORKER = 4;

class WorkerPool {
  private workers: Worker[] = [];
  private ready = new Set<Worker>();
  private queue: { id: number; task: ImageTask }[] = [];
  private pending = new Map<number, Pending>();
  private assigned = new Map<Worker, Map<number, ImageTask>>();
  private nextId = 0;
  private failed = false;

  constructor(private readonly size: number) {}

  /** Live workers, and whether the pool fell back to the main thread. */
  info(): { workers: number; fallback: boolean } {
    return { workers: this.workers.length, fallback: this.failed };
  }

  /** Runs `task` in a worker (or on this thread when there are none). */
  run(task: ImageTask): Promise<Float32Array> {
    if (this.failed || this.size === 0) return processImage(task);
    if (this.workers.length === 0) this.start();
    if (this.failed) return processImage(task);
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task });
      this.pump();
    });
  }

  private start(): void {
    let spec: { entry: URL | string; options: WorkerOptions };
    try {
      spec = workerSpec();
    } catch {
      this.failed = true;
      return;
    }
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(spec.entry, spec.options);
      worker.unref();
      this.assigned.set(worker, new Map());
      worker.on('message', (m: { ready?: boolean; id?: number; data?: Float32Array; error?: { code?: string; message: string } }) => {
        if (m.ready) {
          this.ready.add(worker);
          this.pump();
          return;
        }
        const p = this.pending.get(m.id!);
        this.pending.delete(m.id!);
        this.assigned.get(worker)?.delete(m.id!);
        if (p) {
          if (m.error) p.reject(m.error.code ? new DltsError(m.error.code as DltsErrorCode, m.error.message) : new Error(m.error.message));
          else p.resolve(m.data!);
        }
        this.pump();
      });
      worker.on('error', () => this.fail(worker));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(worker);
      });
      this.workers.push(worker);
    }
  }

  /** A worker broke: its tasks (and, when none is left, every queued task) run on this thread instead. */
  private fail(worker: Worker): void {
    if (!this.workers.includes(worker)) return;
    this.workers = this.workers.filter((w) => w !== worker);
    this.ready.delete(worker);
    const retry = [...(this.assigned.get(worker) ?? new Map<number, ImageTask>()).entries()].map(([id, task]) => ({ id, task }));
    this.assigned.delete(worker);
    if (this.workers.length === 0) {
      this.failed = true;
      retry.push(...this.queue);
      this.queue = [];
    }
    for (const r of retry) {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (p) processImage(r.task).then(p.resolve, p.reject);
    }
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Worker | undefined;
      for (const w of this.ready) {
        const load = this.assigned.get(w)!.size;
        if (load < TASKS_PER_WORKER && (!best || load < this.assigned.get(best)!.size)) best = w;
      }
      if (!best) break;
      const job = this.queue.shift()!;
      this.assigned.get(best)!.set(job.id, job.task);
      best.postMessage(job);
    }
    // Keep the process alive exactly while work is outstanding.
    const active = this.pending.size > 0;
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }
}

const pools = new Map<number, WorkerPool>();

/** The shared pool with `size` workers (0: process on the main thread). */
export function workerPool(size: number): { run(task: ImageTask): Promise<Float32Array>; info(): { workers: number; fallback: boolean } } {
  let pool = pools.get(size);
  if (!pool) {
    pool = new WorkerPool(size);
    pools.set(size, pool);
  }
  return pool;
}
