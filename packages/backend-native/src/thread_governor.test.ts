import { describe, expect, it } from 'vitest';
import { ThreadGovernor } from './thread_governor';

describe('ThreadGovernor', () => {
  it('gives the kernels the cores other processes leave free, at least one', () => {
    expect(ThreadGovernor.choose(2, 0)).toBe(2);
    expect(ThreadGovernor.choose(2, 0.4)).toBe(2);
    expect(ThreadGovernor.choose(2, 0.6)).toBe(1);
    expect(ThreadGovernor.choose(2, 7)).toBe(1);
    expect(ThreadGovernor.choose(8, 3.2)).toBe(5);
  });

  it('starts with every core and re-samples the load at most once per interval', async () => {
    const applied: number[] = [];
    const governor = new ThreadGovernor((n) => applied.push(n), 4, 20);
    expect(applied).toEqual([4]);
    for (let i = 0; i < 1000; i++) governor.tick();
    await new Promise((r) => setTimeout(r, 30));
    governor.tick();
    expect(governor.threads).toBeGreaterThanOrEqual(1);
    expect(governor.threads).toBeLessThanOrEqual(4);
    expect(applied.length).toBeLessThanOrEqual(3);
    expect(applied.at(-1)).toBe(governor.threads);
  });
});
