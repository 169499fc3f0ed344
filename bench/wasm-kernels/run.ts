/**
 * Benchmark of the dlts wasm training kernels (packages/tensors/src/kernels)
 * against the stock TF.js 4.22 wasm kernels and the cpu backend.
 *
 *     cd packages/tensors && npx tsx ../../bench/wasm-kernels/run.ts [--quick] [--cpu-all]
 *
 * Prints Markdown tables (ms per call, best of several interleaved runs;
 * training steps in samples/s, from the best round). The best run is
 * reported rather than the median because on a shared machine the noise is
 * one-sided (other processes only ever add time). Stock and dlts kernels are measured in alternation in
 * the same process (`registerWasmKernels` / `unregisterWasmKernels`), so load
 * changes on the machine hit both alike. Every call gets operands it has not
 * seen before, as in training (XNNPACK caches work per weight tensor).
 *
 * cpu timings of single kernels that would take more than a few seconds are
 * estimated, not run, unless `--cpu-all` is given.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

type TF = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;

const require = createRequire(new URL('../../packages/tensors/package.json', import.meta.url));
const tf = require('@tensorflow/tfjs-core') as TF;
// tfjs-core registers no gradients by itself.
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
const { registerWasmKernels, unregisterWasmKernels, conv2DBackpropFilterConfig } = await import(
  '../../packages/tensors/src/kernels/index.ts'
);

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const CPU_ALL = args.has('--cpu-all');
/** Skip single cpu kernel runs estimated above this (ms). */
const CPU_BUDGET_MS = 4000;

// ---------------------------------------------------------------------------
// Setup and helpers

await tf.setBackend('wasm');
await tf.ready();
registerWasmKernels();
unregisterWasmKernels();

type Variant = 'stock' | 'dlts' | 'filterOnly';

/** Puts the kernels of a variant in place (wasm backend). */
function useKernels(v: Variant): void {
  unregisterWasmKernels();
  if (v === 'dlts') registerWasmKernels();
  if (v === 'filterOnly') tf.registerKernel(conv2DBackpropFilterConfig);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const best = (xs: number[]) => Math.min(...xs);

/**
 * Times `run` (given fresh inputs from `prepare`, which is not timed) for
 * each variant, alternating variants round by round. Returns median ms per
 * variant, or an error message when the variant throws.
 */
function compare(
  variants: Variant[],
  prepare: () => Tensor[],
  run: (...inputs: Tensor[]) => Tensor | Tensor[],
  rounds: number,
): Record<string, number | string> {
  const times: Record<string, number[]> = {};
  const failed: Record<string, string> = {};
  for (let r = -1; r < rounds; r++) {
    for (const v of variants) {
      if (failed[v]) continue;
      useKernels(v);
      const inputs = prepare();
      try {
        const t0 = performance.now();
        const out = run(...inputs);
        const ms = performance.now() - t0;
        tf.dispose(out);
        if (r >= 0) (times[v] ??= []).push(ms); // round -1 warms up
      } catch (e) {
        failed[v] = (e as Error).message.split('\n')[0].slice(0, 60);
      } finally {
        tf.dispose(inputs);
      }
    }
  }
  useKernels('dlts');
  const result: Record<string, number | string> = {};
  for (const v of variants) result[v] = failed[v] ?? best(times[v]);
  return result;
}

/** Times a cpu kernel once (after a warm-up when cheap), or estimates it. */
async function cpuTime(estimateMs: number, prepare: () => Tensor[], run: (...inputs: Tensor[]) => Tensor | Tensor[]) {
  if (!CPU_ALL && estimateMs > CPU_BUDGET_MS) return `~${(estimateMs / 1000).toFixed(0)} s (est.)`;
  await tf.setBackend('cpu');
  const reps = estimateMs < 300 ? 3 : 1;
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const inputs = prepare();
    const t0 = performance.now();
    tf.dispose(run(...inputs));
    ts.push(performance.now() - t0);
    tf.dispose(inputs);
  }
  await tf.setBackend('wasm');
  return median(ts);
}

