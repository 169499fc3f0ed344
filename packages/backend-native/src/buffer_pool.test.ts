import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer_pool';

const N = 8192; // 32 KB: pooled

describe('BufferPool', () => {
  it('hands a released buffer out again for the same size', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.takeFloat32(N);
    pool.retain(a);
    pool.release(a);
    const b = pool.takeFloat32(N);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.stats()).toEqual({ pooledBytes: 0, reused: 1, allocated: 1 });
    expect(pool.takeFloat32(N + 1).buffer).not.toBe(a.buffer);
  });

  it('recycles only after the last reference is released', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.takeFloat32(N);
    pool.retain(a);
    pool.retain(a.subarray(10)); // a view made by a cpu kernel (Slice)
    pool.release(a);
    expect(pool.stats().pooledBytes).toBe(0);
    pool.release(a.subarray(10));
    expect(pool.stats().pooledBytes).toBe(N * 4);
  });

  it('never recycles a buffer that escaped to user code, nor one it did not allocate', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.takeFloat32(N);
    pool.retain(a);
    pool.escape(a);
    pool.release(a);
    const mine = new Float32Array(N);
    pool.retain(mine);
    pool.release(mine);
    expect(pool.stats().pooledBytes).toBe(0);
  });

  it('keeps at most maxBytes, dropping the oldest sizes first; small arrays are not pooled', () => {
    const pool = new BufferPool(3 * N * 4);
    const arrays = [N, N, 2 * N].map((n) => pool.takeFloat32(n));
    for (const a of arrays) {
      pool.retain(a);
      pool.release(a);
    }
    expect(pool.stats().pooledBytes).toBe(3 * N * 4);
    const small = pool.takeFloat32(10);
    pool.retain(small);
    pool.release(small);
    expect(pool.stats().pooledBytes).toBe(3 * N * 4);
    pool.clear();
    expect(pool.stats().pooledBytes).toBe(0);
  });

  it('says a buffer is exclusive only when it is its own, whole, referenced once and never escaped', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.takeFloat32(N);
    expect(pool.isExclusive(a)).toBe(false); // no tensor refers to it yet
    pool.retain(a);
    expect(pool.isExclusive(a)).toBe(true);
    expect(pool.isExclusive(a.subarray(10))).toBe(false); // a view of part of it
    pool.retain(a.subarray(10));
    expect(pool.isExclusive(a)).toBe(false); // shared with a slice
    pool.release(a.subarray(10));
    expect(pool.isExclusive(a)).toBe(true);
    pool.escape(a);
    expect(pool.isExclusive(a)).toBe(false); // user code holds it
    expect(pool.isExclusive(new Float32Array(N))).toBe(false); // not the pool's
  });
});
