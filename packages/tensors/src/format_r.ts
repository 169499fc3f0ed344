import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from './errors';

/** Options of {@link formatR}. */
export interface FormatROptions {
  /** Console width R wraps at. Default 80 (R's `getOption("width")`). */
  width?: number;
  /** Names of the elements of a vector: printed as R prints a named vector. */
  names?: string[];
  /** Significant digits, as R's `getOption("digits")`. Default 7. */
  digits?: number;
}

/**
 * Formats numbers exactly as R prints them, so the course's outputs can be compared line by line:
 * a vector as `[1] 0 0 0 0 0 1 0 0 0 0`, a named vector as the course's `evaluate()` result, and a
 * matrix with `[,1]` headers and `[1,]` row labels, wrapped at 80 columns. Numbers use R's rule:
 * up to 7 significant digits, fixed notation unless scientific is narrower (per matrix column).
 *
 * @param x - a rank-1 or rank-2 tensor, an array, or an array of rows.
 * @example
 * ```ts
 * console.log(formatR([0.06361058, 0.9813], { names: ['loss', 'accuracy'] }));
 * //       loss   accuracy
 * // 0.06361058 0.98130000
 * ```
 */
export function formatR(x: tf.Tensor | ArrayLike<number> | number[][], options: FormatROptions = {}): string {
  const width = options.width ?? 80;
  const digits = options.digits ?? 7;
  if (x instanceof tf.Tensor) {
    if (x.rank === 1 || x.rank === 0) return formatR(Array.from(x.dataSync()), options);
    if (x.rank === 2) return formatR(x.arraySync() as number[][], options);
    throw new DltsError('DLTS_SHAPE_MISMATCH', `formatR: only vectors and matrices can be printed. Received: rank ${x.rank}`);
  }
  if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) return formatMatrix(x as number[][], width, digits);
  const values = Array.from(x as ArrayLike<number>);
  return options.names ? formatNamed(values, options.names, width, digits) : formatVector(values, width, digits);
}

interface Decimal {
  neg: boolean;
  sig: number;
  e10: number;
}

function decompose(v: number, digits: number): Decimal {
  if (v === 0 || !Number.isFinite(v)) return { neg: v < 0, sig: 1, e10: 0 };
  const [mantissa, exp] = Math.abs(v).toExponential(digits - 1).split('e');
  const stripped = mantissa.replace('.', '').replace(/0+$/, '');
  return { neg: v < 0, sig: Math.max(1, stripped.length), e10: Number(exp) };
}

/** R's formatReal: one common format for a set of numbers. */
function formatNumbers(values: number[], digits: number): string[] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return values.map(special);
  const parts = finite.map((v) => decompose(v, digits));
  const neg = parts.some((p) => p.neg) ? 1 : 0;
  const rgt = Math.max(0, ...parts.map((p) => Math.max(0, p.sig - 1 - p.e10)));
  const left = Math.max(...parts.map((p) => (p.e10 >= 0 ? p.e10 + 1 : 1)));
  const fixedWidth = neg + left + (rgt > 0 ? rgt + 1 : 0);
  const mantissaDigits = Math.max(...parts.map((p) => p.sig));
  const expDigits = parts.some((p) => Math.abs(p.e10) >= 100) ? 3 : 2;
  const sciWidth = neg + (mantissaDigits > 1 ? mantissaDigits + 1 : mantissaDigits) + 2 + expDigits;
  const fixed = fixedWidth <= sciWidth;
  return values.map((v) => {
    if (!Number.isFinite(v)) return special(v);
    if (fixed) return v.toFixed(rgt);
    const [m, e] = v.toExponential(mantissaDigits - 1).split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(expDigits, '0')}`;
  });
}

function special(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

function formatVector(values: number[], width: number, digits: number): string {
  const cells = formatNumbers(values, digits);
  const w = Math.max(...cells.map((c) => c.length));
  const labelWidth = `[${values.length}]`.length;
  const perLine = Math.max(1, Math.floor((width - labelWidth) / (w + 1)));
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += perLine) {
    const label = `[${i + 1}]`.padStart(labelWidth);
    lines.push(label + cells.slice(i, i + perLine).map((c) => ` ${c.padStart(w)}`).join(''));
  }
  return lines.join('\n');
}

function formatNamed(values: number[], names: string[], width: number, digits: number): string {
  if (names.length !== values.length) {
    throw new DltsError('DLTS_VALUE', `formatR: ${names.length} names for ${values.length} values`);
  }
  const cells = formatNumbers(values, digits);
  const w = Math.max(...cells.map((c) => c.length), ...names.map((n) => n.length));
  const perLine = Math.max(1, Math.floor(width / (w + 1)));
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += perLine) {
    lines.push(names.slice(i, i + perLine).map((n) => `${n.padStart(w)} `).join(''));
    lines.push(cells.slice(i, i + perLine).map((c) => `${c.padStart(w)} `).join(''));
  }
  return lines.join('\n');
}

function formatMatrix(rows: number[][], width: number, digits: number): string {
  const nrow = rows.length;
  const ncol = rows[0].length;
  const columns: string[][] = [];
  const widths: number[] = [];
  for (let j = 0; j < ncol; j++) {
    const cells = formatNumbers(
      rows.map((r) => r[j]),
      digits,
    );
    columns.push(cells);
    widths.push(Math.max(`[,${j + 1}]`.length, ...cells.map((c) => c.length)));
  }
  const labelWidth = `[${nrow},]`.length;
  const lines: string[] = [];
  let start = 0;
  while (start < ncol) {
    let end = start;
    let used = labelWidth;
    // R's printMatrix adds columns while the line stays shorter than the width.
    while (end < ncol && (end === start || used + widths[end] + 1 < width)) {
      used += widths[end] + 1;
      end++;
    }
    lines.push(' '.repeat(labelWidth) + range(start, end).map((j) => ` ${`[,${j + 1}]`.padStart(widths[j])}`).join(''));
    for (let i = 0; i < nrow; i++) {
      lines.push(`[${i + 1},]`.padStart(labelWidth) + range(start, end).map((j) => ` ${columns[j][i].padStart(widths[j])}`).join(''));
    }
    start = end;
  }
  return lines.join('\n');
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
