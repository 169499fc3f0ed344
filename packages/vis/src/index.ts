/**
 * @packageDocumentation
 * `@dlts/vis`: the pictures of the Keras course, in Node: `plot(history)` as R keras draws it,
 * line and loess-smooth plots, images and image grids, activation heat-maps with R's
 * `terrain.colors`, confusion matrices, model diagrams, self-contained HTML reports, and a live
 * training dashboard for `fit`. Charts are Vega-Lite, rendered to SVG by Vega and to PNG by sharp;
 * the file's extension (`.png`, `.svg`, `.html`) picks the format.
 *
 * @example
 * ```ts
 * import { plotHistory } from '@dlts/vis';
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * await plotHistory(history, { file: 'history.png' });
 * ```
 */

// Training histories and series
export { plotHistory, historySpec } from './history';
export type { HistoryPlotOptions, HistoryLike, HistoryRow } from './history';
export { plotSeries, seriesSpec } from './series';
export type { SeriesPlotOptions, SeriesGeom } from './series';

// Images and activations
export { plotImage, imageGrid } from './image';
export type { PlotImageOptions, ImageGridOptions } from './image';
export type { ImageInput } from './raster';
export { plotChannel, activationGrid, imageColourIndex } from './channel';
export type { PlotChannelOptions, ActivationGridOptions, ActivationInput, Palette } from './channel';

// Classification and models
export { plotConfusionMatrix, confusionMatrixSpec, confusionCounts } from './confusion';
export type { ConfusionMatrixOptions, ClassInput } from './confusion';
export { plotModel, modelSpec, modelGraph } from './model_plot';
export type { ModelLike, LayerLike, NodeLike, TensorLike, ModelGraph, ModelGraphNode } from './model_plot';

// Reports and the live dashboard
export { report } from './report';
export type { RunReport, ReportOptions } from './report';
export { liveDashboard, LiveDashboard } from './dashboard';
export type { LiveDashboardOptions, DashboardProgress } from './dashboard';

// Building blocks
export { terrainColors, hueColors, hsv, hcl } from './colors';
export { loess } from './loess';
export type { LoessOptions, LoessFit, LoessInterval } from './loess';
export { pretty } from './pretty';
export type { PrettyOptions } from './pretty';
export { vegaLiteToSvg, vegaToSvg, svgToPng, compileVegaLite } from './render';
export type { RenderOptions, VegaLiteSpec, VegaSpec, PictureFormat } from './render';
