/**
 * ggplot2's default look (`theme_grey()` at `base_size = 11`), as Vega-Lite configuration, in
 * points: the grey panel with white grid lines, grey axis text, black titles. Sizes follow ggplot2
 * (`linewidth` 0.5 mm = 1.42 pt lines, 2.75 pt ticks, 8.8 pt axis text).
 */
import { hueColors } from './colors';

/** Font of every chart: DejaVu Sans (Debian `fonts-dejavu-core`), then the usual sans fallbacks. */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** The colours and sizes of ggplot2's `theme_grey()` and default geoms. */
export const GG = {
  /** `panel.background`: grey92. */
  panel: '#EBEBEB',
  /** `panel.grid`: white. */
  grid: '#FFFFFF',
  /** `axis.text`: grey30. */
  axisText: '#4D4D4D',
  /** `axis.ticks`: grey20. */
  ticks: '#333333',
  /** `legend.key` background: grey95. */
  key: '#F2F2F2',
  /** `geom_smooth()` line colour. */
  smooth: '#3366FF',
  /** `geom_smooth()` ribbon fill (grey60, drawn at alpha 0.4). */
  ribbon: '#999999',
  /** Major grid and default line width: 0.5 mm in points. */
  line: 1.42,
  /** Minor grid width (`rel(0.5)`). */
  minor: 0.71,
  /** `geom_smooth()` line width (`linewidth = 1`). */
  smoothWidth: 2.85,
  /** `axis.ticks.length`. */
  tickSize: 2.75,
  /** Base text size and the axis text size (`rel(0.8)`). */
  text: 11,
  small: 8.8,
  /** ggplot2's default colours for training and validation. */
  training: hueColors(2)[0],
  validation: hueColors(2)[1],
} as const;

/** The Vega-Lite `config` that gives charts ggplot2's look. */
export function ggConfig(): Record<string, unknown> {
  return {
    font: FONT,
    background: 'white',
    padding: 5.5,
    view: { fill: GG.panel, stroke: null },
    axis: {
      domain: false,
      grid: true,
      gridColor: GG.grid,
      gridWidth: GG.line,
      tickColor: GG.ticks,
      tickSize: GG.tickSize,
      tickWidth: GG.line,
      labelColor: GG.axisText,
      labelFontSize: GG.small,
      labelPadding: 2.2,
      titleColor: 'black',
      titleFontSize: GG.text,
      titleFontWeight: 'normal',
      titlePadding: 2.75,
    },
    legend: {
      titleFontSize: GG.text,
      titleFontWeight: 'normal',
      titleColor: 'black',
      labelFontSize: GG.small,
      labelColor: 'black',
      rowPadding: 2,
      offset: 11,
    },
    title: { fontSize: 13.2, fontWeight: 'normal', anchor: 'start', color: 'black' },
    text: { font: FONT },
  };
}
