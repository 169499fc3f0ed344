import { DltsError } from '@dlts/tensors';
import { InputLayer } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import { formatShape, type Shape } from '../engine/shape';
import type { Model } from './model';

/** Options of `model.summary()`. */
export interface SummaryOptions {
  /**
   * Total width of the table. Default 80 (R keras prints at the console width, 80 in the course);
   * Python Keras 2 defaults to 65 for sequential models and 98 otherwise.
   */
  lineLength?: number;
  /** Column ends, as fractions of `lineLength` or absolute positions (Keras's `positions`). */
  positions?: number[];
  /**
   * Add a `Trainable` column (Y/N). Default: shown when the model has non-trainable weights, as
   * R keras does (the table then grows by 11 columns to keep the others in place).
   */
  showTrainable?: boolean;
  /** Drop the blank separator lines between rows, as R keras does. Default true. */
  compact?: boolean;
  /** Print the table (default true); the text is returned either way. */
  print?: boolean;
  /** Where to print (default `console.log`). */
  printFn?: (text: string) => void;
}

/**
 * Builds Keras 2's summary table (`keras.utils.layer_utils.print_summary`, as TensorFlow 2.9 and
 * R keras print it): header, one row per layer, totals with thousands separators.
 */
export function summarize(model: Model, options: SummaryOptions = {}): string {
  if (!model.built) {
    throw new DltsError(
      'DLTS_NOT_BUILT',
      `${model.name}.summary: this model has not yet been built. Build the model first by giving the first layer an inputShape, or by calling it on a batch of data`,
    );
  }
  const layers = model.layers;
  const sequentialLike = isSequentialLike(model);
  const showTrainable = options.showTrainable ?? model.nonTrainableWeights.length > 0;
  let lineLength = options.lineLength ?? 80;
  if (showTrainable && options.lineLength === undefined) lineLength -= 11;
  let positions = options.positions ?? (sequentialLike ? [0.45, 0.85, 1] : [0.3, 0.6, 0.7, 1]);
  if (positions[positions.length - 1] <= 1) positions = positions.map((p) => Math.trunc(lineLength * p));
  const header = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  if (showTrainable) {
    lineLength += 11;
    positions = [...positions, lineLength];
    header.push('Trainable');
  }

  const lines: string[] = [];
  const row = (fields: string[]) => printRow(fields, positions, lines);
  lines.push(`Model: "${model.name}"`);
  lines.push('_'.repeat(lineLength));
  row(header);
  lines.push('='.repeat(lineLength));
  layers.forEach((layer, i) => {
    const fields = [`${layer.name} (${displayClass(layer)})`, outputShapeText(layer), String(layer.countParams())];
    if (!sequentialLike) fields.push(connections(model, layer).join(' '));
    if (showTrainable) fields.push(layer.trainable ? 'Y' : 'N');
    row(fields);
    if (i < layers.length - 1) lines.push(' '.repeat(lineLength));
  });
  lines.push('='.repeat(lineLength));
  const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const nonTrainable = model.nonTrainableWeights.reduce((n, w) => n + w.size, 0);
  lines.push(`Total params: ${thousands(trainable + nonTrainable)}`);
  lines.push(`Trainable params: ${thousands(trainable)}`);
  lines.push(`Non-trainable params: ${thousands(nonTrainable)}`);
  lines.push('_'.repeat(lineLength));
  const compact = options.compact ?? true;
  return (compact ? lines.filter((l) => l.trim().length > 0) : lines).join('\n');
}

/** Keras's column printer: fits each field into its column, wrapping long fields onto more lines. */
function printRow(fields: string[], positions: number[], out: string[]): void {
  const left = fields.slice();
  while (left.some((f) => f.length > 0)) {
    let line = '';
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? positions[col - 1] : 0;
      const end = positions[col];
      const last = col === positions.length - 1;
      const space = last ? 0 : 2;
      let cutoff = end - start - space - (last ? 0 : 1);
      let fit = left[col].slice(0, cutoff);
      const breaks = ['),', '},', '],', "',"]
        .map((b) => (fit.indexOf(b) >= 0 ? fit.indexOf(b) + b.length : -1))
        .filter((c) => c >= 0);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      if (col === 0) line += ' ';
      line += fit + ' '.repeat(space);
      left[col] = left[col].slice(cutoff);
      line += ' '.repeat(Math.max(0, end - line.length));
    }
    out.push(line);
  }
}

/** Class names as Keras 2 prints them: nested models show `Functional` or `Sequential`. */
function displayClass(layer: Layer): string {
  return layer.className;
}

function outputShapeText(layer: Layer): string {
  let shape: Shape | Shape[];
  try {
    shape = layer.outputShape;
  } catch {
    return 'multiple';
  }
  if (layer instanceof InputLayer) return `[${formatShape(shape as Shape)}]`;
  if (shape.length > 0 && Array.isArray(shape[0])) return `[${(shape as Shape[]).map(formatShape).join(', ')}]`;
  return formatShape(shape as Shape);
}

function connections(model: Model, layer: Layer): string[] {
  const out: string[] = [];
  for (const node of layer.inboundNodes) {
    for (const t of node.inputs) {
      if (!model.layers.includes(t.sourceLayer)) continue;
      out.push(`${t.sourceLayer.name}[${t.nodeIndex}][${t.outputIndex}]`);
    }
  }
  return out.length > 0 ? [out.join(', ')] : [''];
}

/** Keras 2's test: a chain of single-input, single-output nodes without shared layers prints in 3 columns. */
function isSequentialLike(model: Model): boolean {
  if (model.className === 'Sequential') return true;
  const layers = model.layers;
  for (const layer of layers) {
    const nodes = layer.inboundNodes.filter((n) => n.inputs.every((t) => layers.includes(t.sourceLayer)));
    const inModel = nodes.filter((n) => n.inputs.length > 0 || layer instanceof InputLayer);
    if (inModel.length > 1) return false;
    for (const n of inModel) if (n.inputs.length > 1) return false;
  }
  if (model.inputs.length > 1) return false;
  // Each layer feeds at most one other layer in a chain.
  const consumers = new Map<Layer, number>();
  for (const layer of layers) {
    for (const n of layer.inboundNodes) for (const t of n.inputs) if (layers.includes(t.sourceLayer)) consumers.set(t.sourceLayer, (consumers.get(t.sourceLayer) ?? 0) + 1);
  }
  return [...consumers.values()].every((c) => c <= 1);
}

/** 1234567 -> "1,234,567". */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