const fmt = (v: number | string | undefined, digits = 1) =>
  v === undefined ? '' : typeof v === 'string' ? v : v >= 100 ? v.toFixed(0) : v.toFixed(digits);
const speedup = (before: number | string, after: number | string) =>
  typeof before === 'number' && typeof after === 'number' ? `${(before / after).toFixed(1)}x` : '';

/** Seeded random tensor on the current backend. */
const rnd = (shape: number[], seed: number, scale = 1) => tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale));

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------
// Machine

const cpuModel = (() => {
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? m[1].trim() : os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model;
  }
})();
const nproc = (() => {
  try {
    return execFileSync('nproc').toString().trim();
  } catch {
    return String(os.availableParallelism());
  }
})();
console.log(`## Machine\n`);
console.log(`- node ${process.version}, nproc ${nproc}, CPU: ${cpuModel}`);
console.log(
  `- tfjs-core ${tf.version_core}, wasm backend: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ` +
    `threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`,
);
console.log(
  `- ms per call = best of ${QUICK ? 3 : 7} interleaved runs (training: best of ${QUICK ? 3 : 5} rounds); ` +
    `stock = TF.js 4.22 wasm kernels, dlts = ours; cpu = tfjs-backend-cpu (single run or median of 3)\n`,
);

const ROUNDS = QUICK ? 3 : 7;

// ---------------------------------------------------------------------------
// BatchMatMul / _FusedMatMul

{
  const rows: string[][] = [];
  const cases: Array<{ label: string; a: number[]; b: number[]; ta: boolean; tb: boolean; fused?: boolean }> = [
    { label: '[784,128] x [128,512]', a: [784, 128], b: [128, 512], ta: false, tb: false },
    { label: '[128,784]ᵀ x [128,512] (dense dW)', a: [128, 784], b: [128, 512], ta: true, tb: false },
    { label: '[784,128] x [512,128]ᵀ', a: [784, 128], b: [512, 128], ta: false, tb: true },
    { label: '[128,784]ᵀ x [512,128]ᵀ', a: [128, 784], b: [512, 128], ta: true, tb: true },
    { label: '[128,784] x [784,512] (dense forward)', a: [128, 784], b: [784, 512], ta: false, tb: false },
    { label: '[128,512] x [784,512]ᵀ (dense dx)', a: [128, 512], b: [784, 512], ta: false, tb: true },
    { label: '_FusedMatMul [128,784] x [784,512] + bias, relu', a: [128, 784], b: [784, 512], ta: false, tb: false, fused: true },
    { label: '_FusedMatMul [128,784]ᵀ x [128,512] + bias', a: [128, 784], b: [128, 512], ta: true, tb: false, fused: true },
    { label: 'batched 8 x [64,96] x [96,80]', a: [8, 64, 96], b: [8, 96, 80], ta: false, tb: false },
  ];
  let seed = 1;
  for (const c of cases) {
    const a0 = rnd(c.a, seed++);
    const b0 = rnd(c.b, seed++);
    const n = c.tb ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
    const bias0 = rnd([n], seed++);
    const prepare = () => [tf.add(a0, 0), tf.add(b0, 0), tf.add(bias0, 0)];
    const run = (a: Tensor, b: Tensor, bias: Tensor) =>
      c.fused
        ? tf.fused.matMul({ a: a as never, b: b as never, transposeA: c.ta, transposeB: c.tb, bias, activation: c.ta ? 'linear' : 'relu' })
        : tf.matMul(a, b, c.ta, c.tb);
    const r = compare(['stock', 'dlts'], prepare, run, ROUNDS);
    const aV = a0.dataSync().slice();
    const bV = b0.dataSync().slice();
    const biasV = bias0.dataSync().slice();
    const macs = c.a.reduce((p, q) => p * q, 1) * n;
    const cpu = await cpuTime(macs / 1.4e5, () => [tf.tensor(aV, c.a), tf.tensor(bV, c.b), tf.tensor(biasV, [n])], run);
    rows.push([c.label, fmt(r.stock), fmt(r.dlts), speedup(r.stock, r.dlts), fmt(cpu)]);
    tf.dispose([a0, b0, bias0]);
  }
  console.log('## Matrix multiplication (ms per call)\n');
  console.log(table(['op', 'wasm stock', 'wasm dlts', 'speed-up', 'cpu'], rows));
  console.log();
}

