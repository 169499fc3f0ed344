/**
 * One self-contained HTML page per training run: hyper-parameters, final metrics, the history
 * plot, the model summary and diagram. Everything is inline (SVG pictures, CSS); the page loads
 * nothing, so it opens offline and can be mailed or archived as one file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DltsError, received } from '@dlts/tensors';
import { historySpec } from './history';
import { historyFrame, type HistoryLike } from './history_data';
import { modelSpec, type ModelLike } from './model_plot';
import { escapeXml, vegaLiteToSvg, vegaToSvg } from './render';

/** What {@link report} shows about a run; every part is optional but at least one is needed. */
export interface RunReport {
  /** Page title. Default `'Training run'`. */
  title?: string;
  /** The `History` that `fit` returned. */
  history?: HistoryLike;
  /** The model: its summary table (`model.summary({print: false})`) and diagram are included. */
  model?: ModelLike & { summary?: (options: { print: false }) => string };
  /** The summary text, when there is no model object (e.g. read from a file). */
  summary?: string;
  /** Final metrics, e.g. `model.evaluate(xTest, yTest)`'s `{loss, accuracy}`. */
  metrics?: Record<string, number>;
  /** Hyper-parameters (optimizer, batch size, learning rate, ...). */
  params?: Record<string, unknown>;
  /** Free text shown under the title. */
  notes?: string;
}

/** Options of {@link report}. */
export interface ReportOptions {
  /** Folder to write into (created if needed). */
  dir: string;
  /** File name without `.html`. Default `'report'`. */
  name?: string;
}

function table(rows: [string, string][], head?: [string, string]): string {
  const h = head ? `<thead><tr><th>${escapeXml(head[0])}</th><th>${escapeXml(head[1])}</th></tr></thead>` : '';
  return `<table>${h}<tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</tbody></table>`;
}

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function strip(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

/**
 * Writes one self-contained HTML page for a training run: title and notes, a hyper-parameter
 * table (the run's `params` and the history's), final metrics (last epoch's training and
 * validation values, and the `metrics` you pass, e.g. the test set's), the `plot(history)`
 * picture, the model's summary table and its layer diagram. Pictures are inline SVG; the page
 * has no scripts and fetches nothing (viewable offline).
 *
 * @param run - what to show (see {@link RunReport}).
 * @param options - `dir` (the folder) and `name` (default `'report'`).
 * @returns the absolute path of the page.
 * @throws DltsError `DLTS_VALUE` when `run` has nothing to show or `dir` is missing; `DLTS_IO`
 *   when the page cannot be written.
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * const metrics = await model.evaluate(xTest, yTest);
 * await report({ title: 'IMDB', history, model, metrics, params: { optimizer: 'rmsprop', batchSize: 512 } }, { dir: 'runs/imdb' });
 * ```
 */
export async function report(run: RunReport, options: ReportOptions): Promise<string> {
  const fn = 'report';
  if (!run || typeof run !== 'object' || !(run.history || run.model || run.summary || run.metrics || run.params)) {
    throw new DltsError('DLTS_VALUE', `${fn}: run must have at least one of history, model, summary, metrics or params. Received: run=${received(run)}`);
  }
  if (!options || typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new DltsError('DLTS_VALUE', `${fn}: options.dir must be a folder path. Received: dir=${received(options?.dir)}`);
  }
  const name = options.name ?? 'report';
  if (!/^[\w.-]+$/.test(name)) throw new DltsError('DLTS_VALUE', `${fn}: name must be a plain file name (letters, digits, _ . -). Received: name=${received(name)}`);
  const title = run.title ?? 'Training run';
  const sections: string[] = [];

  const params: [string, string][] = Object.entries(run.params ?? {}).map(([k, v]) => [k, show(v)]);
  for (const [k, v] of Object.entries(run.history?.params ?? {})) if (!params.some(([p]) => p === k) && v !== undefined) params.push([k, show(v)]);
  if (params.length > 0) sections.push(`<section id="params"><h2>Hyper-parameters</h2>${table(params)}</section>`);

  const finals: [string, string][] = [];
  if (run.history) {
    historyFrame(run.history, fn); // checks it
    for (const [key, values] of Object.entries(run.history.history)) {
      if (values.length > 0) finals.push([`${key} (last epoch)`, show(values[values.length - 1])]);
    }
  }
  for (const [k, v] of Object.entries(run.metrics ?? {})) finals.push([k, show(v)]);
  if (finals.length > 0) sections.push(`<section id="metrics"><h2>Final metrics</h2>${table(finals, ['metric', 'value'])}</section>`);

  if (run.history) {
    const svg = await vegaLiteToSvg(historySpec(run.history));
    sections.push(`<section id="history"><h2>Training history</h2><figure class="chart">${strip(svg)}<figcaption>plot(history): one panel per metric; training and validation; a loess smooth from 10 epochs.</figcaption></figure></section>`);
  }

  let summary = run.summary;
  if (summary === undefined && run.model && typeof run.model.summary === 'function') {
    try {
      summary = run.model.summary({ print: false });
    } catch {
      summary = undefined;
    }
  }
  if (summary !== undefined || run.model) {
    let diagram = '';
    if (run.model) {
      try {
        diagram = `<figure class="chart">${strip(await vegaToSvg(modelSpec(run.model)))}<figcaption>plot_model: layers with their output shapes.</figcaption></figure>`;
      } catch (error) {
        diagram = `<p class="note">No diagram: ${escapeXml((error as Error).message)}</p>`;
      }
    }
    sections.push(`<section id="model"><h2>Model</h2>${summary !== undefined ? `<pre class="summary">${escapeXml(summary)}</pre>` : ''}${diagram}</section>`);
  }

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@dlts/vis report">
<title>${escapeXml(title)}</title>
<style>
body{margin:24px auto;max-width:1000px;padding:0 16px;font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#666;font-size:.9em}table{border-collapse:collapse;font-size:.92em}th,td{padding:3px 12px;border-bottom:1px solid #eee;text-align:left}
td{font-family:'DejaVu Sans Mono',monospace}pre.summary{font-family:'DejaVu Sans Mono',monospace;font-size:12px;background:#f7f7f7;padding:10px;overflow-x:auto}
figure{margin:12px 0}#history svg{width:min(100%,820px);height:auto}figcaption{color:#666;font-size:.85em}svg{max-width:100%;height:auto}
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="meta">Written ${escapeXml(new Date().toISOString())} by @dlts/vis.</p>
${run.notes ? `<p class="notes">${escapeXml(run.notes)}</p>` : ''}
${sections.join('\n')}
</body>
</html>
`;
  const dir = resolve(options.dir);
  const path = join(dir, `${name}.html`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path, html);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
  return path;
}
