/**
 * `plot(history)` as R keras draws it with ggplot2 (R/history.R, `plot.keras_training_history`):
 * one panel per metric stacked with free y scales, the strip label on the left, training and
 * validation as points filled with ggplot2's two default colours, a loess smooth through each
 * series when the run has 10 or more epochs, integer epoch breaks, and a legend titled "data".
 */
import { DltsError, received } from '@dlts/tensors';
import { loess } from './loess';
import { axisBreaks, expandRange } from './pretty';
import { pictureFormat, writeVegaLite, type RenderOptions, type VegaLiteSpec } from './render';
import { GG, ggConfig } from './theme';
import { historyFrame, type HistoryLike, type HistoryRow } from './history_data';

export type { HistoryLike, HistoryRow } from './history_data';

/** Options of {@link historySpec} and {@link plotHistory}. */
export interface HistoryPlotOptions {
  /** Metrics to plot (`['loss', 'accuracy']`); default every metric in the history, as R keras. */
  metrics?: string[];
  /**
   * Add a loess smooth (R keras's `smooth = getOption("keras.plot.history.smooth", TRUE)`). As in
   * R keras it is drawn only when the run has 10 or more epochs. Default true.
   */
  smooth?: boolean;
  /** Width of the panels in points. Default 420 (with the legend, about R's 7-inch figure). */
  width?: number;
  /** Total height of the panels in points. Default 300. */
  height?: number;
}

/** Points at which ggplot2's `geom_smooth` evaluates the smooth (`n = 80`). */
const SMOOTH_POINTS = 80;

/** R keras's rule: smooth only when asked and the run has at least 10 epochs. */
export function historySmoothApplies(epochs: number, smooth = true): boolean {
  return smooth && epochs >= 10;
}

/** A loess smooth (span 0.75, degree 2) through one series, at 80 points across its x range. */
export function smoothSeries(x: number[], y: number[], points = SMOOTH_POINTS): { x: number; y: number }[] {
  if (new Set(x).size < 3) return [];
  const fit = loess(x, y);
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const xs = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  const ys = fit.predict(xs);
  return xs.map((xv, i) => ({ x: xv, y: ys[i] }));
}

/** d3 format with the decimals the breaks need, as R's `format()` gives every label the same. */
export function labelFormat(values: number[]): string {
  let decimals = 0;
  for (const v of values) {
    const s = String(v);
    const e = s.indexOf('e-');
    const d = e >= 0 ? Number(s.slice(e + 2)) + (s.split('e')[0].split('.')[1]?.length ?? 0) : (s.split('.')[1]?.length ?? 0);
    decimals = Math.max(decimals, d);
  }
  return `.${Math.min(decimals, 10)}f`;
}

/** Formats `v` with a d3 fixed-point format such as `.2f`. */
function formatFixed(v: number, format: string): string {
  return v.toFixed(Number(format.slice(1, -1)));
}

/** Approximate width in points of axis text (8.8 pt DejaVu Sans: digits 0.636 em, `.` and `-` narrower). */
export function textWidth(text: string, size: number = GG.small): number {
  let em = 0;
  for (const ch of text) em += ch === '.' || ch === ',' ? 0.318 : ch === '-' ? 0.361 : /[0-9]/.test(ch) ? 0.636 : 0.6;
  return em * size;
}

/**
 * The Vega-Lite spec of R keras's `plot(history)` (see {@link plotHistory}): render it yourself,
 * change it, or inspect what will be drawn.
 *
 * @param history - the `History` from `fit` (or `{history, params}`).
 * @returns a Vega-Lite `vconcat` spec, one panel per metric.
 * @throws DltsError `DLTS_VALUE` for an empty history or an unknown metric.
 * @example
 * ```ts
 * const spec = historySpec(history, { metrics: ['loss'] });
 * ```
 */