// ---------------------------------------------------------------------------
// Convolution gradients per layer

const convLayers: Array<{ net: string; x: [number, number, number, number]; f: [number, number, number, number] }> = [
  { net: 'MNIST conv1', x: [64, 28, 28, 1], f: [3, 3, 1, 32] },
  { net: 'MNIST conv2', x: [64, 13, 13, 32], f: [3, 3, 32, 64] },
  { net: 'MNIST conv3', x: [64, 5, 5, 64], f: [3, 3, 64, 64] },
  { net: 'cats-vs-dogs conv1', x: [20, 150, 150, 3], f: [3, 3, 3, 32] },
  { net: 'cats-vs-dogs conv2', x: [20, 74, 74, 32], f: [3, 3, 32, 64] },
  { net: 'cats-vs-dogs conv3', x: [20, 36, 36, 64], f: [3, 3, 64, 128] },
  { net: 'cats-vs-dogs conv4', x: [20, 17, 17, 128], f: [3, 3, 128, 128] },
];

{
  const rows: string[][] = [];
  const convRounds = QUICK ? 3 : 5;
  /** tfjs-backend-cpu speed measured on the reference machine, MACs per ms (for the estimates). */
  const cpuInputRate = 2e5;
  const cpuFilterRate = 3.6e3; // tfjs-backend-cpu's filter gradient is a very slow loop
  let seed = 100;
  for (const l of convLayers) {
    const [n, h, w, cin] = l.x;
    const [kh, kw, , cout] = l.f;
    const [oh, ow] = [h - kh + 1, w - kw + 1];
    const dyShape = [n, oh, ow, cout];
    const x0 = rnd(l.x, seed++);
    const f0 = rnd(l.f, seed++, 0.1);
    const dy0 = rnd(dyShape, seed++);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined };
    const fwd = compare(['dlts'], () => [tf.add(x0, 0), tf.add(f0, 0)], (x, f) => tf.conv2d(x as never, f as never, 1, 'valid'), convRounds);
    const bInput = compare(
      ['stock', 'dlts'],
      () => [tf.add(dy0, 0), tf.add(f0, 0)],
      (dy, f) => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: l.x } as never) as Tensor,
      convRounds,
    );
    const bFilter = compare(
      ['stock', 'dlts'],
      () => [tf.add(x0, 0), tf.add(dy0, 0)],
      (x, dy) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: l.f } as never) as Tensor,
      convRounds,
    );
    const macs = n * oh * ow * cout * kh * kw * cin;
    const xV = x0.dataSync().slice();
    const fV = f0.dataSync().slice();
    const dyV = dy0.dataSync().slice();
    const cpuIn = await cpuTime(
      macs / cpuInputRate,
      () => [tf.tensor(dyV, dyShape), tf.tensor(fV, l.f)],
      (dy, f) => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: l.x } as never) as Tensor,
    );
    const cpuF = await cpuTime(
      macs / cpuFilterRate,
      () => [tf.tensor(xV, l.x), tf.tensor(dyV, dyShape)],
      (x, dy) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: l.f } as never) as Tensor,
    );
    rows.push([
      l.net,
      `${l.x.join('x')} * ${kh}x${kw}x${cout}`,
      fmt(fwd.dlts),
      fmt(bInput.stock),
      fmt(bInput.dlts),
      speedup(bInput.stock, bInput.dlts),
      fmt(cpuIn),
      typeof bFilter.stock === 'string' ? 'missing' : fmt(bFilter.stock),
      fmt(bFilter.dlts),
      fmt(cpuF),
    ]);
    tf.dispose([x0, f0, dy0]);
  }
  console.log('## Convolution gradients per layer (ms per call, stride 1, valid)\n');
  console.log(
    table(
      ['layer', 'input * filter', 'Conv2D fwd', 'BackpropInput stock', 'BackpropInput dlts', 'speed-up', 'BackpropInput cpu', 'BackpropFilter stock', 'BackpropFilter dlts', 'BackpropFilter cpu'],
      rows,
    ),
  );
  console.log();
}

