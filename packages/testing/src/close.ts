import * as tf from '@tensorflow/tfjs-core';

/** Tolerances for {@link expectTensorsClose}: passes when |a - b| <= atol + rtol * |b|. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/**
 * Throws (with the worst element and its index) unless `actual` and `expected` have the same
 * shape and agree within the tolerance. Accepts tensors, typed arrays and nested arrays.
 */
export function expectTensorsClose(
  actual: tf.Tensor | ArrayLike<number> | number[][] | number,
  expected: tf.Tensor | ArrayLike<number> | number[][] | number,
  tolerance: Tolerance = {},
): void {
  const atol = tolerance.atol ?? 1e-5;
  const rtol = tolerance.rtol ?? 0;
  const [a, aShape] = flat(actual);
  const [b, bShape] = flat(expected);
  if (aShape !== undefined && bShape !== undefined && aShape.join(',') !== bShape.join(',')) {
    throw new Error(`expectTensorsClose: shapes differ: [${aShape}] vs [${bShape}]`);
  }
  if (a.length !== b.length) throw new Error(`expectTensorsClose: sizes differ: ${a.length} vs ${b.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const limit = atol + rtol * Math.abs(b[i]);
    const bad = Number.isNaN(a[i]) !== Number.isNaN(b[i]) || diff > limit;
    if (bad && (worst < 0 || diff - limit > worstExcess)) {
      worst = i;
      worstExcess = diff - limit;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `expectTensorsClose: element ${worst} differs: ${a[worst]} vs ${b[worst]} (|diff| ${Math.abs(a[worst] - b[worst])} > atol ${atol} + rtol ${rtol} * |expected|)`,
    );
  }
}

function flat(x: tf.Tensor | ArrayLike<number> | number[][] | number): [ArrayLike<number>, number[] | undefined] {
  if (x instanceof tf.Tensor) return [x.dataSync() as ArrayLike<number>, x.shape];
  if (typeof x === 'number') return [[x], []];
  if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) return [(x as number[][]).flat(Infinity as 1) as number[], undefined];
  return [x as ArrayLike<number>, undefined];
}
