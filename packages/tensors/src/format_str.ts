/**
 * R's `str()` for the vectors, matrices and training histories the course prints, so an app's
 * output lines up with the course's (`int [1:218] 1 14 22 ...`, `num [1:404, 1:13] 1.2325 ...`).
 */

/**
 * `str(x)` of a numeric vector or matrix: the type, the dimensions, then the first elements
 * (10 when they all show exactly with 3 significant digits or the type is int, else 5), formatted
 * as `format(x, digits = 3, drop0trailing = TRUE)`.
 *
 * @param first - the first elements in R's (column-major) order; 10 are enough.
 * @param dims - `[n]` for a vector, `[rows, cols]` for a matrix.
 * @param options - `type` (`'num'` or `'int'`), `oneD` for a 1-d array (`[1:404(1d)]`).
 * @example
 * ```ts
 * formatStr([1, 14, 22], [218], { type: 'int' }); // " int [1:218] 1 14 22 ..."
 * ```
 */
export function formatStr(first: ArrayLike<number>, dims: number[], options: { type?: 'num' | 'int'; oneD?: boolean } = {}): string {
  const type = options.type ?? 'num';
  const total = dims.reduce((a, b) => a * b, 1);
  const head = Array.from(first).slice(0, Math.min(10, total));
  // R tests `abs(x - signif(x, 3)) <= eps * x` on doubles; the values here are often float32, so
  // "exact" allows float32 rounding.
  const exact = head.every((v) => v === 0 || Math.abs(v - signif(v, 3)) <= 1e-6 * Math.abs(v));
  const shown = type === 'int' || exact ? head : head.slice(0, 5);
  const dimText = dims.map((d) => `1:${d}`).join(', ') + (options.oneD ? '(1d)' : '');
  const more = total > shown.length ? ' ...' : '';
  return ` ${type} [${dimText}] ${formatCommon(shown, 3).join(' ')}${more}`;
}

/**
 * `str(history)` of a keras training history, as the course prints it.
 *
 * @param params - `{verbose, epochs, steps}` of the run.
 * @param metrics - the per-epoch values by name (`loss`, `accuracy`, `val_loss`, ...).
 * @example
 * ```ts
 * console.log(formatStrHistory(history.params, history.history));
 * ```
 */
export function formatStrHistory(params: Record<string, unknown>, metrics: Record<string, number[]>): string {
  const lines = ['List of 2', ` $ params :List of ${Object.keys(params).length}`];
  const pw = Math.max(...Object.keys(params).map((k) => k.length));
  for (const [k, v] of Object.entries(params)) lines.push(`  ..$ ${k.padEnd(pw)}: int ${String(v)}`);
  const names = Object.keys(metrics);
  lines.push(` $ metrics:List of ${names.length}`);
  const mw = Math.max(...names.map((k) => k.length));
  for (const name of names) lines.push(`  ..$ ${name.padEnd(mw)}:${formatStr(metrics[name], [metrics[name].length])}`);
  lines.push(' - attr(*, "class")= chr "keras_training_history"');
  return lines.join('\n');
}

function signif(v: number, digits: number): number {
  return Number(v.toPrecision(digits));
}

/**
 * R's `format(x, digits)` on a vector (a common number of decimals, enough for every element to
 * show `digits` significant digits, at most 15) with `drop0trailing = TRUE`.
 */
function formatCommon(values: number[], digits: number): string[] {
  let decimals = 0;
  for (const v of values) {
    if (v === 0 || !Number.isFinite(v)) continue;
    const rounded = signif(v, digits);
    // The fewest decimals that show `rounded` exactly.
    let d = 0;
    while (d < 15 && Math.abs(Number(rounded.toFixed(d)) - rounded) > 1e-12 * Math.abs(rounded)) d++;
    decimals = Math.max(decimals, d);
  }
  return values.map((v) => {
    if (!Number.isFinite(v)) return String(v);
    let s = v.toFixed(decimals);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (/^-0$/.test(s)) s = '0';
    return s;
  });
}
