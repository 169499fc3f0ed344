import { describe, expect, it } from 'vitest';
import { NumpyRandomState as RandomState } from './numpy_random';

// Reference values from numpy 2.4: np.random.RandomState(seed)._bit_generator.random_raw() and
// RandomState(seed).shuffle(np.arange(n)).
describe('NumpyRandomState (numpy legacy MT19937)', () => {
  it('draws the same 32-bit numbers as numpy for the same seed', () => {
    const rng = new RandomState(0);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([2357136044, 2546248239, 3071714933]);
    const max = new RandomState(4294967295);
    expect([max.nextUint32(), max.nextUint32()]).toEqual([419326371, 479346978]);
  });

  it('shuffles as numpy: RandomState(113).shuffle(np.arange(10))', () => {
    expect(Array.from(new RandomState(113).permutation(10))).toEqual([9, 3, 6, 1, 0, 7, 4, 8, 2, 5]);
  });

  it('continues one stream across shuffles (train then test, as imdb.load_data)', () => {
    const rng = new RandomState(7);
    const a = rng.permutation(1000);
    const b = rng.permutation(3);
    expect(Array.from(a.subarray(0, 8))).toEqual([778, 334, 271, 802, 216, 408, 812, 94]);
    expect(Array.from(a.subarray(-4))).toEqual([502, 537, 196, 175]);
    expect(Array.from(b)).toEqual([0, 1, 2]);
  });

  it('matches numpy on a long shuffle (many twists, every rejection path)', () => {
    const c = new RandomState(42).permutation(100000);
    let checksum = 0n;
    for (let i = 0; i < c.length; i++) checksum += BigInt(c[i]) * BigInt(i);
    // numpy: a[0], a[-1], a.dot(np.arange(100000)) % 1000003
    expect([c[0], c[99999], Number(checksum % 1000003n)]).toEqual([75721, 15795, 776186]);
  });

  it('shuffles plain arrays in place, and refuses seeds numpy refuses', () => {
    const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    expect(new RandomState(113).shuffle(words)).toEqual(['j', 'd', 'g', 'b', 'a', 'h', 'e', 'i', 'c', 'f']);
    expect(new RandomState(1).randomInterval(0)).toBe(0);
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => new RandomState(seed)).toThrow(/seed must be an integer between 0 and 2\*\*32 - 1/);
    expect(() => new RandomState(1).randomInterval(-1)).toThrow(/max must be an integer/);
  });

  it('draws doubles, uniforms and integers as numpy (random_sample, uniform, randint)', () => {
    expect(new RandomState(0).random()).toBe(0.5488135039273248);
    expect(new RandomState(0).uniform(-1, 1)).toBe(0.0976270078546495);
    expect(new RandomState(7).randint(0, 10)).toBe(4);
    expect(() => new RandomState(7).randint(3, 3)).toThrow(/high must be greater than low/);
  });
});
