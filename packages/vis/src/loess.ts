/**
 * A loess smoother: local polynomial regression with tricube weights (Cleveland, Grosse and
 * Shyu), computed directly at each point, with R's defaults (`span = 0.75`, `degree = 2`), the
 * smooth of ggplot2's `geom_smooth(method = "loess")`.
 */
import { DltsError, received } from '@dlts/tensors';
import { qt } from './stats';

/** Options of {@link loess} (R's `loess()` arguments and defaults). */
export interface LoessOptions {
  /**
   * Fraction of the points in each local neighbourhood. Default 0.75 (R's `loess` and ggplot2's
   * `geom_smooth`). The neighbourhood holds `floor(n * span)` points; above 1 it is all points and
   * the radius grows by `sqrt(span)`, as R does.
   */
  span?: number;
  /** Degree of the local polynomials: 0, 1 or 2. Default 2 (R's default). */
  degree?: 0 | 1 | 2;
}

/** A smooth with confidence limits, as ggplot2's `geom_smooth(se = TRUE)` draws it. */
export interface LoessInterval {
  /** The smooth at each point. */
  fit: number[];
  /** Standard error of the smooth at each point. */
  se: number[];
  /** Lower and upper confidence limits (`fit -+ qt(level / 2 + 0.5, df) * se`). */
  lower: number[];
  upper: number[];
  /** Residual degrees of freedom of the t quantile (R's "lookup degrees of freedom"). */
  df: number;
}

/** A fitted loess smooth. */
export interface LoessFit {
  /** The smooth at each data point. */
  fitted: number[];
  /** Residual standard error (R's `s`): `sqrt(RSS / delta1)`. */
  residualStandardError: number;
  /** Equivalent number of parameters: the trace of the smoother matrix. */
  enp: number;
  /** The smooth at new points. */
  predict(x: number[]): number[];
  /** The smooth at new points with standard errors and a `level` confidence band (default 0.95). */
  predictInterval(x: number[], level?: number): LoessInterval;
}

/**
 * Fits a loess smooth of `y` on `x`. Each fitted value is the value at `x0` of a polynomial fitted
 * by weighted least squares to the `floor(n * span)` nearest points, with tricube weights
 * `(1 - (d / h)^3)^3` where `h` is the distance to the farthest of them.
 *
 * Unlike R, which by default interpolates between fits at the vertices of a k-d tree
 * (`surface = "interpolate"`), this computes every point directly (R's `surface = "direct"`);
 * the curves agree to within the interpolation error.
 *
 * @param x - predictor values (at least `degree + 1` distinct).
 * @param y - responses, as many as `x`.
 * @returns the fit; `predict` and `predictInterval` evaluate it anywhere.
 * @throws DltsError `DLTS_VALUE` for mismatched lengths, non-finite values, a bad span or degree,
 *   or too few distinct points.
 * @example
 * ```ts
 * const smooth = loess([1, 2, 3, 4, 5, 6], [2, 4, 3, 6, 5, 7]);
 * smooth.predict([1, 3.5, 6]);
 * ```
 */
