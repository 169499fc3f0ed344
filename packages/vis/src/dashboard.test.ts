import { request } from 'node:http';
import { Callback, clearSession, dense, sequential } from '@dlts/layers';
import { setSeed, tf } from '@dlts/tensors';
import { describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../test/browser';
import { liveDashboard } from './dashboard';

/** GET with an explicit Host header (fetch would not let a test forge it). */
function get(url: string, host?: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, agent: false, headers: host ? { Host: host } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A tiny real training problem: 64 samples, 4 features, a 2-layer network. */
function tinyProblem() {
  clearSession();
  setSeed(7);
  const x = tf.randomNormal([64, 4], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32'));
  const network = sequential([dense({ units: 8, activation: 'relu', inputShape: [4] }), dense({ units: 1, activation: 'sigmoid' })]);
  network.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return { x, y, network };
}

describe('liveDashboard', () => {
  it('serves the page, the Vega bundle and the state on loopback only, and closes cleanly', async () => {
    const dashboard = liveDashboard({ log: false });
    const url = await dashboard.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/vega.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const vega = await get(`${url}vega.js`);
    expect(vega.type).toContain('javascript');
    expect(vega.body.length).toBeGreaterThan(100_000);
    expect(JSON.parse((await get(`${url}state.json`)).body).progress.status).toBe('waiting');
    // A page reached through another name (DNS rebinding) is refused.
    expect((await get(url, 'evil.example:80')).status).toBe(403);
    expect((await get(`${url}nope`)).status).toBe(404);
    await dashboard.close();
    expect(dashboard.listening).toBe(false);
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
    await dashboard.close();
  });

  it('refuses non-loopback hosts and bad options', () => {
    expect(() => liveDashboard({ host: '0.0.0.0' as '127.0.0.1' })).toThrow("liveDashboard: host must be a loopback address ('127.0.0.1', 'localhost' or '::1'); the dashboard is never served to the network. Received: host=\"0.0.0.0\"");
    expect(() => liveDashboard({ port: 70000 })).toThrow('liveDashboard: port must be an integer from 0 to 65535. Received: port=70000');
  });

  it('records batches and epochs of a real fit and stops its server when training ends', async () => {
    const { x, y, network } = tinyProblem();
    const dashboard = liveDashboard({ log: false, updateInterval: 0 });
    const before = tf.memory().numTensors;
    const history = await network.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [dashboard] });
    expect(tf.memory().numTensors).toBe(before);
    const state = dashboard.snapshot();
    // 48 training samples / 16 = 3 steps per epoch, 3 epochs: a loss and an accuracy row per step.
    expect(state.batches.filter((r) => r.metric === 'loss').map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(state.epochs.filter((r) => r.metric === 'loss' && r.data === 'validation').map((r) => r.value)).toEqual(history.history.val_loss);
    expect(state.progress).toMatchObject({ status: 'done', epoch: 3, epochs: 3, steps: 3, fraction: 1, eta: 0 });
    expect(dashboard.listening).toBe(false);
    tf.dispose([x, y]);
    network.dispose();
  });

  it.skipIf(!hasChromium)('draws a point in the browser after a training step, and the epoch curves by the end (needs /usr/bin/chromium)', async () => {
    const { x, y, network } = tinyProblem();
    const dashboard = liveDashboard({ log: false, updateInterval: 0, title: 'tiny run' });
    const url = await dashboard.start();
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      await page.waitForFunction("document.body.dataset.status === 'connected'");
      expect(await page.locator('h1').textContent()).toBe('tiny run');

      // Hold training after its first step until the page has drawn it.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let reachedFirstStep!: () => void;
      const firstStep = new Promise<void>((resolve) => (reachedFirstStep = resolve));
      let firstStepPending = true;
      class Gate extends Callback {
        override async onTrainBatchEnd(batch: number) {
          if (batch === 0 && firstStepPending) {
            firstStepPending = false;
            reachedFirstStep();
            await held;
          }
        }
      }
      const training = network.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [dashboard, new Gate()] });
      await firstStep;
      await page.waitForFunction('Number(document.body.dataset.batches) >= 1');
      // The per-batch chart drew its first point: a line path in the SVG, and no epoch yet.
      const linePath = await page.locator('#batch-chart svg g.mark-line.role-mark path').first().getAttribute('d');
      expect(linePath).toMatch(/^M[\d.]+,[\d.]+/);
      expect(await page.locator('#batch-chart svg').count()).toBe(1);
      expect(await page.locator('body').getAttribute('data-epochs')).toBe('0');
      expect(await page.locator('#progress-text').textContent()).toContain('Epoch 1/3');
      expect(await page.locator('#progress-text').textContent()).toContain('step 1/3');
      release();
      await training;
      await page.waitForFunction("document.body.dataset.status === 'done'");
      // 3 epochs x (loss, accuracy) x (training, validation) points in the per-epoch chart.
      expect(await page.locator('#epoch-chart svg g.mark-symbol.role-mark path').count()).toBe(12);
      expect(await page.locator('#progress-text').textContent()).toContain('done');
      expect(Number(await page.locator('#bar').getAttribute('value'))).toBe(1);
      // Everything came from the dashboard's own loopback server.
      expect(requests.every((r) => r.startsWith(url))).toBe(true);
      expect(dashboard.listening).toBe(false);
    } finally {
      await browser.close();
      await dashboard.close();
      tf.dispose([x, y]);
      network.dispose();
    }
  });
});
