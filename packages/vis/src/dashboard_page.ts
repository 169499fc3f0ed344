/**
 * The live dashboard's page and chart specs. The page loads Vega from the dashboard's own server
 * (`/vega.js`, read from the installed `vega` package: no CDN) and draws the charts with the
 * Vega specs the server compiled, inserting rows as Server-Sent Events arrive.
 */
import { escapeXml, type VegaLiteSpec } from './render';
import { GG, ggConfig } from './theme';

/** Vega-Lite spec of the per-batch chart: one row of panels per metric (free y), data `batches`. */
export function batchChartSpec(): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: ggConfig(),
    // The panels appear as metrics arrive: lay the chart out again on every update.
    autosize: { type: 'pad', resize: true },
    data: { name: 'batches' },
    facet: { row: { field: 'metric', type: 'nominal', sort: null, header: { title: null, labelAngle: 0, labelAlign: 'left', labelFontSize: 11 } } },
    spec: {
      width: 560,
      height: 130,
      mark: { type: 'line', color: GG.training, strokeWidth: GG.line, interpolate: 'linear' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'batch (all epochs)', scale: { zero: false } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Vega-Lite spec of the per-epoch chart (R keras's `plot(history)` colours), data `epochs`. */
export function epochChartSpec(): VegaLiteSpec {
  const colour = { field: 'data', type: 'nominal', scale: { domain: ['training', 'validation'], range: [GG.training, GG.validation] }, legend: { title: 'data' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: ggConfig(),
    autosize: { type: 'pad', resize: true },
    data: { name: 'epochs' },
    facet: { row: { field: 'metric', type: 'nominal', sort: null, header: { title: null, labelAngle: 0, labelAlign: 'left', labelFontSize: 11 } } },
    spec: {
      width: 560,
      height: 130,
      layer: [
        { mark: { type: 'line', strokeWidth: GG.line }, encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, color: colour } },
        {
          mark: { type: 'point', shape: 'circle', filled: true, size: 36, stroke: 'black', strokeWidth: 0.5, opacity: 1 },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: colour },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The browser side: EventSource -> Vega views. Plain ES2017, no dependencies but Vega. */
const CLIENT = `
(function () {
  'use strict';
  var body = document.body;
  var views = {};
  var counts = { batches: 0, epochs: 0 };
  var queue = Promise.resolve();
  function enqueue(task) { queue = queue.then(task).catch(function (e) { console.error(e); body.dataset.error = String(e); }); }
  function clock(s) {
    if (s == null || !isFinite(s)) return '--:--';
    s = Math.max(0, Math.round(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(r).padStart(2, '0');
  }
  function showProgress(p) {
    if (!p) return;
    var bar = document.getElementById('bar');
    bar.value = p.fraction != null ? p.fraction : 0;
    var parts = [];
    if (p.epoch) parts.push('Epoch ' + p.epoch + '/' + (p.epochs || '?'));
    if (p.step) parts.push('step ' + p.step + '/' + (p.steps || '?'));
    parts.push(clock(p.elapsed) + ' elapsed');
    parts.push(p.status === 'done' ? 'done' : 'ETA ' + clock(p.eta));
    document.getElementById('progress-text').textContent = parts.join(' \\u00b7 ');
    document.getElementById('status').textContent = p.status;
    if (p.status) body.dataset.training = p.status;
  }
  function ensureViews(specs) {
    if (views.batches) return Promise.resolve();
    views.batches = new vega.View(vega.parse(specs.batches), { renderer: 'svg', container: '#batch-chart', hover: false });
    views.epochs = new vega.View(vega.parse(specs.epochs), { renderer: 'svg', container: '#epoch-chart', hover: false });
    return Promise.all([views.batches.runAsync(), views.epochs.runAsync()]);
  }
  function insert(name, rows, replace) {
    var view = views[name];
    if (replace) { view.remove(name, function () { return true; }); counts[name] = 0; }
    if (rows.length) view.insert(name, rows);
    counts[name] += rows.length;
    return view.runAsync().then(function () { body.dataset[name] = String(counts[name]); });
  }
  var events = new EventSource('/events');
  events.addEventListener('open', function () { if (body.dataset.status !== 'done') body.dataset.status = 'connected'; });
  events.addEventListener('state', function (e) {
    var s = JSON.parse(e.data);
    enqueue(function () {
      return ensureViews(s.specs)
        .then(function () { return insert('batches', s.batches, true); })
        .then(function () { return insert('epochs', s.epochs, true); })
        .then(function () { showProgress(s.progress); body.dataset.status = s.progress.status === 'done' ? 'done' : 'connected'; });
    });
  });
  events.addEventListener('batch', function (e) {
    var d = JSON.parse(e.data);
    enqueue(function () { return insert('batches', d.rows).then(function () { showProgress(d.progress); }); });
  });
  events.addEventListener('epoch', function (e) {
    var d = JSON.parse(e.data);
    enqueue(function () { return insert('batches', d.batchRows).then(function () { return insert('epochs', d.rows); }).then(function () { showProgress(d.progress); }); });
  });
  events.addEventListener('end', function (e) {
    var d = JSON.parse(e.data);
    events.close();
    enqueue(function () { showProgress(d.progress); body.dataset.status = 'done'; });
  });
  events.addEventListener('error', function () { if (body.dataset.status === 'done') events.close(); });
})();
`;

/** The dashboard's HTML page. */
export function dashboardPage(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
body{margin:20px auto;max-width:860px;padding:0 16px;font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.05em;margin:1.2em 0 .3em;color:#333}
#bar{width:100%;height:14px}#progress-text{font-size:.9em;color:#444;margin-top:4px}#status{font-size:.8em;color:#888;text-transform:uppercase}
.chart{min-height:40px}
</style>
</head>
<body data-status="loading" data-batches="0" data-epochs="0">
<header>
<h1>${escapeXml(title)}</h1>
<div id="status">waiting for training</div>
<progress id="bar" max="1" value="0"></progress>
<div id="progress-text">waiting for training to start</div>
</header>
<section><h2>Loss and metrics per batch (running mean within each epoch)</h2><div id="batch-chart" class="chart"></div></section>
<section><h2>Per epoch: training and validation</h2><div id="epoch-chart" class="chart"></div></section>
<script src="/vega.js"></script>
<script>${CLIENT}</script>
</body>
</html>
`;
}
