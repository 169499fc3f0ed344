/**
 * A live view of training in the browser: a `fit` callback that serves a page on the loopback
 * interface and pushes every batch and epoch to it with Server-Sent Events.
 *
 * `@dlts/vis` does not import `@dlts/layers` at run time: the dashboard implements the callback
 * interface structurally (`fit` calls the hooks by name), so it is accepted wherever a `Callback`
 * is.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Callback, Logs, Model, TrainingParams } from '@dlts/layers';
import { DltsError, received } from '@dlts/tensors';
import { batchChartSpec, dashboardPage, epochChartSpec } from './dashboard_page';
import { compileVegaLite, type VegaSpec } from './render';

/** Options of {@link liveDashboard}. */
export interface LiveDashboardOptions {
  /** Port to listen on; 0 (default) picks a free one. The address is printed and in `dashboard.url`. */
  port?: number;
  /** Loopback address to bind: `'127.0.0.1'` (default), `'localhost'` or `'::1'`. Nothing else is accepted. */
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Page title. Default `'dlts training'`. */
  title?: string;
  /**
   * Least time in ms between two batch updates (each reads the running metrics back from the
   * device). Default 100; 0 sends every batch. Epoch ends are always sent.
   */
  updateInterval?: number;
  /** Close the server when training ends (default true); otherwise call `close()`. */
  stopOnTrainEnd?: boolean;
  /** Where to print the address; `false` for silence. Default `console.log`. */
  log?: ((line: string) => void) | false;
}

/** A point of the per-batch chart. */
interface BatchRow {
  step: number;
  epoch: number;
  metric: string;
  value: number;
}

/** A point of the per-epoch chart. */
interface EpochRow {
  epoch: number;
  metric: string;
  data: 'training' | 'validation';
  value: number;
}

/** Where training stands, as the page shows it. */
export interface DashboardProgress {
  status: 'waiting' | 'training' | 'done';
  /** 1-based epoch being trained. */
  epoch: number;
  epochs?: number;
  /** 1-based batch within the epoch. */
  step: number;
  steps?: number;
  /** Seconds since training began. */
  elapsed: number;
  /** Estimated seconds left (undefined until it can be estimated). */
  eta?: number;
  /** Fraction done, 0 to 1. */
  fraction: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The live dashboard callback; create it with {@link liveDashboard}. It has the hooks of
 * `@dlts/layers`' `Callback` and can be passed in `fit`'s `callbacks`.
 *
 * @example
 * ```ts
 * import { LiveDashboard, liveDashboard } from '@dlts/vis';
 * const dashboard = liveDashboard({ stopOnTrainEnd: false });
 * dashboard instanceof LiveDashboard; // true
 * const url = await dashboard.start(); // e.g. 'http://127.0.0.1:40123/' (any free port)
 * await model.fit(xTrain, yTrain, { epochs: 20, validationSplit: 0.2, callbacks: [dashboard] });
 * await dashboard.close(); // with stopOnTrainEnd: false the page is served until then
 * ```
 */
export class LiveDashboard implements Callback {
  /** The model being trained (set by `fit`). */
  model?: Model;
  /** The run's parameters (set by `fit`). */
  params?: TrainingParams;
  /** The page's address once the server listens, e.g. `http://127.0.0.1:41234/`. */
  url?: string;

  private readonly port: number;
  private readonly host: string;
  private readonly title: string;
  private readonly interval: number;
  private readonly stopOnEnd: boolean;
  private readonly log: ((line: string) => void) | false;
  private server?: Server;
  private starting?: Promise<string>;
  private readonly clients = new Set<ServerResponse>();
  private specs?: { batches: VegaSpec; epochs: VegaSpec };
  private vegaBundle?: Buffer;
  private readonly batches: BatchRow[] = [];
  private readonly epochs: EpochRow[] = [];
  private progress: DashboardProgress = { status: 'waiting', epoch: 0, step: 0, elapsed: 0, fraction: 0 };
  private t0 = 0;
  private firstEpoch?: number;
  private epoch = 0;
  private stepsDone = 0;
  private epochsDone = 0;
  private epochStart = 0;
  private lastSent = -Infinity;

