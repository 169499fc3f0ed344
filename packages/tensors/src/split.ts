import { DltsError } from './errors';
import { permutation, type RandomSource } from './seed';

/** One fold of {@link kFold}: the sample indices to validate on and to train on. */
export interface Fold {
  /** Index of the fold, from 0. */
  fold: number;
  /** Indices of the validation samples (a contiguous block, as the course's `which(folds == i)`). */
  validation: Int32Array;
  /** Indices of every other sample, in order. */
  train: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Shuffle the samples before cutting folds (default false: the course cuts in order). */
  shuffle?: boolean;
  /** Randomness for `shuffle` (default: the global dlts stream, see `setSeed`). */
  random?: RandomSource;
}

/**
 * K-fold cross-validation indices, as the course's Boston example:
 * R `folds <- cut(1:n, breaks = k, labels = FALSE)`; fold i validates on `which(folds == i)`.
 * Fold sizes follow R's `cut` (equal-width breaks), which matches `Math.floor` partitioning.
 *
 * @param n - number of samples.
 * @param k - number of folds (2..n).
 * @example
 * ```ts
 * for (const { validation, train } of kFold(404, 4)) { ... }
 * ```
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new DltsError('DLTS_VALUE', `kFold: n must be an integer >= 2. Received: n=${n}`);
  }
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new DltsError('DLTS_VALUE', `kFold: k must be an integer in [2, n=${n}]. Received: k=${k}`);
  }
  const order = options.shuffle ? permutation(n, options.random) : Int32Array.from({ length: n }, (_, i) => i);
  const foldOf = new Int32Array(n);
  // R's cut(1:n, breaks = k): equal-width intervals over [1, n]; sample j (1-based) falls in
  // interval ceil((j - 1) * k / (n - 1)) clamped to 1..k, i.e. the boundaries are 1 + (n-1)*i/k.
  for (let j = 0; j < n; j++) {
    const position = 1 + j;
    let f = Math.ceil(((position - 1) * k) / (n - 1));
    if (f < 1) f = 1;
    if (f > k) f = k;
    foldOf[j] = f - 1;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const validation: number[] = [];
    const train: number[] = [];
    for (let j = 0; j < n; j++) (foldOf[j] === f ? validation : train).push(order[j]);
    folds.push({ fold: f, validation: Int32Array.from(validation), train: Int32Array.from(train) });
  }
  return folds;
}

/** Options of {@link trainValidationSplit}. */
export interface SplitOptions {
  /** Shuffle before splitting (default false; Keras's `validation_split` takes the last samples). */
  shuffle?: boolean;
  /** Randomness for `shuffle` (default: the global dlts stream). */
  random?: RandomSource;
}

/**
 * Splits `n` sample indices into training and validation parts as Keras's `validation_split`:
 * the split point is `floor(n * (1 - validationFraction))` and the validation part is what comes
 * after it (the last samples, before any shuffling).
 *
 * @param n - number of samples.
 * @param validationFraction - in (0, 1).
 * @example
 * ```ts
 * import { trainValidationSplit } from '@dlts/tensors';
 * const { train, validation } = trainValidationSplit(10, 0.2);
 * // train: Int32Array [0, 1, ..., 7], validation: Int32Array [8, 9]
 * ```
 */
export function trainValidationSplit(
  n: number,
  validationFraction: number,
  options: SplitOptions = {},
): { train: Int32Array; validation: Int32Array } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new DltsError(
      'DLTS_VALUE',
      `trainValidationSplit: validationFraction must be in (0, 1). Received: validationFraction=${validationFraction}`,
    );
  }
  const order = options.shuffle ? permutation(n, options.random) : Int32Array.from({ length: n }, (_, i) => i);
  const at = Math.floor(n * (1 - validationFraction));
  if (at < 1 || at >= n) {
    throw new DltsError(
      'DLTS_VALUE',
      `trainValidationSplit: the split leaves an empty part. Received: n=${n}, validationFraction=${validationFraction}`,
    );
  }
  return { train: order.slice(0, at), validation: order.slice(at) };
}
