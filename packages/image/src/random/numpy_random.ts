/**
 * numpy's legacy `np.random.RandomState` (MT19937), bit for bit, for the draws Keras's image
 * pipeline makes: `np.random.seed(s)`, `uniform`, `random`, `randint`, `choice`, `shuffle` and
 * `permutation`. With it a seeded `flowFromDirectory` visits the files in Keras's order and a
 * seeded `getRandomTransform` returns Keras's parameters.
 */
import { check } from '@dlts/tensors';

const N = 624;
const M = 397;

/**
 * A numpy `RandomState` seeded with an integer (numpy's `mt19937_seed`, as `np.random.seed(s)`).
 *
 * @example
 * ```ts
 * const rs = new NumpyRandomState(42);
 * rs.uniform(-40, 40); // what np.random.seed(42); np.random.uniform(-40, 40) returns
 * ```
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /**
   * @param seed - an integer in [0, 2^32), as `np.random.seed` accepts.
   * @throws DltsError `DLTS_VALUE` when the seed is not such an integer.
   */
  constructor(seed: number) {
    check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, 'NumpyRandomState', 'seed must be an integer between 0 and 2**32 - 1', 'seed', seed);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.mt[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  /** The next 32-bit output of the Mersenne Twister. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.pos >= N) {
      let i = 0;
      for (; i < N - M; i++) {
        const y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
        mt[i] = mt[i + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; i < N - 1; i++) {
        const y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
        mt[i] = mt[i + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.pos = 0;
    }
    let y = mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `np.random.random()`: a double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `np.random.uniform(low, high)`: `low + (high - low) * random()`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** numpy's `random_interval(max)`: an integer in [0, max] by masked rejection (max < 2^32). */
  randomInterval(max: number): number {
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

  /** `np.random.randint(low, high)`: an integer in [low, high) (legacy masked sampler). */
  randint(low: number, high: number): number {
    check(Number.isInteger(low) && Number.isInteger(high) && high > low, 'NumpyRandomState.randint', 'high must be greater than low', 'high', high);
    return low + this.randomInterval(high - low - 1);
  }

  /** `np.random.choice(values)` for a list: one element drawn uniformly. */
  choice<T>(values: readonly T[]): T {
    return values[this.randint(0, values.length)];
  }

  /** `np.random.shuffle(array)`: Fisher-Yates from the end, in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** `np.random.permutation(n)`: the numbers 0..n-1 shuffled. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}
