/**
 * Line and smooth plots of one or more series, as ggplot2 draws `geom_line()` and
 * `geom_smooth()`: the course's Boston K-fold picture (mean validation MAE per epoch).
 */
import { DltsError, received } from '@dlts/tensors';
import { hueColors } from './colors';
import { labelFormat } from './history';
import { loess } from './loess';
import { axisBreaks } from './pretty';
import { pictureFormat, writeVegaLite, type RenderOptions, type VegaLiteSpec } from './render';
import { GG, ggConfig } from './theme';

/** What {@link plotSeries} draws: ggplot2 geoms. */
export type SeriesGeom = 'line' | 'point' | 'smooth';

/** Options of {@link seriesSpec} and {@link plotSeries}. */
export interface SeriesPlotOptions {
  /** x values shared by every series; default 1, 2, ..., n (epochs). */
  x?: number[];
  /** Layers to draw, in order: `['line']` (default, `geom_line()`), `['smooth']` (`geom_smooth()`), or both. */
  geoms?: SeriesGeom[];
  /** Draw the smooth's 95% confidence band, as `geom_smooth()` does by default. Default true. */
  se?: boolean;
  /** Confidence level of the band. Default 0.95. */
  level?: number;
  /** loess span of the smooth. Default 0.75 (R's). */
  span?: number;
  /** x-axis title. Default `'epoch'`. */
  xTitle?: string;
  /** y-axis title. Default `'value'` (the series name when there is one series given by name). */
  yTitle?: string;
  /** Legend title when there are several series. Default `'series'`. */
  legendTitle?: string;
  /** Size of the panel in points. Default 420 x 300. */
  width?: number;
  height?: number;
}

/** Points at which ggplot2's `geom_smooth` evaluates the smooth (`n = 80`). */
const SMOOTH_POINTS = 80;