// ---------------------------------------------------------------------------
// Other training kernels: pooling gradients, bias gradients

{
  const rows: string[][] = [];
  const shapes: Array<[string, [number, number, number, number]]> = [
    ['MNIST conv1 out', [64, 26, 26, 32]],
    ['MNIST conv2 out', [64, 11, 11, 64]],
    ['cats-vs-dogs conv1 out', [20, 148, 148, 32]],
    ['cats-vs-dogs conv2 out', [20, 72, 72, 64]],
    ['cats-vs-dogs conv3 out', [20, 34, 34, 128]],
    ['cats-vs-dogs conv4 out', [20, 15, 15, 128]],
  ];
  let seed = 300;
  for (const [label, s] of shapes) {
    const x0 = tf.tidy(() => tf.relu(rnd(s, seed++)));
    const y0 = tf.maxPool(x0 as never, 2, 2, 'valid');
    const g0 = rnd(y0.shape, seed++);
    const size = s.reduce((p, q) => p * q, 1);
    const pool = { filterSize: 2, strides: 2, pad: 'valid' };
    const xV = x0.dataSync().slice();
    const yV = y0.dataSync().slice();
    const gV = g0.dataSync().slice();
    const onCpu = () => [tf.tensor(xV, s), tf.tensor(yV, y0.shape), tf.tensor(gV, y0.shape)];
    const maxG = (x: Tensor, y: Tensor, g: Tensor) => tf.engine().runKernel('MaxPoolGrad', { dy: g, input: x, output: y }, pool as never) as Tensor;
    const avgG = (x: Tensor, _y: Tensor, g: Tensor) => tf.engine().runKernel('AvgPoolGrad', { dy: g, input: x }, pool as never) as Tensor;
    const biasG = (x: Tensor) => tf.sum(x, [0, 1, 2]);
    const prepare = () => [tf.add(x0, 0), tf.add(y0, 0), tf.add(g0, 0)];
    for (const [op, fn, cpuRate] of [
      ['MaxPoolGrad 2x2', maxG, 2.5e3],
      ['AvgPoolGrad 2x2', avgG, 3.5e3],
      ['Sum over [0,1,2] (bias grad)', biasG, 7e3],
    ] as const) {
      const r = compare(['stock', 'dlts'], prepare, fn as never, ROUNDS);
      const cpu = await cpuTime(size / cpuRate, onCpu, fn as never);
      rows.push([op, `${label} ${s.join('x')}`, fmt(r.stock), fmt(r.dlts), speedup(r.stock, r.dlts), fmt(cpu)]);
    }
    tf.dispose([x0, y0, g0]);
  }
  console.log('## Pooling and bias gradients (ms per call)\n');
  console.log(table(['op', 'tensor', 'wasm stock', 'wasm dlts', 'speed-up', 'cpu'], rows));
  console.log();
}

// ---------------------------------------------------------------------------
// Gather: the batch fit takes from the training set every step

{
  const rows: string[][] = [];
  const cases: Array<[string, number[], number[], number]> = [
    ['a batch of x: 128 rows of a [60000, 784] training set', [60000, 784], [128], 60000],
    ['a batch of y: 128 rows of [60000, 10]', [60000, 10], [128], 60000],
    ['an embedding lookup: [32, 100] ids in a [10000, 32] table', [10000, 32], [32, 100], 10000],
  ];
  let seed = 400;
  for (const [label, shape, idxShape, range] of cases) {
    const table0 = rnd(shape, seed++);
    const count = idxShape.reduce((p, q) => p * q, 1);
    const prepare = () => [tf.tensor(Int32Array.from({ length: count }, (_, i) => (i * 7919 + seed * 104729) % range), idxShape, 'int32')];
    const run = (idx: Tensor) => tf.gather(table0, idx);
    const r = compare(['stock', 'dlts'], prepare, run as never, ROUNDS);
    rows.push([label, fmt(r.stock, 2), fmt(r.dlts, 2), speedup(r.stock, r.dlts)]);
    seed++;
    tf.dispose(table0);
  }
  console.log('## GatherV2 (ms per call)\n');
  console.log(table(['gather', 'wasm stock', 'wasm dlts', 'speed-up'], rows));
  console.log();
}

