/**
 * numpy's legacy `np.random.RandomState` (MT19937), bit for bit, for the draws Keras makes with
 * it: the dataset loaders' shuffling (`RandomState(seed).shuffle`) and the image pipeline's
 * `np.random.seed(s)`, `uniform`, `random`, `randint`, `choice`, `shuffle` and `permutation`.
 * With it `loadImdb({seed})` orders the samples as Keras does, a seeded `flowFromDirectory`
 * visits the files in Keras's order and a seeded `getRandomTransform` returns Keras's parameters.
 *
 * It is separate from the global dlts stream (`setSeed`): Keras draws these numbers from its own
 * `RandomState(seed)`, whatever the program's global seed.
 */
import { check } from './errors';

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * A numpy `RandomState` seeded with an integer (numpy's `mt19937_seed`, as
 * `np.random.RandomState(seed)` or `np.random.seed(seed)`).
 *
 * @example
 * ```ts
 * import { NumpyRandomState } from '@dlts/tensors';
 * new NumpyRandomState(113).permutation(10); // Int32Array [9, 3, 6, 1, 0, 7, 4, 8, 2, 5], as numpy
 * new NumpyRandomState(42).uniform(-40, 40); // what np.random.seed(42); np.random.uniform(-40, 40) returns
 * ```
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /**
   * Seeds the generator as numpy does for an integer seed (Matsumoto and Nishimura's
   * `init_genrand`).
   *
   * @param seed - an integer in [0, 2^32 - 1], as numpy requires.
   * @throws DltsError `DLTS_VALUE` for a seed numpy would refuse.
   */
  constructor(seed: number) {
    check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, 'NumpyRandomState', 'seed must be an integer between 0 and 2**32 - 1', 'seed', seed);
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /**
   * The next 32-bit output of MT19937 (numpy's `next_uint32`).
   *
   * @returns an integer in [0, 2^32 - 1].
   * @example
   * ```ts
   * new NumpyRandomState(0).nextUint32(); // 2357136044
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
   * `np.random.random()`: a double in [0, 1) with 53 random bits.
   *
   * @example
   * ```ts
   * new NumpyRandomState(0).random(); // 0.5488135039273248, as np.random.RandomState(0).random()
   * ```
   */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * `np.random.uniform(low, high)`: `low + (high - low) * random()`.
   *
   * @example
   * ```ts
   * new NumpyRandomState(0).uniform(-1, 1); // 0.0976270078546495
   * ```
   */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
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
   * new NumpyRandomState(113).randomInterval(9); // 9
   * ```
   */
  randomInterval(max: number): number {
    check(Number.isInteger(max) && max >= 0 && max <= 0xffffffff, 'NumpyRandomState.randomInterval', 'max must be an integer in [0, 2**32 - 1]', 'max', max);
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
   * `np.random.randint(low, high)`: an integer in [low, high) (the legacy masked sampler).
   *
   * @throws DltsError `DLTS_VALUE` unless `low` and `high` are integers with `high > low`.
   * @example
   * ```ts
   * new NumpyRandomState(7).randint(0, 10); // 4, as np.random.RandomState(7).randint(0, 10)
   * ```
   */
  randint(low: number, high: number): number {
    check(Number.isInteger(low) && Number.isInteger(high) && high > low, 'NumpyRandomState.randint', 'high must be greater than low', 'high', high);
    return low + this.randomInterval(high - low - 1);
  }

  /**
   * `np.random.choice(values)` for a list: one element drawn uniformly.
   *
   * @example
   * ```ts
   * new NumpyRandomState(1).choice(['nearest', 'reflect', 'wrap']);
   * ```
   */
  choice<T>(values: readonly T[]): T {
    return values[this.randint(0, values.length)];
  }

  /**
   * Shuffles an array in place, as numpy's legacy `RandomState.shuffle` does for a 1-D array:
   * for `i` from `n - 1` down to 1, swap element `i` with element `randomInterval(i)`.
   *
   * @param array - any indexable array (a typed array or a JavaScript array).
   * @returns the same array, shuffled.
   * @example
   * ```ts
   * const rng = new NumpyRandomState(113);
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
   * `np.random.permutation(n)`: `np.arange(n)` shuffled by {@link NumpyRandomState.shuffle}.
   *
   * @param n - the number of indices.
   * @returns the shuffled indices 0..n-1.
   * @example
   * ```ts
   * new NumpyRandomState(113).permutation(10); // Int32Array [9, 3, 6, 1, 0, 7, 4, 8, 2, 5]
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
