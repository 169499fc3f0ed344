/**
 * R's `pretty()` (src/appl/pretty.c, `R_pretty`, with `pretty.default`'s arguments): about `n`
 * equally spaced round values (1, 2 or 5 times a power of ten) that cover the range. ggplot2's
 * `int_breaks` in R keras's `plot(history)` keeps the integer ones.
 */
import { DltsError, received } from '@dlts/tensors';

/** Options of {@link pretty}, with R's defaults. */
export interface PrettyOptions {
  /** Desired number of intervals. Default 5. */
  n?: number;
  /** Minimal number of intervals. Default `n %/% 3`. */
  minN?: number;
}

/**
 * Round break points covering `[lo, hi]`, as R's `pretty(c(lo, hi))`.
 *
 * @param lo - lower end of the range.
 * @param hi - upper end of the range.
 * @returns the breaks, ascending; they start at or below `lo` and end at or above `hi`.
 * @throws DltsError `DLTS_VALUE` when an end is not finite.
 * @example
 * ```ts
 * pretty(1, 20); // [0, 5, 10, 15, 20]
 * ```
 */
export function pretty(lo: number, hi: number, options: PrettyOptions = {}): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new DltsError('DLTS_VALUE', `pretty: the range must be finite. Received: range=${received([lo, hi])}`);
  }
  if (lo > hi) [lo, hi] = [hi, lo];
  const ndiv = options.n ?? 5;
  const minN = options.minN ?? Math.floor(ndiv / 3);
  const h = 1.5; // high.u.bias
  const h5 = 0.5 + 1.5 * h; // u5.bias
  const shrinkSml = 0.75;
  const roundingEps = 1e-10;
  const dx = hi - lo;
  let cell: number;
  let small: boolean;
  if (dx === 0 && hi === 0) {
    cell = 1;
    small = true;
  } else {
    cell = Math.max(Math.abs(lo), Math.abs(hi));
    let U = 1 + (h5 >= 1.5 * h + 0.5 ? 1 / (1 + h) : 1.5 / (1 + h5));
    U *= Math.max(1, ndiv) * Number.EPSILON;
    small = dx < cell * U * 3;
  }
  if (small) {
    if (cell > 10) cell = 9 + cell / 10;
    cell *= shrinkSml;
    if (minN > 1) cell /= minN;
  } else {
    cell = dx;
    if (ndiv > 1) cell /= ndiv;
  }
  const base = Math.pow(10, Math.floor(Math.log10(cell)));
  let unit = base;
  let ns = 2 * base;
  if (ns - cell < h * (cell - unit)) {
    unit = ns;
    ns = 5 * base;
    if (ns - cell < h5 * (cell - unit)) {
      unit = ns;
      ns = 10 * base;
      if (ns - cell < h * (cell - unit)) unit = ns;
    }
  }
  let start = Math.floor(lo / unit + roundingEps);
  let end = Math.ceil(hi / unit - roundingEps);
  while (start * unit > lo + roundingEps * unit) start--;
  while (end * unit < hi - roundingEps * unit) end++;
  let k = Math.trunc(0.5 + end - start);
  if (k < minN) {
    k = minN - k;
    if (start >= 0) {
      end += Math.floor(k / 2);
      start -= Math.floor(k / 2) + (k % 2);
    } else {
      start -= Math.floor(k / 2);
      end += Math.floor(k / 2) + (k % 2);
    }
  }
  const out: number[] = [];
  for (let i = start; i <= end; i++) out.push(tidy(i * unit));
  return out;
}

/** Removes floating-point noise (0.30000000000000004 -> 0.3). */
export function tidy(x: number): number {
  return x === 0 ? 0 : Number.parseFloat(x.toPrecision(12));
}

/**
 * ggplot2's continuous-scale expansion: the data range widened by 5% on each side (a zero-width
 * range becomes `x +- 0.5`, as `expand_range(zero_width = 1)`).
 */
export function expandRange(lo: number, hi: number, mult = 0.05): [number, number] {
  if (hi - lo === 0) return [lo - 0.5, hi + 0.5];
  const d = (hi - lo) * mult;
  return [lo - d, hi + d];
}

/**
 * ggplot2's major and minor breaks for a continuous axis: R's `pretty` breaks of the expanded
 * range (5% each side) that fall inside it, and minor breaks half-way between them (`regular_minor_breaks`) inside the expanded range.
 *
 * @param integer - keep only integer major breaks (R keras's `int_breaks` for epochs).
 */
export function axisBreaks(lo: number, hi: number, options: { integer?: boolean; expanded?: [number, number] } = {}): { major: number[]; minor: number[]; domain: [number, number] } {
  const domain = options.expanded ?? expandRange(lo, hi);
  // As ggplot2: breaks of the expanded range, censored to it.
  const eps = 1e-9 * Math.abs(domain[1] - domain[0]);
  let major = pretty(domain[0], domain[1]).filter((b) => b >= domain[0] - eps && b <= domain[1] + eps);
  if (options.integer) major = major.filter((b) => Number.isInteger(b));
  if (major.length === 0) major = options.integer ? [Math.round((lo + hi) / 2)] : [tidy((lo + hi) / 2)];
  const minor: number[] = [];
  if (major.length >= 2) {
    const step = major[1] - major[0];
    const ext = [major[0] - step, ...major, major[major.length - 1] + step];
    for (let i = 0; i + 1 < ext.length; i++) {
      const m = tidy((ext[i] + ext[i + 1]) / 2);
      if (m >= domain[0] && m <= domain[1]) minor.push(m);
    }
  }
  return { major, minor, domain };
}
