import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countColour, countDark, distinctColours, readPng } from '../test/pixels';
import { historySmoothApplies, historySpec, plotHistory } from './history';

const dir = mkdtempSync(join(tmpdir(), 'vis-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The course's IMDB run (20 epochs; str(history) prints these first values). */
function imdbHistory(epochs = 20) {
  const loss = Array.from({ length: epochs }, (_, i) => 0.525 * Math.exp(-i / 4) + 0.01);
  const accuracy = loss.map((l) => 1 - l / 2.5);
  const valLoss = Array.from({ length: epochs }, (_, i) => 0.28 + 0.0016 * (i - 4) ** 2);
  const valAccuracy = valLoss.map((l) => 0.98 - l / 3);
  return { history: { loss, accuracy, val_loss: valLoss, val_accuracy: valAccuracy }, params: { verbose: 1, epochs, steps: 30 }, epoch: loss.map((_, i) => i) };
}

type Layer = { name: string; mark: Record<string, unknown>; data: { values: Record<string, unknown>[] }; encoding: Record<string, any> };
type Panel = { layer: Layer[]; width: number; height: number };
const panels = (spec: Record<string, unknown>) => spec.vconcat as Panel[];
const layer = (panel: Panel, prefix: string) => panel.layer.find((l) => l.name.startsWith(prefix));

describe('historySpec (R keras plot(history))', () => {
  it('draws one panel per metric, stacked, in the history order, with the metric as the strip label', () => {
    const spec = historySpec(imdbHistory());
    const [loss, accuracy] = panels(spec);
    expect(panels(spec)).toHaveLength(2);
    expect(layer(loss, 'points')!.encoding.y.axis.title).toBe('loss');
    expect(layer(accuracy, 'points')!.encoding.y.axis.title).toBe('accuracy');
    // Free y scales: each panel has its own domain around its own values.
    expect(layer(loss, 'points')!.encoding.y.scale.domain).not.toEqual(layer(accuracy, 'points')!.encoding.y.scale.domain);
    // 20 points per series, training and validation.
    const rows = layer(loss, 'points')!.data.values;
    expect(rows.filter((r) => r.data === 'training')).toHaveLength(20);
    expect(rows.filter((r) => r.data === 'validation')).toHaveLength(20);
    expect(rows[0]).toEqual({ epoch: 1, value: 0.535, metric: 'loss', data: 'training' });
  });

  it("uses ggplot2's colours, circles outlined in black, a legend titled 'data', and integer epoch breaks on the bottom panel only", () => {
    const spec = historySpec(imdbHistory());
    const [top, bottom] = panels(spec);
    const points = layer(top, 'points')!;
    expect(points.encoding.color.scale).toEqual({ domain: ['training', 'validation'], range: ['#F8766D', '#00BFC4'] });
    expect(points.encoding.color.legend.title).toBe('data');
    expect(points.mark).toMatchObject({ shape: 'circle', filled: true, stroke: 'black' });
    expect(layer(bottom, 'points')!.encoding.x.axis).toMatchObject({ values: [5, 10, 15, 20], title: 'epoch', format: 'd' });
    expect(layer(top, 'points')!.encoding.x.axis).toMatchObject({ labels: false, title: null });
    // ggplot2's grey panel and white grid.
    expect((spec.config as any).view.fill).toBe('#EBEBEB');
    expect((spec.config as any).axis.gridColor).toBe('#FFFFFF');
  });

  it("smooths only from 10 epochs (R keras's rule) and only when smooth is on", () => {
    expect(historySmoothApplies(9)).toBe(false);
    expect(historySmoothApplies(10)).toBe(true);
    expect(historySmoothApplies(20, false)).toBe(false);
    expect(layer(panels(historySpec(imdbHistory(9)))[0], 'smooth')).toBeUndefined();
    const smooth = layer(panels(historySpec(imdbHistory(10)))[0], 'smooth')!;
    expect(smooth.mark).toMatchObject({ type: 'line' });
    expect(smooth.encoding.color.scale.range).toEqual(['#F8766D', '#00BFC4']);
    // 80 evaluation points per series, as geom_smooth.
    expect(smooth.data.values.filter((r) => r.data === 'validation')).toHaveLength(80);
    expect(layer(panels(historySpec(imdbHistory(20), { smooth: false }))[0], 'smooth')).toBeUndefined();
    // The rule reads params.epochs (as R keras), not the number of recorded epochs.
    const early = imdbHistory(12);
    expect(layer(panels(historySpec({ ...early, params: { epochs: 9 } }))[0], 'smooth')).toBeUndefined();
  });

  it('draws hollow black circles and a blue smooth without validation data, as ggplot2 without a fill', () => {
    const h = imdbHistory(12);
    const spec = historySpec({ history: { loss: h.history.loss }, params: { epochs: 12 } });
    const [panel] = panels(spec);
    expect(layer(panel, 'points')!.mark).toMatchObject({ filled: false, stroke: 'black' });
    expect(layer(panel, 'points')!.encoding.color).toBeUndefined();
    expect(layer(panel, 'smooth')!.mark).toMatchObject({ color: '#3366FF' });
  });

  it('plots only the metrics asked for and says which exist', () => {
    expect(panels(historySpec(imdbHistory(), { metrics: ['accuracy'] }))).toHaveLength(1);
    expect(() => historySpec(imdbHistory(), { metrics: ['mae'] })).toThrow(`historySpec: no metric "mae" in the history; it has ['loss', 'accuracy']. Received: metrics=["mae"]`);
    expect(() => historySpec({ history: {} })).toThrow('historySpec: the history has no metrics');
  });
});

describe('plotHistory', () => {
  it('writes a PNG with both series drawn in their colours, axes and text', async () => {
    const file = await plotHistory(imdbHistory(), { file: join(dir, 'history.png') });
    const png = await readPng(file);
    // 2 pixels per point by default: the chart is about 500 x 330 points.
    expect(png.width).toBeGreaterThan(900);
    expect(png.width).toBeLessThan(1300);
    expect(png.height).toBeGreaterThan(600);
    expect(png.height).toBeLessThan(800);
    expect(distinctColours(png)).toBeGreaterThan(50);
    expect(countColour(png, '#F8766D')).toBeGreaterThan(500);
    expect(countColour(png, '#00BFC4')).toBeGreaterThan(500);
    expect(countColour(png, '#EBEBEB')).toBeGreaterThan(100_000);
    // Text (labels, titles) and the points' outlines are dark.
    expect(countDark(png)).toBeGreaterThan(1000);
  });

  it('writes SVG and HTML by the extension, and refuses other extensions', async () => {
    const svg = readFileSync(await plotHistory(imdbHistory(5), { file: join(dir, 'h.svg') }), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('>epoch</text>');
    const html = readFileSync(await plotHistory(imdbHistory(5), { file: join(dir, 'h.html') }), 'utf8');
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    await expect(plotHistory(imdbHistory(5), { file: join(dir, 'h.jpg') })).rejects.toThrow('plotHistory: file must end in .png, .svg or .html. Received: file=');
  });
});