export function historySpec(history: HistoryLike, options: HistoryPlotOptions = {}): VegaLiteSpec {
  const frame = historyFrame(history, 'historySpec', options.metrics);
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!(v > 0 && Number.isFinite(v))) throw new DltsError('DLTS_VALUE', `historySpec: ${name} must be a positive number. Received: ${name}=${received(v)}`);
  }
  const smooth = historySmoothApplies(frame.epochs, options.smooth ?? true);
  const seriesNames: ('training' | 'validation')[] = frame.validation ? ['training', 'validation'] : ['training'];
  const colour = { training: GG.training, validation: GG.validation };
  const k = frame.metrics.length;
  const spacing = 5.5;
  const panelHeight = (height - spacing * (k - 1)) / k;
  const lastEpoch = Math.max(frame.epochs, ...frame.rows.map((r) => r.epoch));
  const x = axisBreaks(1, lastEpoch, { integer: true, expanded: expandRange(1, lastEpoch) });

  const panels = frame.metrics.map((metric, index) => {
    const rows = frame.rows.filter((r) => r.metric === metric);
    const smoothRows: (Omit<HistoryRow, 'epoch'> & { epoch: number })[] = [];
    if (smooth) {
      for (const data of seriesNames) {
        const series = rows.filter((r) => r.data === data);
        for (const p of smoothSeries(
          series.map((r) => r.epoch),
          series.map((r) => r.value),
        )) {
          smoothRows.push({ epoch: p.x, value: p.y, metric, data });
        }
      }
    }
    const values = [...rows, ...smoothRows].map((r) => r.value);
    const lo = values.length > 0 ? Math.min(...values) : 0;
    const hi = values.length > 0 ? Math.max(...values) : 1;
    const y = axisBreaks(lo, hi);
    const last = index === k - 1;
    const xEnc = {
      field: 'epoch',
      type: 'quantitative',
      scale: { domain: x.domain, nice: false, zero: false },
      axis: last ? { values: x.major, title: 'epoch', format: 'd' } : { values: x.major, labels: false, ticks: false, title: null },
    };
    const yEnc = {
      field: 'value',
      type: 'quantitative',
      scale: { domain: y.domain, nice: false, zero: false },
      axis: { values: y.major, title: metric, format: labelFormat(y.major), titlePadding: 5.5 },
    };
    const layers: Record<string, unknown>[] = [];
    if (x.minor.length > 0) {
      layers.push({
        name: `minor_x_${index}`,
        data: { values: x.minor.map((v) => ({ epoch: v })) },
        mark: { type: 'rule', color: GG.grid, strokeWidth: GG.minor },
        encoding: { x: xEnc },
      });
    }
    if (y.minor.length > 0) {
      layers.push({
        name: `minor_y_${index}`,
        data: { values: y.minor.map((v) => ({ value: v })) },
        mark: { type: 'rule', color: GG.grid, strokeWidth: GG.minor },
        encoding: { y: yEnc },
      });
    }
    const colourScale = { domain: seriesNames, range: seriesNames.map((s) => colour[s]) };
    layers.push({
      name: `points_${index}`,
      data: { values: rows },
      // geom_point(shape = 21, col = 1): a circle outlined in black, filled by data set (hollow without validation).
      mark: frame.validation
        ? { type: 'point', shape: 'circle', filled: true, size: 30, stroke: 'black', strokeWidth: 0.5, opacity: 1 }
        : { type: 'point', shape: 'circle', filled: false, size: 30, stroke: 'black', strokeWidth: 0.5, opacity: 1 },
      encoding: {
        x: xEnc,
        y: yEnc,
        ...(frame.validation
          ? {
              color: {
                field: 'data',
                type: 'nominal',
                scale: colourScale,
                legend: { title: 'data', symbolType: 'circle', symbolStrokeColor: 'black', symbolStrokeWidth: 0.5, symbolSize: 40 },
              },
            }
          : {}),
      },
    });
    if (smoothRows.length > 0) {
      layers.push({
        name: `smooth_${index}`,
        data: { values: smoothRows },
        mark: frame.validation ? { type: 'line', strokeWidth: GG.smoothWidth } : { type: 'line', strokeWidth: GG.smoothWidth, color: GG.smooth },
        encoding: {
          x: xEnc,
          y: yEnc,
          ...(frame.validation ? { color: { field: 'data', type: 'nominal', scale: colourScale } } : {}),
          detail: { field: 'data' },
        },
      });
    }
    return { width, height: panelHeight, layer: layers, labels: y.major.map((v) => formatFixed(v, labelFormat(y.major))) };
  });
  // ggplot2's outside strips line up whatever the label widths: put every y title at one offset.
  const widest = Math.max(...panels.map((p) => Math.max(...p.labels.map((l) => textWidth(l)))));
  const extent = Math.ceil(GG.tickSize + 2.2 + widest + 1);
  for (const panel of panels) {
    for (const layer of panel.layer as { encoding: { y?: { axis?: Record<string, unknown> } } }[]) {
      if (layer.encoding.y?.axis) layer.encoding.y.axis = { ...layer.encoding.y.axis, minExtent: extent, maxExtent: extent };
    }
    delete (panel as { labels?: string[] }).labels;
  }

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `R keras plot(history): ${frame.metrics.join(', ')} over ${frame.epochs} epochs${smooth ? ', with a loess smooth' : ''}`,
    config: ggConfig(),
    spacing,
    resolve: { scale: { x: 'shared', color: 'shared' } },
    vconcat: panels,
  };
}

/**
 * Plots a training history as R keras's `plot(history)` does (the course's picture after each
 * `fit`): one panel per metric (loss, accuracy or mae, ...) stacked with free y axes, training and
 * validation points in ggplot2's colours (#F8766D, #00BFC4), a loess smooth through each series
 * when the run has 10 or more epochs, integer epoch ticks, and a legend "data".
 *
 * @param history - the `History` that `fit` returns (or `{history, params}` from a JSON file).
 * @param options - `file` (`.png`, `.svg` or `.html`), and the {@link HistoryPlotOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for a bad history, metric or file extension; `DLTS_IO` when the
 *   file cannot be written.
 * @example
 * ```ts
 * // R: history <- model %>% fit(...); plot(history)
 * const history = await model.fit(x, y, { epochs: 20, batchSize: 512, validationData: [xVal, yVal] });
 * await plotHistory(history, { file: 'history.png' });
 * ```
 */
export async function plotHistory(history: HistoryLike, options: HistoryPlotOptions & RenderOptions & { file: string }): Promise<string> {
  pictureFormat(options?.file, 'plotHistory');
  const spec = historySpec(history, options);
  return writeVegaLite(spec, options?.file, 'plotHistory', { pageTitle: 'plot(history)', ...options });
}