  constructor(options: LiveDashboardOptions = {}) {
    const port = options.port ?? 0;
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw new DltsError('DLTS_VALUE', `liveDashboard: port must be an integer from 0 to 65535. Received: port=${received(options.port)}`);
    }
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.has(host)) {
      throw new DltsError('DLTS_VALUE', `liveDashboard: host must be a loopback address ('127.0.0.1', 'localhost' or '::1'); the dashboard is never served to the network. Received: host=${received(options.host)}`);
    }
    const interval = options.updateInterval ?? 100;
    if (!(interval >= 0 && Number.isFinite(interval))) {
      throw new DltsError('DLTS_VALUE', `liveDashboard: updateInterval must be a non-negative number of milliseconds. Received: updateInterval=${received(options.updateInterval)}`);
    }
    this.port = port;
    this.host = host;
    this.title = options.title ?? 'dlts training';
    this.interval = interval;
    this.stopOnEnd = options.stopOnTrainEnd ?? true;
    this.log = options.log === undefined ? console.log : options.log;
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return !!this.server?.listening;
  }

  /**
   * Starts the server (training starts it too). Call it first to open the page before `fit`.
   *
   * @returns the page's address.
   * @throws DltsError `DLTS_IO` when the port cannot be bound.
   */
  start(): Promise<string> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<string> {
    const vegaDir = dirname(createRequire(import.meta.url).resolve('vega'));
    const [batches, epochs, bundle] = await Promise.all([compileVegaLite(batchChartSpec()), compileVegaLite(epochChartSpec()), readFile(join(vegaDir, 'vega.min.js'))]);
    this.specs = { batches, epochs };
    this.vegaBundle = bundle;
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => socket.unref());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new DltsError('DLTS_IO', `liveDashboard: cannot listen on ${this.host}:${this.port}: ${error.message}`, { cause: error })));
      server.listen(this.port, this.host, () => resolve());
    });
    // Never keep the process alive on the dashboard's account (e.g. when fit throws).
    server.unref();
    this.server = server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : this.port;
    const shown = this.host === '::1' ? '[::1]' : this.host;
    this.url = `http://${shown}:${port}/`;
    if (this.log) this.log(`Live dashboard: ${this.url}`);
    return this.url;
  }

  /** Stops the server and ends the pages' event streams. Safe to call twice. */
  async close(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.starting = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const address = this.server?.address();
    const port = typeof address === 'object' && address ? address.port : this.port;
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    // Only pages addressed to the loopback name may talk to the dashboard (DNS rebinding guard).
    if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('forbidden\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const csp = "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': csp }).end(dashboardPage(this.title));
    } else if (path === '/vega.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' }).end(this.vegaBundle);
    } else if (path === '/state.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(this.snapshot()));
    } else if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(`retry: 2000\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
      this.send(res, 'state', { ...this.snapshot(), specs: this.specs });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  }

  /** Everything recorded so far: what a page that connects late draws first. */
  snapshot(): { title: string; params?: TrainingParams; progress: DashboardProgress; batches: BatchRow[]; epochs: EpochRow[] } {
    return { title: this.title, params: this.params, progress: { ...this.progress }, batches: this.batches.slice(), epochs: this.epochs.slice() };
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private broadcast(event: string, data: unknown): void {
    for (const res of this.clients) this.send(res, event, data);
  }

  private updateProgress(status: DashboardProgress['status'], step: number): DashboardProgress {
    const now = performance.now();
    const elapsed = (now - this.t0) / 1000;
    const epochs = this.params?.epochs;
    const steps = this.params?.steps;
    const first = this.firstEpoch ?? 0;
    let eta: number | undefined;
    let fraction = 0;
    if (epochs !== undefined && steps !== undefined && steps > 0) {
      const total = (epochs - first) * steps;
      fraction = total > 0 ? Math.min(1, this.stepsDone / total) : 0;
      if (this.stepsDone > 0) eta = (elapsed / this.stepsDone) * Math.max(0, total - this.stepsDone);
    } else if (epochs !== undefined) {
      fraction = Math.min(1, this.epochsDone / Math.max(1, epochs - first));
      if (this.epochsDone > 0) {
        const perEpoch = (this.epochStart - this.t0) / 1000 / this.epochsDone;
        eta = Math.max(0, perEpoch * (epochs - first - this.epochsDone) - (now - this.epochStart) / 1000);
      }
    }
    if (status === 'done') {
      eta = 0;
      fraction = 1;
    }
    this.progress = { status, epoch: this.epoch + 1, epochs, step, steps, elapsed, eta, fraction };
    return this.progress;
  }

  setModel(model: Model): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  async onTrainBegin(_logs?: Logs): Promise<void> {
    await this.start();
    this.t0 = performance.now();
    this.epochStart = this.t0;
    this.batches.length = 0;
    this.epochs.length = 0;
    this.stepsDone = 0;
    this.epochsDone = 0;
    this.firstEpoch = undefined;
    this.lastSent = -Infinity;
    this.updateProgress('training', 0);
    this.broadcast('state', { ...this.snapshot(), specs: this.specs });
  }

  onEpochBegin(epoch: number, _logs?: Logs): void {
    this.firstEpoch ??= epoch;
    this.epoch = epoch;
    this.epochStart = performance.now();
  }

  onTrainBatchEnd(batch: number, logs?: Logs): void {
    this.stepsDone++;
    const now = performance.now();
    if (now - this.lastSent < this.interval) return;
    this.lastSent = now;
    const rows = this.batchRows(logs ?? {});
    this.batches.push(...rows);
    this.broadcast('batch', { rows, progress: this.updateProgress('training', batch + 1) });
  }

  private batchRows(logs: Logs): BatchRow[] {
    const rows: BatchRow[] = [];
    for (const metric of Object.keys(logs)) {
      if (metric === 'batch' || metric === 'size' || metric.startsWith('val_')) continue;
      const value = logs[metric];
      if (typeof value === 'number' && Number.isFinite(value)) rows.push({ step: this.stepsDone, epoch: this.epoch + 1, metric, value });
    }
    return rows;
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    this.epochsDone++;
    const rows: EpochRow[] = [];
    for (const [key, value] of Object.entries(logs ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const validation = key.startsWith('val_');
      rows.push({ epoch: epoch + 1, metric: validation ? key.slice(4) : key, data: validation ? 'validation' : 'training', value });
    }
    // The epoch's final training values close the per-batch curves.
    const last = this.batches.length > 0 ? this.batches[this.batches.length - 1].step : -1;
    const batchRows = last === this.stepsDone ? [] : this.batchRows(logs ?? {});
    this.batches.push(...batchRows);
    this.epochs.push(...rows);
    const steps = this.params?.steps;
    this.broadcast('epoch', { rows, batchRows, progress: this.updateProgress('training', steps ?? 0) });
  }

  async onTrainEnd(_logs?: Logs): Promise<void> {
    this.broadcast('end', { progress: this.updateProgress('done', this.progress.step) });
    if (this.stopOnEnd) await this.close();
  }

  onTrainBatchBegin(_batch: number, _logs?: Logs): void {}
  onTestBegin(_logs?: Logs): void {}
  onTestEnd(_logs?: Logs): void {}
  onTestBatchBegin(_batch: number, _logs?: Logs): void {}
  onTestBatchEnd(_batch: number, _logs?: Logs): void {}
  onPredictBegin(_logs?: Logs): void {}
  onPredictEnd(_logs?: Logs): void {}
  onPredictBatchBegin(_batch: number, _logs?: Logs): void {}
  onPredictBatchEnd(_batch: number, _logs?: Logs): void {}
}

/**
 * A live training dashboard: pass it to `fit` and open the printed address. The page (served on
 * the loopback interface only) shows the loss and metrics per batch and per epoch (training and
 * validation), a progress bar, the elapsed time and an ETA, updated while training runs through
 * Server-Sent Events. The server stops when training ends (the page keeps its charts). `fit`
 * yields to the event loop about every 50 ms, so the page stays responsive during long epochs.
 *
 * @param options - `port` (0 = any free port) and the {@link LiveDashboardOptions}.
 * @returns the callback; `await dashboard.start()` gives the address before training if you
 *   want to open the page first.
 * @throws DltsError `DLTS_VALUE` for a bad port, a non-loopback host or a bad interval.
 * @example
 * ```ts
 * const dashboard = liveDashboard({ port: 8050 });
 * console.log(await dashboard.start()); // http://127.0.0.1:8050/
 * await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [dashboard] });
 * ```
 */
export function liveDashboard(options: LiveDashboardOptions = {}): LiveDashboard {
  return new LiveDashboard(options);
}