function normalise(values: number[] | Record<string, number[]>, fn: string): [string, number[]][] {
  const entries: [string, unknown][] = Array.isArray(values) ? [['value', values]] : values && typeof values === 'object' ? Object.entries(values) : [];
  if (entries.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: values must be an array of numbers or {name: numbers}. Received: values=${received(values)}`);
  for (const [name, v] of entries) {
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number')) {
      throw new DltsError('DLTS_VALUE', `${fn}: series "${name}" must be a non-empty array of numbers. Received: ${received(v)}`);
    }
  }
  return entries as [string, number[]][];
}

/**
 * The Vega-Lite spec behind {@link plotSeries}.
 *
 * @returns a layered Vega-Lite spec (line, points, smooth with its band).
 * @throws DltsError `DLTS_VALUE` for empty series, an x of the wrong length, or an unknown geom.
 * @example
 * ```ts
 * const spec = seriesSpec({ validation_mae: averageMae }, { geoms: ['smooth'] });
 * ```
 */
export function seriesSpec(values: number[] | Record<string, number[]>, options: SeriesPlotOptions = {}): VegaLiteSpec {
  const fn = 'seriesSpec';
  const series = normalise(values, fn);
  const geoms = options.geoms ?? ['line'];
  for (const g of geoms) if (!['line', 'point', 'smooth'].includes(g)) throw new DltsError('DLTS_VALUE', `${fn}: geoms must be 'line', 'point' or 'smooth'. Received: geoms=${received(geoms)}`);
  if (geoms.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: geoms must name at least one geom. Received: geoms=[]`);
  const many = series.length > 1;
  const colours = many ? hueColors(series.length) : ['black'];
  const names = series.map(([n]) => n);
  const rows: { x: number; y: number; series: string }[] = [];
  const smooth: { x: number; y: number; lower?: number; upper?: number; series: string }[] = [];
  for (const [name, ys] of series) {
    const xs = options.x ?? ys.map((_, i) => i + 1);
    if (xs.length !== ys.length) throw new DltsError('DLTS_VALUE', `${fn}: x has ${xs.length} values but series "${name}" has ${ys.length}. Received: x=${received(options.x)}`);
    const px: number[] = [];
    const py: number[] = [];
    ys.forEach((y, i) => {
      if (Number.isFinite(y) && Number.isFinite(xs[i])) {
        rows.push({ x: xs[i], y, series: name });
        px.push(xs[i]);
        py.push(y);
      }
    });
    if (geoms.includes('smooth') && new Set(px).size >= 3) {
      const fit = loess(px, py, { span: options.span ?? 0.75 });
      const lo = Math.min(...px);
      const hi = Math.max(...px);
      const grid = Array.from({ length: SMOOTH_POINTS }, (_, i) => lo + ((hi - lo) * i) / (SMOOTH_POINTS - 1));
      if (options.se ?? true) {
        const band = fit.predictInterval(grid, options.level ?? 0.95);
        grid.forEach((x, i) => smooth.push({ x, y: band.fit[i], lower: band.lower[i], upper: band.upper[i], series: name }));
      } else {
        fit.predict(grid).forEach((y, i) => smooth.push({ x: grid[i], y, series: name }));
      }
    }
  }
  if (rows.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: no finite values to plot. Received: values=${received(values)}`);
  // ggplot2 trains the scales on every layer drawn (the band included).
  const xVals = rows.map((r) => r.x);
  const yVals: number[] = [];
  if (geoms.includes('line') || geoms.includes('point')) yVals.push(...rows.map((r) => r.y));
  for (const s of smooth) yVals.push(s.y, ...(s.lower !== undefined ? [s.lower, s.upper!] : []));
  if (yVals.length === 0) yVals.push(...rows.map((r) => r.y));
  const xb = axisBreaks(Math.min(...xVals), Math.max(...xVals));
  const yb = axisBreaks(Math.min(...yVals), Math.max(...yVals));
  const xEnc = { field: 'x', type: 'quantitative', scale: { domain: xb.domain, nice: false, zero: false }, axis: { values: xb.major, title: options.xTitle ?? 'epoch', format: labelFormat(xb.major) } };
  const yTitle = options.yTitle ?? (series.length === 1 && !Array.isArray(values) ? series[0][0] : 'value');
  const yEnc = { field: 'y', type: 'quantitative', scale: { domain: yb.domain, nice: false, zero: false }, axis: { values: yb.major, title: yTitle, format: labelFormat(yb.major) } };
  const colour = many
    ? { color: { field: 'series', type: 'nominal', scale: { domain: names, range: colours }, legend: { title: options.legendTitle ?? 'series' } } }
    : {};
  const layers: Record<string, unknown>[] = [];
  if (xb.minor.length > 0) layers.push({ name: 'minor_x', data: { values: xb.minor.map((x) => ({ x })) }, mark: { type: 'rule', color: GG.grid, strokeWidth: GG.minor }, encoding: { x: xEnc } });
  if (yb.minor.length > 0) layers.push({ name: 'minor_y', data: { values: yb.minor.map((y) => ({ y })) }, mark: { type: 'rule', color: GG.grid, strokeWidth: GG.minor }, encoding: { y: yEnc } });
  for (const g of geoms) {
    if (g === 'line') {
      layers.push({ name: 'line', data: { values: rows }, mark: { type: 'line', strokeWidth: GG.line, ...(many ? {} : { color: 'black' }) }, encoding: { x: xEnc, y: yEnc, detail: { field: 'series' }, ...colour } });
    } else if (g === 'point') {
      layers.push({ name: 'point', data: { values: rows }, mark: { type: 'point', filled: true, size: 20, opacity: 1, ...(many ? {} : { color: 'black' }) }, encoding: { x: xEnc, y: yEnc, ...colour } });
    } else if (smooth.length > 0) {
      if (smooth[0].lower !== undefined) {
        layers.push({
          name: 'smooth_band',
          data: { values: smooth },
          mark: { type: 'area', color: GG.ribbon, opacity: 0.4 },
          encoding: { x: xEnc, y: { field: 'lower', type: 'quantitative', scale: yEnc.scale, axis: yEnc.axis }, y2: { field: 'upper' }, detail: { field: 'series' } },
        });
      }
      layers.push({
        name: 'smooth',
        data: { values: smooth },
        mark: { type: 'line', strokeWidth: GG.smoothWidth, ...(many ? {} : { color: GG.smooth }) },
        encoding: { x: xEnc, y: yEnc, detail: { field: 'series' }, ...colour },
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `ggplot(${geoms.map((g) => `geom_${g}()`).join(' + ')}): ${names.join(', ')}`,
    config: ggConfig(),
    width: options.width ?? 420,
    height: options.height ?? 300,
    layer: layers,
  };
}

/**
 * Plots series against epochs as ggplot2 does: `geom_line()` (default), `geom_point()`, and/or
 * `geom_smooth()` (a loess smooth, span 0.75, in ggplot2's blue with its grey 95% band). The
 * course's Boston picture: the mean validation MAE of the K folds per epoch, as a line and as a
 * smooth.
 *
 * @param values - one series (`number[]`) or several by name (`{fold1: [...], fold2: [...]}`), coloured with ggplot2's hues.
 * @param options - `file` (`.png`, `.svg` or `.html`) and the {@link SeriesPlotOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for bad series or options; `DLTS_IO` when the file cannot be written.
 * @example
 * ```ts
 * // R: ggplot(average_mae_history, aes(x = epoch, y = validation_mae)) + geom_line()
 * await plotSeries(averageMae, { file: 'mae.png', yTitle: 'validation_mae' });
 * // R: ... + geom_smooth()
 * await plotSeries(averageMae, { file: 'mae_smooth.png', yTitle: 'validation_mae', geoms: ['smooth'] });
 * ```
 */
export async function plotSeries(values: number[] | Record<string, number[]>, options: SeriesPlotOptions & RenderOptions & { file: string }): Promise<string> {
  pictureFormat(options?.file, 'plotSeries');
  return writeVegaLite(seriesSpec(values, options), options?.file, 'plotSeries', { pageTitle: 'plotSeries', ...options });
}
