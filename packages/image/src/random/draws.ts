/**
 * Where augmentation and shuffling draw their random numbers: numpy's `RandomState` when Keras
 * would seed numpy (a call's `seed`, a flow's `seed`), otherwise the dlts stream that `setSeed`
 * seeds. Both are used through the same small interface, in the order Keras draws.
 */
import { permutation, random, randomInt, type RandomSource, NumpyRandomState } from '@dlts/tensors';

/** The draws Keras's image pipeline makes. */
export interface Draws {
  /** A double in [0, 1) (`np.random.random()`). */
  random(): number;
  /** `np.random.uniform(low, high)`. */
  uniform(low: number, high: number): number;
  /** An integer in [low, high) (`np.random.randint`). */
  randint(low: number, high: number): number;
  /** The numbers 0..n-1 shuffled (`np.random.permutation`). */
  permutation(n: number): Int32Array;
}

/** Draws from numpy's legacy `RandomState(seed)`: the exact numbers Keras gets after `np.random.seed(seed)`. */
export function numpyDraws(seed: number): Draws {
  return new NumpyRandomState(seed >>> 0);
}

/** Draws from a dlts random source (default: the global stream seeded by `setSeed`). */
export function dltsDraws(source?: RandomSource): Draws {
  const rand = source ? () => source.random() : random;
  const int = source ? (n: number) => source.randomInt(n) : randomInt;
  return {
    random: rand,
    uniform: (low, high) => low + (high - low) * rand(),
    randint: (low, high) => low + int(high - low),
    permutation: (n) => permutation(n, source),
  };
}
