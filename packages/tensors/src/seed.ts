/**
 * One seeded random stream for everything dlts draws: weight initialisation, shuffling, dropout
 * masks and augmentation. `setSeed(42)` makes a run repeatable on the same backend.
 */

/** A random source: what `createRandom` returns and what the global stream is. */
export interface RandomSource {
  /** A uniform float in [0, 1). */
  random(): number;
  /** A uniform integer in [0, n), unbiased. */
  randomInt(n: number): number;
  /** A fresh 32-bit integer, for tfjs ops that take a `seed`. */
  nextSeed(): number;
}

/** xoshiro128** seeded through splitmix32: small, fast, and good enough for ML randomness. */
class Xoshiro128 implements RandomSource {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  nextSeed(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  random(): number {
    return this.nextSeed() / 4294967296;
  }

  randomInt(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) {
      throw new RangeError(`randomInt: n must be a positive integer. Received: n=${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let r = this.nextSeed();
    while (r >= limit) r = this.nextSeed();
    return r % n;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalStream: Xoshiro128 | undefined;

function stream(): Xoshiro128 {
  globalStream ??= new Xoshiro128((Math.random() * 4294967296) >>> 0);
  return globalStream;
}

/**
 * Seeds every random draw dlts makes (weight initialisers, `fit` shuffling, dropout, augmentation).
 * Same seed, same backend, same data: identical training history.
 *
 * @param seed - any finite number (truncated to a 32-bit integer).
 * @example
 * ```ts
 * import { setSeed } from '@dlts/tensors';
 * setSeed(42);
 * ```
 */
export function setSeed(seed: number): void {
  if (!Number.isFinite(seed)) {
    throw new TypeError(`setSeed: seed must be a finite number. Received: seed=${String(seed)}`);
  }
  globalStream = new Xoshiro128(Math.trunc(seed) >>> 0);
}

/**
 * A uniform float in [0, 1) from the global dlts stream.
 *
 * @example
 * ```ts
 * import { random, setSeed } from '@dlts/tensors';
 * setSeed(42);
 * const u = random(); // a float in [0, 1), the same one on every run seeded with 42
 * ```
 */
export function random(): number {
  return stream().random();
}

/**
 * A uniform integer in [0, n) from the global dlts stream (unbiased).
 *
 * @example
 * ```ts
 * import { randomInt } from '@dlts/tensors';
 * const die = 1 + randomInt(6); // 1..6
 * ```
 */
export function randomInt(n: number): number {
  return stream().randomInt(n);
}

/**
 * A fresh integer seed drawn from the global dlts stream, for tfjs ops that take a `seed`
 * (`tf.randomUniform(shape, 0, 1, 'float32', nextSeed())`).
 *
 * @example
 * ```ts
 * import { nextSeed, tf } from '@dlts/tensors';
 * const noise = tf.randomUniform([2, 3], 0, 1, 'float32', nextSeed()); // repeatable after setSeed
 * ```
 */
export function nextSeed(): number {
  return stream().nextSeed();
}

/**
 * A standalone random source with its own seed; it does not advance the global stream. Used where
 * a call takes its own `seed`, as Keras's `flow(..., seed=...)`.
 *
 * @example
 * ```ts
 * import { createRandom, permutation } from '@dlts/tensors';
 * const rng = createRandom(123);
 * rng.random(); // a float in [0, 1)
 * permutation(10, rng); // 0..9 in an order fixed by the seed 123; the global stream is not advanced
 * ```
 */
export function createRandom(seed: number): RandomSource {
  return new Xoshiro128(Math.trunc(seed) >>> 0);
}

/**
 * Shuffles `array` in place (Fisher-Yates from the end) and returns it.
 *
 * @param source - where the randomness comes from; the global dlts stream by default.
 * @example
 * ```ts
 * import { shuffleInPlace } from '@dlts/tensors';
 * const files = ['cat.1.jpg', 'cat.2.jpg', 'dog.1.jpg'];
 * shuffleInPlace(files); // the same array, now in a random order
 * ```
 */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  array: T,
  source: RandomSource = stream(),
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = source.randomInt(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/**
 * The numbers 0..n-1 in a random order (global dlts stream unless `source` is given).
 *
 * @example
 * ```ts
 * import { permutation } from '@dlts/tensors';
 * const order = permutation(5); // e.g. Int32Array [3, 0, 4, 1, 2]
 * ```
 */
export function permutation(n: number, source?: RandomSource): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, source ?? stream());
}
