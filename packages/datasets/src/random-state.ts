/**
 * numpy's legacy `np.random.RandomState`, as far as the Keras dataset loaders use it: the MT19937
 * generator seeded by `init_genrand` and `shuffle` (Fisher-Yates from the end, with numpy's
 * bounded-integer rejection). Bit for bit the same stream, so `loadImdb({seed})` orders the
 * samples exactly as Keras does.
 */
import { DltsError, received } from '@dlts/tensors';

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * numpy's legacy random generator (`np.random.RandomState(seed)`), reduced to what the Keras
 * datasets need: 32-bit draws, `randomInterval` and `shuffle`.
 *
 * It is separate from the seeded stream of `@dlts/tensors` (`setSeed`): Keras's loaders always
 * shuffle with their own `RandomState(seed)`, whatever the program's global seed.
 *
 * @example
 * ```ts
 * const rng = new RandomState(113);
 * const indices = Int32Array.from({ length: 10 }, (_, i) => i);
 * rng.shuffle(indices); // [9, 3, 6, 1, 0, 7, 4, 8, 2, 5], as numpy
 * ```
 */
export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /**
   * Seeds the generator as numpy does for an integer seed (`mt19937_seed`, Matsumoto and
   * Nishimura's `init_genrand`).
   *
   * @param seed - an integer in [0, 2^32 - 1], as numpy requires.
   * @throws DltsError `DLTS_VALUE` for a seed numpy would refuse.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new DltsError('DLTS_VALUE', `RandomState: seed must be an integer between 0 and 2**32 - 1. Received: seed=${received(seed)}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /**
   * The next 32-bit output of MT19937 (numpy's `next_uint32`).
   *
   * @returns an integer in [0, 2^32 - 1].
   * @example
   * ```ts
   * new RandomState(0).nextUint32(); // 2357136044
   * ```
   */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform integer in [0, max], drawn as numpy's `random_interval`: the smallest all-ones bit
   * mask covering `max`, and draws rejected until one is <= `max`.
   *
   * @param max - the largest value, an integer in [0, 2^32 - 1].
   * @returns an integer in [0, max].
   * @throws DltsError `DLTS_VALUE` when `max` is out of range.
   * @example
   * ```ts
   * new RandomState(113).randomInterval(9); // 9
   * ```
   */
  randomInterval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new DltsError('DLTS_VALUE', `RandomState.randomInterval: max must be an integer in [0, 2**32 - 1]. Received: max=${received(max)}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * Shuffles an array in place, as numpy's legacy `RandomState.shuffle` does for a 1-D array:
   * for `i` from `n - 1` down to 1, swap element `i` with element `randomInterval(i)`.
   *
   * @param array - any indexable array (a typed array or a JavaScript array).
   * @returns the same array, shuffled.
   * @example
   * ```ts
   * const rng = new RandomState(113);
   * rng.shuffle(trainIndices); // then, with the same stream, rng.shuffle(testIndices)
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * `np.arange(n)` shuffled by {@link RandomState.shuffle}.
   *
   * @param n - the number of indices.
   * @returns the shuffled indices 0..n-1.
   * @example
   * ```ts
   * new RandomState(113).permutation(10); // Int32Array [9, 3, 6, 1, 0, 7, 4, 8, 2, 5]
   * ```
   */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}
