import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countColour, readPng } from '../test/pixels';
import { plotSeries, seriesSpec } from './series';

const dir = mkdtempSync(join(tmpdir(), 'vis-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Boston-like mean validation MAE: falls fast, flattens, then creeps up (overfitting). */
const mae = Array.from({ length: 200 }, (_, i) => 2.4 + 4 * Math.exp(-i / 10) + 0.002 * i + 0.15 * Math.sin(i * 1.7));
type Layer = { name: string; mark: Record<string, unknown>; data: { values: Record<string, number>[] }; encoding: Record<string, any> };
const layers = (spec: Record<string, unknown>) => spec.layer as Layer[];

describe('seriesSpec', () => {
  it("is ggplot's geom_line by default: a black line over epochs 1..n, axis titles from the names", () => {
    const spec = seriesSpec({ validation_mae: mae });
    const line = layers(spec).find((l) => l.name === 'line')!;
    expect(line.mark).toMatchObject({ type: 'line', color: 'black' });
    expect(line.data.values).toHaveLength(200);
    expect(line.data.values[0]).toMatchObject({ x: 1, y: mae[0] });
    expect(line.encoding.x.axis.title).toBe('epoch');
    expect(line.encoding.y.axis.title).toBe('validation_mae');
    expect(layers(spec).some((l) => l.name.startsWith('smooth'))).toBe(false);
  });

  it("geom_smooth: a loess line in ggplot's #3366FF over 80 points with a grey 95% band", () => {
    const spec = seriesSpec({ validation_mae: mae }, { geoms: ['smooth'] });
    const smooth = layers(spec).find((l) => l.name === 'smooth')!;
    const band = layers(spec).find((l) => l.name === 'smooth_band')!;
    expect(smooth.mark).toMatchObject({ type: 'line', color: '#3366FF' });
    expect(smooth.data.values).toHaveLength(80);
    expect(band.mark).toMatchObject({ type: 'area', color: '#999999', opacity: 0.4 });
    for (const r of band.data.values) expect(r.lower).toBeLessThan(r.upper);
    // The smooth is smoother than the data: its ups and downs are gone.
    const ys = smooth.data.values.map((r) => r.y);
    const turns = ys.slice(2).filter((y, i) => Math.sign(y - ys[i + 1]) !== Math.sign(ys[i + 1] - ys[i])).length;
    expect(turns).toBeLessThanOrEqual(2);
    expect(layers(spec).some((l) => l.name === 'line')).toBe(false);
    expect(layers(seriesSpec(mae, { geoms: ['smooth'], se: false })).some((l) => l.name === 'smooth_band')).toBe(false);
  });

  it("colours several series with ggplot's hues and names the legend", () => {
    const spec = seriesSpec({ fold1: mae, fold2: mae.map((v) => v + 0.2) }, { legendTitle: 'fold' });
    const line = layers(spec).find((l) => l.name === 'line')!;
    expect(line.encoding.color.scale).toEqual({ domain: ['fold1', 'fold2'], range: ['#F8766D', '#00BFC4'] });
    expect(line.encoding.color.legend.title).toBe('fold');
  });

  it('rejects bad input', () => {
    expect(() => seriesSpec([])).toThrow('seriesSpec: series "value" must be a non-empty array of numbers');
    expect(() => seriesSpec([1, 2], { x: [1] })).toThrow('seriesSpec: x has 1 values but series "value" has 2');
    expect(() => seriesSpec([1, 2], { geoms: ['bar' as 'line'] })).toThrow("seriesSpec: geoms must be 'line', 'point' or 'smooth'");
  });
});

describe('plotSeries', () => {
  it('writes the smooth picture with the blue line and the grey band', async () => {
    const png = await readPng(await plotSeries({ validation_mae: mae }, { file: join(dir, 'smooth.png'), geoms: ['smooth'] }));
    expect(png.width).toBeGreaterThan(800);
    expect(countColour(png, '#3366FF', 10)).toBeGreaterThan(800);
    // The band: grey60 at alpha 0.4 over the grey92 panel.
    expect(countColour(png, '#CDCDCD', 6)).toBeGreaterThan(2000);
  });
});
