import { describe, expect, it } from 'vitest';
import { loess } from './loess';
import { pt, qt } from './stats';

const tricube = (r: number) => (1 - r ** 3) ** 3;

describe('loess', () => {
  it('matches a hand computation: span 1, degree 1, at the middle of five points', () => {
    // x = 1..5; nf = floor(5 * 1) = 5 points, so h = the 5th smallest distance from 3 = 2.
    // Weights: x = 1, 5 -> d/h = 1 -> 0; x = 2, 4 -> d/h = 0.5 -> (7/8)^3; x = 3 -> 1.
    // The weights are symmetric about 3, so the local line's value at 3 is the weighted mean.
    const x = [1, 2, 3, 4, 5];
    const y = [2, 4, 3, 6, 5];
    const w = tricube(0.5);
    const expected = (w * 4 + 1 * 3 + w * 6) / (2 * w + 1);
    const fit = loess(x, y, { span: 1, degree: 1 });
    expect(fit.fitted[2]).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(4.145242070116862, 12);
  });

  it('matches a hand computation at an end point (degree 1: a weighted line fit)', () => {
    // At x0 = 1 with span 1: h = 4 (distance to x = 5); weights (1 - (d/4)^3)^3 for d = 0..4.
    const x = [1, 2, 3, 4, 5];
    const y = [2, 4, 3, 6, 5];
    const w = x.map((xi) => tricube(Math.abs(xi - 1) / 4));
    // Weighted least squares by the textbook formulas.
    const sw = w.reduce((a, b) => a + b, 0);
    const mx = w.reduce((a, wi, i) => a + wi * x[i], 0) / sw;
    const my = w.reduce((a, wi, i) => a + wi * y[i], 0) / sw;
    const sxy = w.reduce((a, wi, i) => a + wi * (x[i] - mx) * (y[i] - my), 0);
    const sxx = w.reduce((a, wi, i) => a + wi * (x[i] - mx) ** 2, 0);
    const expected = my + (sxy / sxx) * (1 - mx);
    expect(loess(x, y, { span: 1, degree: 1 }).fitted[0]).toBeCloseTo(expected, 12);
  });

  it("uses R's neighbourhood: floor(n * span) nearest points, the farthest getting weight 0", () => {
    // n = 4, span 0.75 -> 3 points. At x0 = 2.5 the distances are 1.5, 0.5, 0.5, 1.5: h = 1.5, so
    // only x = 2 and 3 count (equal weights): degree 0 gives their mean.
    const fit = loess([1, 2, 3, 4], [10, 3, 5, 10], { degree: 0 });
    expect(fit.predict([2.5])[0]).toBeCloseTo(4, 12);
  });

  it('reproduces lines (degree 1) and parabolas (degree 2, the default) exactly', () => {
    const x = Array.from({ length: 12 }, (_, i) => i + 1);
    const line = x.map((v) => 3 - 0.5 * v);
    const parabola = x.map((v) => 0.2 * v * v - v + 4);
    loess(x, line, { degree: 1 }).fitted.forEach((f, i) => expect(f).toBeCloseTo(line[i], 10));
    const fit = loess(x, parabola);
    fit.fitted.forEach((f, i) => expect(f).toBeCloseTo(parabola[i], 10));
    expect(fit.predict([1.5, 11.25])[0]).toBeCloseTo(0.2 * 2.25 - 1.5 + 4, 10);
    expect(fit.residualStandardError).toBeCloseTo(0, 10);
  });

  it('gives a confidence band that holds the fit and widens where data are sparse', () => {
    let s = 7;
    const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4;
    const x = Array.from({ length: 60 }, (_, i) => i / 6);
    const y = x.map((v) => 0.1 * (v - 5) ** 2 + noise());
    const fit = loess(x, y);
    const band = fit.predictInterval([0, 5, 9.8]);
    for (let i = 0; i < 3; i++) {
      expect(band.lower[i]).toBeLessThan(band.fit[i]);
      expect(band.upper[i]).toBeGreaterThan(band.fit[i]);
    }
    // The ends have one-sided neighbourhoods: wider than the middle.
    expect(band.se[0]).toBeGreaterThan(band.se[1]);
    expect(band.df).toBeGreaterThan(40);
    expect(band.df).toBeLessThan(60);
    expect(fit.enp).toBeGreaterThan(3);
    expect(fit.enp).toBeLessThan(8);
    // The smooth follows the parabola within the noise, and the band covers it.
    expect(Math.abs(band.fit[1])).toBeLessThan(0.1);
    expect(band.lower[1]).toBeLessThan(0);
    expect(band.upper[1]).toBeGreaterThan(0);
  });

  it('rejects bad input with what it received', () => {
    expect(() => loess([1, 2], [1], {})).toThrow('loess: x and y must have the same length. Received: 2 x and 1 y values');
    expect(() => loess([1, 2, 3], [1, 2, 3], { span: 0 })).toThrow('loess: span must be a positive number. Received: span=0');
    expect(() => loess([1, 1, 2], [1, 2, 3])).toThrow('loess: a degree-2 fit needs at least 3 distinct x values. Received: 2');
    expect(() => loess([1, 2, NaN], [1, 2, 3])).toThrow('loess: x and y must be finite');
  });
});

describe('Student t', () => {
  it("gives R's qt and pt values", () => {
    expect(qt(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(qt(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(qt(0.95, 5)).toBeCloseTo(2.015048, 5);
    expect(qt(0.025, 10)).toBeCloseTo(-2.228139, 5);
    expect(qt(0.975, Infinity)).toBeCloseTo(1.959964, 5);
    expect(pt(0, 3)).toBeCloseTo(0.5, 12);
    // Closed forms: Cauchy (df = 1) F(1) = 3/4; df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
    expect(pt(1, 1)).toBeCloseTo(0.75, 10);
    expect(pt(2, 2)).toBeCloseTo(0.5 + 1 / Math.sqrt(6), 10);
  });
});
