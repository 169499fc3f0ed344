import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSession, dense, sequential } from '@dlts/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, serveDir } from '../test/browser';
import { report } from './report';

const dir = mkdtempSync(join(tmpdir(), 'vis-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run() {
  clearSession();
  const network = sequential([dense({ units: 16, activation: 'relu', inputShape: [10000] }), dense({ units: 1, activation: 'sigmoid' })]);
  const epochs = 12;
  const loss = Array.from({ length: epochs }, (_, i) => 0.5 * Math.exp(-i / 3) + 0.02);
  const history = {
    history: { loss, accuracy: loss.map((l) => 1 - l), val_loss: loss.map((l, i) => l + 0.01 * i), val_accuracy: loss.map((l, i) => 0.97 - l - 0.005 * i) },
    params: { verbose: 1, epochs, steps: 30 },
  };
  return { network, history };
}

describe('report', () => {
  it('writes one self-contained page: parameters, final metrics, history plot, summary and diagram', async () => {
    const { network, history } = run();
    const file = await report({ title: 'IMDB <run 1>', history, model: network, metrics: { test_loss: 0.2891, test_accuracy: 0.8844 }, params: { optimizer: 'rmsprop', batchSize: 512 } }, { dir, name: 'imdb' });
    expect(file).toBe(join(dir, 'imdb.html'));
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<title>IMDB &lt;run 1&gt;</title>');
    expect(html).toContain('<th scope="row">optimizer</th><td>rmsprop</td>');
    expect(html).toContain('<th scope="row">epochs</th><td>12</td>');
    expect(html).toContain('<th scope="row">test_accuracy</th><td>0.8844</td>');
    expect(html).toContain('<th scope="row">val_loss (last epoch)</th>');
    expect(html).toContain('Total params: 160,033');
    expect(html).toContain('>dense (Dense)</text>');
    expect((html.match(/<svg/g) ?? []).length).toBe(2);
    // Nothing to fetch: no scripts, no stylesheets or images from elsewhere.
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|https?:\/\/(?!www\.w3\.org)/);
    network.dispose();
  });

  it('says what is missing', async () => {
    await expect(report({}, { dir })).rejects.toThrow('report: run must have at least one of history, model, summary, metrics or params. Received: run={}');
    await expect(report({ params: { a: 1 } }, { dir, name: '../x' })).rejects.toThrow('report: name must be a plain file name');
  });

  it.skipIf(!hasChromium)('opens offline in chromium from loopback with the charts drawn (needs /usr/bin/chromium)', async () => {
    const { network, history } = run();
    await report({ history, model: network, metrics: { test_accuracy: 0.88 } }, { dir, name: 'browser' });
    network.dispose();
    const server = await serveDir(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${server.url}browser.html`);
      // The history plot: 12 epochs x 2 metrics x (training, validation) points, drawn as SVG symbols.
      const points = await page.locator('#history svg g.mark-symbol.role-mark path').count();
      expect(points).toBe(12 * 2 * 2);
      // The smooth lines (12 epochs >= 10) and the diagram's three boxes.
      expect(await page.locator('#history svg g.mark-line.role-mark path').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('#model svg g.mark-rect.role-mark path').count()).toBe(3);
      const box = await page.locator('#history svg').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(await page.locator('pre.summary').textContent()).toContain('Trainable params: 160,033');
      expect(requests).toEqual([`${server.url}browser.html`]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