export function loess(x: number[], y: number[], options: LoessOptions = {}): LoessFit {
  const span = options.span ?? 0.75;
  const degree = options.degree ?? 2;
  if (x.length !== y.length) throw new DltsError('DLTS_VALUE', `loess: x and y must have the same length. Received: ${x.length} x and ${y.length} y values`);
  if (!(span > 0 && Number.isFinite(span))) throw new DltsError('DLTS_VALUE', `loess: span must be a positive number. Received: span=${received(span)}`);
  if (![0, 1, 2].includes(degree)) throw new DltsError('DLTS_VALUE', `loess: degree must be 0, 1 or 2. Received: degree=${received(degree)}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new DltsError('DLTS_VALUE', `loess: x and y must be finite. Received: (x, y)=${received([x[i], y[i]])} at index ${i}`);
    }
  }
  const n = x.length;
  const distinct = new Set(x).size;
  if (distinct < degree + 1) {
    throw new DltsError('DLTS_VALUE', `loess: a degree-${degree} fit needs at least ${degree + 1} distinct x values. Received: ${distinct}`);
  }
  // R (loessc.c): nf = min(n, floor(n * span + 1e-5)).
  const nf = Math.min(n, Math.floor(n * span + 1e-5));
  if (nf <= 0) throw new DltsError('DLTS_VALUE', `loess: span is too small for ${n} points. Received: span=${span}`);
  const grow = Math.sqrt(Math.max(1, span));

  /** The row of the smoother matrix at x0: fit(x0) = sum_j row[j] * y[j]. */
  const operatorRow = (x0: number): Float64Array => {
    const dist = x.map((xi) => Math.abs(xi - x0));
    const sorted = Float64Array.from(dist).sort();
    let h = sorted[nf - 1] * grow;
    if (!(h > 0)) h = Number.MIN_VALUE;
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const r = dist[j] / h;
      w[j] = r < 1 ? Math.pow(1 - r * r * r, 3) : 0;
    }
    // Weighted least squares on the basis 1, u, u^2 with u = (x - x0) / h (centred and scaled:
    // the value at x0 is the intercept whatever the scale).
    for (let k = degree + 1; k >= 1; k--) {
      const row = solveIntercept(x, w, x0, h, k);
      if (row) return row;
    }
    throw new DltsError('DLTS_VALUE', `loess: no points near x=${x0} (the neighbourhood has zero weight)`);
  };

  const rows = x.map((xi) => operatorRow(xi));
  const apply = (row: Float64Array) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += row[j] * y[j];
    return s;
  };
  const fitted = rows.map(apply);
  let enp = 0;
  for (let i = 0; i < n; i++) enp += rows[i][i];

  // delta1 = trace((I - L)^T (I - L)), delta2 = trace(((I - L)^T (I - L))^2), as R's lowesc.
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - fitted[i]) ** 2;
  let delta1 = 0;
  const m: Float64Array[] = rows.map((row, i) => {
    const r = Float64Array.from(row, (v) => -v);
    r[i] += 1;
    for (let j = 0; j < n; j++) delta1 += r[j] * r[j];
    return r;
  });
  let delta2 = delta1;
  if (n <= 400) {
    // Exact: ||(I - L)(I - L)^T||_F^2 (O(n^3)); for more points delta2 ~ delta1 (the t quantile
    // then has hundreds of degrees of freedom and the difference is invisible).
    delta2 = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) {
        let s = 0;
        const a = m[i];
        const b = m[k];
        for (let j = 0; j < n; j++) s += a[j] * b[j];
        delta2 += (i === k ? 1 : 2) * s * s;
      }
    }
  }
  const s = delta1 > 0 ? Math.sqrt(rss / delta1) : 0;
  const df = delta2 > 0 ? (delta1 * delta1) / delta2 : Infinity;

  return {
    fitted,
    residualStandardError: s,
    enp,
    predict: (xs) => xs.map((x0) => apply(operatorRow(x0))),
    predictInterval: (xs, level = 0.95) => {
      const q = qt(level / 2 + 0.5, df);
      const fit: number[] = [];
      const se: number[] = [];
      for (const x0 of xs) {
        const row = operatorRow(x0);
        let norm = 0;
        for (let j = 0; j < n; j++) norm += row[j] * row[j];
        fit.push(apply(row));
        se.push(s * Math.sqrt(norm));
      }
      return { fit, se, lower: fit.map((f, i) => f - q * se[i]), upper: fit.map((f, i) => f + q * se[i]), df };
    },
  };
}

/**
 * The first row of (B^T W B)^-1 B^T W for the polynomial basis of `k` columns: the weights that
 * give the local fit's intercept. Undefined when the system is singular.
 */
function solveIntercept(x: number[], w: Float64Array, x0: number, h: number, k: number): Float64Array | undefined {
  const n = x.length;
  const basis = (j: number, c: number) => Math.pow((x[j] - x0) / h, c);
  // Normal equations A = B^T W B (k x k).
  const a: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < n; j++) {
    if (w[j] === 0) continue;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) a[r][c] += w[j] * basis(j, r) * basis(j, c);
  }
  // Solve A z = e1 (Gauss-Jordan with partial pivoting); then row_j = w_j * sum_c z_c B_jc.
  const aug = a.map((r, i) => [...r, i === 0 ? 1 : 0]);
  const scale = Math.max(...a.map((r) => Math.max(...r.map(Math.abs))));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(aug[r][col]) > Math.abs(aug[pivot][col])) pivot = r;
    if (!(Math.abs(aug[pivot][col]) > 1e-12 * scale)) return undefined;
    [aug[col], aug[pivot]] = [aug[pivot], aug[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = aug[r][col] / aug[col][col];
      for (let c = col; c <= k; c++) aug[r][c] -= f * aug[col][c];
    }
  }
  const z = aug.map((r, i) => r[k] / r[i]);
  const row = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (w[j] === 0) continue;
    let s = 0;
    for (let c = 0; c < k; c++) s += z[c] * basis(j, c);
    row[j] = w[j] * s;
  }
  return row;
}