// ---------------------------------------------------------------------------
// Training steps (tfjs-core only: forward + tf.variableGrads + SGD update)

interface Net {
  vars: import('@tensorflow/tfjs-core').Variable[];
  loss: (x: Tensor, y: Tensor) => import('@tensorflow/tfjs-core').Scalar;
}

function heInit(shape: number[], seed: number) {
  const fanIn = shape.slice(0, -1).reduce((p, q) => p * q, 1);
  return tf.variable(rnd(shape, seed, Math.sqrt(2 / fanIn)));
}

/** Dense 784-512-10 (relu, softmax cross-entropy), fused matmul + bias like the dlts Dense layer. */
function denseNet(): Net {
  const w1 = heInit([784, 512], 1);
  const b1 = tf.variable(tf.zeros([512]));
  const w2 = heInit([512, 10], 2);
  const b2 = tf.variable(tf.zeros([10]));
  return {
    vars: [w1, b1, w2, b2],
    loss: (x, y) =>
      tf.tidy(() => {
        const h = tf.fused.matMul({ a: x as never, b: w1 as never, bias: b1, activation: 'relu' });
        const logits = tf.fused.matMul({ a: h, b: w2 as never, bias: b2 });
        return tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs-core').Scalar;
      }),
  };
}

/** conv(3x3, c1) relu -> maxpool 2 -> ... -> flatten -> dense(units) relu -> dense(classes). */
function convNet(input: number[], filters: number[], pools: boolean[], units: number, classes: number): Net {
  const vars: import('@tensorflow/tfjs-core').Variable[] = [];
  const convs: Array<[import('@tensorflow/tfjs-core').Variable, import('@tensorflow/tfjs-core').Variable]> = [];
  let [h, w, c] = input;
  filters.forEach((f, i) => {
    const k = heInit([3, 3, c, f], 10 + i);
    const b = tf.variable(tf.zeros([f]));
    convs.push([k, b]);
    vars.push(k, b);
    [h, w, c] = [h - 2, w - 2, f];
    if (pools[i]) [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
  });
  const flat = h * w * c;
  const w1 = heInit([flat, units], 20);
  const b1 = tf.variable(tf.zeros([units]));
  const w2 = heInit([units, classes], 21);
  const b2 = tf.variable(tf.zeros([classes]));
  vars.push(w1, b1, w2, b2);
  return {
    vars,
    loss: (x, y) =>
      tf.tidy(() => {
        let a = x as import('@tensorflow/tfjs-core').Tensor4D;
        convs.forEach(([k, b], i) => {
          a = tf.fused.conv2d({ x: a, filter: k as never, strides: 1, pad: 'valid', bias: b, activation: 'relu' });
          if (pools[i]) a = tf.maxPool(a, 2, 2, 'valid');
        });
        const f = tf.reshape(a, [a.shape[0], flat]);
        const d = tf.fused.matMul({ a: f as never, b: w1 as never, bias: b1, activation: 'relu' });
        const logits = tf.fused.matMul({ a: d, b: w2 as never, bias: b2 });
        return (classes === 1
          ? tf.losses.sigmoidCrossEntropy(y, logits)
          : tf.losses.softmaxCrossEntropy(y, logits)) as import('@tensorflow/tfjs-core').Scalar;
      }),
  };
}

function makeStep(net: Net, x: Tensor, y: Tensor) {
  const opt = tf.train.sgd(0.01);
  return () => {
    const { value, grads } = tf.variableGrads(() => net.loss(x, y), net.vars);
    opt.applyGradients(grads);
    tf.dispose(grads);
    value.dataSync();
    value.dispose();
  };
}

async function trainingRow(
  label: string,
  build: () => { net: Net; x: Tensor; y: Tensor; batch: number },
  variants: Variant[],
  stepsPerRound: number,
  rounds: number,
  cpuEstimateMs: number,
): Promise<string[]> {
  const { net, x, y, batch } = build();
  const step = makeStep(net, x, y);
  const times: Record<string, number[]> = {};
  const failed: Record<string, string> = {};
  for (let r = -1; r < rounds; r++) {
    for (const v of variants) {
      if (failed[v]) continue;
      useKernels(v);
      try {
        const t0 = performance.now();
        for (let i = 0; i < stepsPerRound; i++) step();
        if (r >= 0) (times[v] ??= []).push((performance.now() - t0) / stepsPerRound);
      } catch (e) {
        failed[v] = /not registered/.test((e as Error).message) ? 'fails (kernel missing)' : `fails: ${(e as Error).message.split('\n')[0].slice(0, 50)}`;
      }
    }
  }
  useKernels('dlts');
  const sps = (v: Variant) => (failed[v] ? failed[v] : times[v] ? (batch / best(times[v])) * 1000 : undefined);
  // cpu: same data, fresh variables on the cpu backend.
  let cpu: number | string = `~${(cpuEstimateMs / 1000).toFixed(0)} s/step (est.)`;
  if (CPU_ALL || cpuEstimateMs < 5000) {
    const xV = x.dataSync().slice();
    const yV = y.dataSync().slice();
    const varsV = net.vars.map((v) => v.dataSync().slice());
    await tf.setBackend('cpu');
    const cpuNet = build();
    cpuNet.net.vars.forEach((v, i) => v.assign(tf.tensor(varsV[i], v.shape)));
    const cpuStep = makeStep(cpuNet.net, tf.tensor(xV, x.shape), tf.tensor(yV, y.shape));
    cpuStep();
    const t0 = performance.now();
    const n = cpuEstimateMs < 1000 ? 3 : 1;
    for (let i = 0; i < n; i++) cpuStep();
    cpu = (batch / ((performance.now() - t0) / n)) * 1000;
    cpuNet.net.vars.forEach((v) => v.dispose());
    await tf.setBackend('wasm');
  }
  tf.dispose([x, y]);
  net.vars.forEach((v) => v.dispose());
  const fmtS = (s: number | string | undefined) => (typeof s === 'number' ? s.toFixed(0) : s ?? '');
  const stock = sps('stock');
  const fo = sps('filterOnly');
  const dl = sps('dlts');
  return [label, fmtS(stock), variants.includes('filterOnly') ? fmtS(fo) : 'n/a', fmtS(dl), fmtS(cpu)];
}

{
  const rows: string[][] = [];
  const rounds = QUICK ? 3 : 5;
  rows.push(
    await trainingRow(
      'dense 784-512-10, batch 128',
      () => ({
        net: denseNet(),
        x: tf.randomUniform([128, 784], 0, 1, 'float32', 1),
        y: tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10),
        batch: 128,
      }),
      ['stock', 'dlts'],
      10,
      rounds,
      1200,
    ),
  );
  rows.push(
    await trainingRow(
      'MNIST convnet (32-64-64 conv, dense 64-10), batch 64',
      () => ({
        net: convNet([28, 28, 1], [32, 64, 64], [true, true, false], 64, 10),
        x: tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 3),
        y: tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 4), 10),
        batch: 64,
      }),
      ['stock', 'filterOnly', 'dlts'],
      3,
      rounds,
      60_000,
    ),
  );
  if (!QUICK) {
    rows.push(
      await trainingRow(
        'cats-vs-dogs convnet (32-64-128-128 conv, dense 512-1), 150x150x3, batch 20',
        () => ({
          net: convNet([150, 150, 3], [32, 64, 128, 128], [true, true, true, true], 512, 1),
          x: tf.randomUniform([20, 150, 150, 3], 0, 1, 'float32', 5),
          y: tf.cast(tf.randomUniform([20, 1], 0, 2, 'int32', 6), 'float32'),
          batch: 20,
        }),
        ['stock', 'filterOnly', 'dlts'],
        1,
        3,
        600_000,
      ),
    );
  }
  console.log('## Training step: forward + tf.variableGrads + SGD (samples/s, higher is better)\n');
  console.log(
    table(['model', 'wasm stock', 'wasm stock + dlts Conv2DBackpropFilter only', 'wasm dlts (all kernels)', 'cpu'], rows),
  );
  console.log();
}
