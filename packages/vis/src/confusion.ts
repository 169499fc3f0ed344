/**
 * A confusion matrix as a ggplot2-style tile plot (`geom_tile()` + `geom_text()`): actual classes
 * down the rows, predicted classes across the columns, the count in each cell.
 */
import { DltsError, received, type tf } from '@dlts/tensors';
import { pictureFormat, writeVegaLite, type RenderOptions, type VegaLiteSpec } from './render';
import { ggConfig } from './theme';

/** Class labels: a tensor of indices `[n]`, one-hot or probabilities `[n, k]` (argmax; `[n, 1]` is thresholded at 0.5), or an array of indices. */
export type ClassInput = tf.Tensor | number[];

/** Options of {@link confusionMatrixSpec} and {@link plotConfusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** A name per class (`['0', '1', ...]` by default). */
  labels?: string[];
  /** Show proportions of each actual class (rows sum to 1) instead of counts. Default false. */
  normalize?: boolean;
  /** Side of a cell in points. Default: 300 / classes, at least 18. */
  cellSize?: number;
}

/** Class indices from labels, one-hot targets or predicted probabilities. The tensor is not disposed. */
export async function toClassIndices(y: ClassInput, fn: string, arg: string): Promise<number[]> {
  if (Array.isArray(y)) {
    if (y.some((v) => !Number.isInteger(v) || v < 0)) throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must hold non-negative class indices. Received: ${arg}=${received(y)}`);
    return y.slice();
  }
  if (!y || typeof y !== 'object' || !('shape' in y)) throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a tensor or an array of class indices. Received: ${arg}=${received(y)}`);
  const values = await y.data();
  const shape = y.shape;
  if (shape.length === 1) return Array.from(values, (v) => Math.round(Number(v)));
  if (shape.length === 2) {
    const [n, k] = shape;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (k === 1) {
        out.push(Number(values[i]) > 0.5 ? 1 : 0);
        continue;
      }
      let best = 0;
      for (let j = 1; j < k; j++) if (Number(values[i * k + j]) > Number(values[i * k + best])) best = j;
      out.push(best);
    }
    return out;
  }
  throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: ${arg} must have shape [n] or [n, classes]. Received: shape=${received(shape)}`);
}

/**
 * Counts `[actual][predicted]`.
 *
 * @example
 * ```ts
 * confusionCounts([0, 1, 1], [0, 1, 0], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionCounts(yTrue: number[], yPred: number[], classes: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `confusionCounts: yTrue and yPred must have the same length. Received: ${yTrue.length} and ${yPred.length}`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  yTrue.forEach((t, i) => {
    const p = yPred[i];
    if (t >= classes || p >= classes) throw new DltsError('DLTS_VALUE', `confusionCounts: class index ${Math.max(t, p)} is outside the ${classes} classes`);
    m[t][p]++;
  });
  return m;
}

/**
 * The Vega-Lite spec of a confusion matrix from a table of counts (`counts[actual][predicted]`).
 *
 * @example
 * ```ts
 * const spec = confusionMatrixSpec([[50, 2], [5, 43]], { labels: ['negative', 'positive'] });
 * ```
 */
export function confusionMatrixSpec(counts: number[][], options: ConfusionMatrixOptions = {}): VegaLiteSpec {
  const k = counts.length;
  if (k === 0 || counts.some((r) => r.length !== k)) throw new DltsError('DLTS_VALUE', `confusionMatrixSpec: counts must be a square table. Received: counts=${received(counts)}`);
  const labels = options.labels ?? counts.map((_, i) => String(i));
  if (labels.length !== k) throw new DltsError('DLTS_VALUE', `confusionMatrixSpec: labels must name the ${k} classes. Received: labels=${received(options.labels)}`);
  const rows: { actual: string; predicted: string; count: number; value: number; label: string }[] = [];
  counts.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const value = options.normalize ? (total > 0 ? count / total : 0) : count;
      rows.push({ actual: labels[i], predicted: labels[j], count, value, label: options.normalize ? value.toFixed(2) : String(count) });
    });
  });
  const max = Math.max(...rows.map((r) => r.value));
  const cell = options.cellSize ?? Math.max(18, Math.floor(300 / k));
  const font = Math.max(6, Math.min(11, cell / 3));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `confusion matrix of ${k} classes`,
    config: { ...ggConfig(), axis: { ...(ggConfig().axis as object), grid: false } },
    width: cell * k,
    height: cell * k,
    data: { values: rows },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: labels, axis: { title: 'predicted', labelAngle: 0, orient: 'bottom' } },
      y: { field: 'actual', type: 'ordinal', sort: labels, axis: { title: 'actual' } },
    },
    layer: [
      {
        name: 'tiles',
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          // ggplot2's default continuous fill: dark to light blue.
          fill: { field: 'value', type: 'quantitative', scale: { range: ['#132B43', '#56B1F7'], domain: [0, max || 1] }, legend: { title: options.normalize ? 'proportion' : 'count', gradientLength: Math.min(200, cell * k) } },
        },
      },
      {
        name: 'counts',
        mark: { type: 'text', fontSize: font, baseline: 'middle' },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: `datum.value > ${(max || 1) * 0.6}`, value: 'black' }, value: 'white' },
        },
      },
    ],
  };
}

/**
 * Plots the confusion matrix of predictions: actual classes down, predicted across, the count of
 * each pair in its tile (ggplot2's default blue scale).
 *
 * @param yTrue - the actual classes: indices `[n]`, or one-hot `[n, k]`.
 * @param yPred - the predictions: indices, or probabilities `[n, k]` (argmax) / `[n, 1]` (sigmoid, > 0.5).
 * @param options - `file` (`.png`, `.svg`, `.html`), `labels` and the {@link ConfusionMatrixOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_SHAPE_MISMATCH` when the lengths differ; `DLTS_VALUE` for bad labels or
 *   indices; `DLTS_IO` when the file cannot be written.
 * @example
 * ```ts
 * const probs = model.predict(xTest) as tf.Tensor;
 * await plotConfusionMatrix(testLabels, probs, { file: 'confusion.png', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
 * probs.dispose();
 * ```
 */
export async function plotConfusionMatrix(yTrue: ClassInput, yPred: ClassInput, options: ConfusionMatrixOptions & RenderOptions & { file: string }): Promise<string> {
  const fn = 'plotConfusionMatrix';
  pictureFormat(options?.file, fn);
  const t = await toClassIndices(yTrue, fn, 'yTrue');
  const p = await toClassIndices(yPred, fn, 'yPred');
  const classes = options?.labels?.length ?? Math.max(...t, ...p) + 1;
  const counts = confusionCounts(t, p, classes);
  return writeVegaLite(confusionMatrixSpec(counts, options), options?.file, fn, { pageTitle: 'confusion matrix', ...options });
}
