import { describe, expect, it } from 'vitest';
import { axisBreaks, expandRange, pretty } from './pretty';

describe('pretty', () => {
  it("gives R's pretty() breaks", () => {
    expect(pretty(1, 20)).toEqual([0, 5, 10, 15, 20]);
    expect(pretty(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(pretty(0.8, 5.2)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pretty(0.05, 20.95)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(pretty(-1.3, 2.7)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(pretty(2.31, 2.64)).toEqual([2.3, 2.35, 2.4, 2.45, 2.5, 2.55, 2.6, 2.65]);
    // A zero-width range still gets breaks around it.
    expect(pretty(5, 5).length).toBeGreaterThan(1);
  });

  it('rejects a non-finite range', () => {
    expect(() => pretty(0, Infinity)).toThrow('pretty: the range must be finite');
  });
});

describe('axisBreaks', () => {
  it("gives R keras's integer epoch breaks inside ggplot2's expanded range", () => {
    // 20 epochs: the scale spans 1 - 0.95 to 20 + 0.95; pretty gives 0..25 by 5; kept: 5..20.
    const x = axisBreaks(1, 20, { integer: true });
    expect(x.domain).toEqual(expandRange(1, 20));
    expect(x.major).toEqual([5, 10, 15, 20]);
    expect(x.minor).toEqual([2.5, 7.5, 12.5, 17.5]);
    expect(axisBreaks(1, 5, { integer: true }).major).toEqual([1, 2, 3, 4, 5]);
    // Two epochs: pretty gives 0.2 steps; only the integers stay.
    expect(axisBreaks(1, 2, { integer: true }).major).toEqual([1, 2]);
  });
});
