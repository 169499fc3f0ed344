/**
 * Benchmark of the native backend against its peers, side by side in one run: the same data
 * (Fashion-MNIST from Debian's dataset-fashion-mnist), models, batch sizes and optimizer
 * (RMSprop, Keras defaults) in
 *
 *   dlts-native       @dlts/layers on @dlts/backend-native (oneDNN)
 *   dlts-wasm         @dlts/layers on tfjs-backend-wasm with dlts's training kernels
 *   tfjs-layers-wasm  @tensorflow/tfjs-layers on the same wasm backend (stock wasm cannot train
 *                     a convnet: it lacks Conv2DBackpropFilter)
 *   pytorch           PyTorch (Debian python3-torch), torch.set_num_threads(cores)
 *
 * for: ch02 (the dense network: the course's fit, 5 epochs, batch 128; throughput over the whole
 * fit, first epoch and its JIT warm-up included), ch04 (the MNIST convnet, one epoch, batch 64), vgg16 (the VGG16 convolutional base, forward, 150x150, batch 8) and kernels (GEMM
 * and convolution GFLOP/s of the native backend, numpy and PyTorch). Each measurement runs in a
 * fresh process; the table gives throughput and the ratio to PyTorch.
 *
 *   pnpm --filter @dlts/bench native [-- --what ch02,ch04,vgg16,kernels --modes ... --epochs E --repeat R --wasm-samples 6400]
 *
 * PyTorch is not a dependency: install it by hand (`apt-get install python3-torch python3-numpy
 * libopenblas0-openmp`). Its environment here follows what makes it fast on Debian: the OpenMP
 * build of OpenBLAS (the pthread one oversubscribes the cores), glibc malloc thresholds raised
 * (fresh memory is expensive), and OPENBLAS_CORETYPE=SKYLAKEX when the environment sets none
 * (OpenBLAS 0.3.21 does not recognise newer Xeons and falls back to slow generic kernels).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { tf } from '@dlts/tensors';

const here = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    child: { type: 'string' },
    mode: { type: 'string' },
    what: { type: 'string', default: 'ch02,ch04,vgg16,kernels' },
    modes: { type: 'string', default: 'dlts-native,dlts-wasm,tfjs-layers-wasm,pytorch' },
    samples: { type: 'string', default: '60000' },
    'wasm-samples': { type: 'string', default: '6400' },
    'vgg-batches': { type: 'string', default: '5' },
    python: { type: 'string', default: '/usr/bin/python3' },
    repeat: { type: 'string', default: '1' },
    epochs: { type: 'string' },
  },
});

/**
 * Epochs trained per measurement: `--epochs`, or the course's 5 for ch02 (its fit, warm-up of the
 * JavaScript JIT included) and 1 for ch04 (938 steps per epoch already).
 */
function epochsFor(what: string): number {
  if (values.epochs !== undefined) return Number(values.epochs);
  return what === 'ch02' ? 5 : 1;
}

interface Result {
  mode: string;
  what: string;
  samples?: number;
  seconds?: number;
  samplesPerSecond?: number;
  loss?: number;
  accuracy?: number;
  kernels?: Record<string, { ms: number; gflops: number }>;
  /** CPU time of the process during the measurement (all threads). */
  cpuSeconds?: number;
  /** Seconds of each epoch (ch02, ch04). */
  epochSeconds?: number[];
  note?: string;
}

type Mode = 'dlts-native' | 'dlts-wasm' | 'tfjs-layers-wasm' | 'tfjs-layers-native' | 'pytorch';

async function childRun(what: string, mode: Mode, samples: number): Promise<Result> {
  const tensors = await import('@dlts/tensors');
  const { tf } = tensors;
  await tensors.initBackend(mode.includes('native') ? 'native' : 'wasm', { log: false });
  if (what === 'kernels') return kernelRun(mode);
  const tfl = mode.startsWith('tfjs-layers') ? await import('@tensorflow/tfjs-layers') : undefined;
  if (what === 'vgg16') {
    const batches = Number(values['vgg-batches']);
    const x = tf.mul(tf.randomUniform([8, 150, 150, 3]), 255);
    let predict: () => tf.Tensor;
    if (tfl) {
      const m = tfl.sequential();
      let first = true;
      for (const [filters, convs] of [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]]) {
        for (let i = 0; i < convs; i++) {
          m.add(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...(first ? { inputShape: [150, 150, 3] } : {}) }));
          first = false;
        }
        m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
      }
      predict = () => m.predict(x) as tf.Tensor;
    } else {
      const { buildVgg16Base } = await import('./models');
      const m = buildVgg16Base(150);
      predict = () => m.predict(x) as tf.Tensor;
    }
    const run = () => {
      const y = predict();
      y.dataSync();
      y.dispose();
    };
    run();
    const start = performance.now();
    for (let i = 0; i < batches; i++) run();
    const seconds = (performance.now() - start) / 1000;
    return { mode, what, samples: 8 * batches, seconds, samplesPerSecond: (8 * batches) / seconds };
  }
  const { fashionMnist } = await import('./fashion');
  const data = fashionMnist(samples);
  const dense = what === 'ch02';
  const batchSize = dense ? 128 : 64;
  const x = tf.tensor(data.x, dense ? [samples, 784] : [samples, 28, 28, 1]);
  const y = tensors.toCategorical(tf.tensor1d(data.labels, 'int32'), 10);
  tensors.setSeed(1);
  const warmX = tf.slice(x, 0, batchSize * 3);
  const warmY = tf.slice(y, 0, batchSize * 3);
  const epochs = epochsFor(what);
  // Epoch ends, for the seconds of each epoch (the measured fit starts at `start`).
  const ends: number[] = [];
  let fit: () => Promise<{ loss: number; accuracy: number }>;
  if (tfl) {
    const m = dense
      ? tfl.sequential({ layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] })
      : tfl.sequential({
          layers: [
            tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
            tfl.layers.maxPooling2d({ poolSize: 2 }),
            tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
            tfl.layers.maxPooling2d({ poolSize: 2 }),
            tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
            tfl.layers.flatten(),
            tfl.layers.dense({ units: 64, activation: 'relu' }),
            tfl.layers.dense({ units: 10, activation: 'softmax' }),
          ],
        });
    m.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(warmX, warmY, { epochs: 1, batchSize, verbose: 0 });
    fit = async () => {
      const h = await m.fit(x, y, { epochs, batchSize, verbose: 0, shuffle: true, callbacks: { onEpochEnd: async () => void ends.push(performance.now()) } });
      return { loss: h.history.loss[epochs - 1] as number, accuracy: (h.history.acc ?? h.history.accuracy)[epochs - 1] as number };
    };
  } else {
    const { buildModel } = await import('./models');
    const { LambdaCallback } = await import('@dlts/layers');
    const m = buildModel(dense ? 'dense' : 'convnet');
    await m.fit(warmX, warmY, { epochs: 1, batchSize, verbose: 0 });
    fit = async () => {
      const h = await m.fit(x, y, { epochs, batchSize, verbose: 0, callbacks: [new LambdaCallback({ onEpochEnd: () => void ends.push(performance.now()) })] });
      return { loss: h.history.loss[epochs - 1], accuracy: h.history.accuracy[epochs - 1] };
    };
  }
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const { loss, accuracy } = await fit();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const epochSeconds = ends.map((t, i) => (t - (i === 0 ? start : ends[i - 1])) / 1000);
  return { mode, what, samples: samples * epochs, seconds, samplesPerSecond: (samples * epochs) / seconds, loss, accuracy, cpuSeconds: (cpu.user + cpu.system) / 1e6, epochSeconds };
}

/** GEMM and convolution GFLOP/s through tfjs ops on the active backend (output allocation included). */
async function kernelRun(mode: Mode): Promise<Result> {
  const { tf } = await import('@dlts/tensors');
  const out: Record<string, { ms: number; gflops: number }> = {};
  const timed = (name: string, flops: number, reps: number, fn: () => tf.Tensor) => {
    tf.dispose(fn());
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      for (let i = 0; i < reps; i++) {
        const t = fn();
        t.dataSync();
        t.dispose();
      }
      best = Math.min(best, (performance.now() - start) / reps);
    }
    out[name] = { ms: best, gflops: flops / (best / 1000) / 1e9 };
  };
  const wasm = mode.endsWith('wasm');
  for (const [m, k, n] of [
    [1024, 1024, 1024],
    [128, 784, 512],
    [784, 128, 512],
  ]) {
    const a = tf.randomUniform([m, k]);
    const b = tf.randomUniform([k, n]);
    timed(`matmul ${m}x${k}x${n}`, 2 * m * k * n, wasm ? 3 : 20, () => tf.matMul(a, b));
    tf.dispose([a, b]);
  }
  for (const [name, [nb, h, ci, co]] of Object.entries({
    'vgg block2 conv': [8, 75, 64, 128],
    'vgg block3 conv': [8, 37, 128, 256],
    'mnist conv2': [64, 13, 32, 64],
  })) {
    const x = tf.randomUniform([nb, h, h, ci]) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, ci, co]) as tf.Tensor4D;
    timed(`conv2d ${name} ${nb}x${h}x${h}x${ci}->${co}`, 2 * nb * h * h * co * ci * 9, wasm ? 2 : 10, () => tf.conv2d(x, w, 1, 'same'));
    tf.dispose([x, w]);
  }
  return { mode, what: 'kernels', kernels: out };
}

function runPython(what: string, samples: number): Result {
  const script = join(here, 'torch_bench.py');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '33554432',
    MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? '4294967296',
    OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'SKYLAKEX',
  };
  const openmp = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
  if (existsSync(openmp)) env.LD_LIBRARY_PATH = [openmp, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const args = [script, what, '--samples', String(what === 'vgg16' ? Number(values['vgg-batches']) : samples), '--epochs', String(epochsFor(what)), '--threads', String(cpus().length)];
  const outText = execFileSync(values.python!, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const line = outText.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from PyTorch (${what})`);
  return { ...(JSON.parse(line.slice(7)) as Result), mode: 'pytorch', what };
}

function runChild(what: string, mode: Mode, samples: number): Result {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], '--child', what, '--mode', mode, '--samples', String(samples), '--vgg-batches', values['vgg-batches']!, '--epochs', String(epochsFor(what))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from ${mode} (${what})`);
  return JSON.parse(line.slice(7)) as Result;
}

/** Adds `r` to `results`, or keeps the better of it and the earlier run of the same what and mode. */
function keepBest(results: Result[], r: Result): void {
  const i = results.findIndex((p) => p.what === r.what && p.mode === r.mode);
  if (i < 0) {
    results.push(r);
  } else if (r.kernels) {
    for (const [k, v] of Object.entries(r.kernels)) if (!(results[i].kernels![k]?.gflops >= v.gflops)) results[i].kernels![k] = v;
  } else if (r.samplesPerSecond! > results[i].samplesPerSecond!) {
    results[i] = r;
  }
}

async function main() {
  if (values.child) {
    const r = await childRun(values.child, values.mode as Mode, Number(values.samples));
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
    return;
  }
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; load average at start ${load()}`);
  const results: Result[] = [];
  /** Every run, with its round: the ratio to PyTorch within each round (runs next to each other). */
  const runs: (Result & { round: number })[] = [];
  const modes = values.modes!.split(',') as Mode[];
  const repeat = Number(values.repeat);
  // Each round runs every mode once (interleaved), so that a burst of load hits all of them; the
  // best of the rounds is kept (the least disturbed run).
  for (let round = 0; round < repeat; round++) {
    for (const what of values.what!.split(',')) {
      for (const mode of modes) {
        if (mode.endsWith('wasm') && round > 0) continue; // the wasm runs are long: once
        const slow = mode.endsWith('wasm') && what !== 'ch02';
        const samples = slow ? Number(values['wasm-samples']) : Number(values.samples);
        try {
          const r = mode === 'pytorch' ? runPython(what, samples) : runChild(what, mode, samples);
          keepBest(results, r);
          if (r.samplesPerSecond !== undefined) runs.push({ ...r, round });
          if (r.kernels) {
            for (const [k, v] of Object.entries(r.kernels)) console.log(`${what} ${mode.padEnd(18)} ${k.padEnd(44)} ${v.ms.toFixed(2).padStart(9)} ms ${v.gflops.toFixed(1).padStart(7)} GFLOP/s`);
          } else {
            const epochs = r.epochSeconds && r.epochSeconds.length > 1 ? `; epochs ${r.epochSeconds.map((e) => e.toFixed(2)).join(', ')} s` : '';
            const extra = (r.loss !== undefined ? ` (loss ${r.loss.toFixed(4)}, accuracy ${r.accuracy?.toFixed(4)})` : '') + epochs;
            console.log(`${what} ${mode.padEnd(18)} ${r.samples} samples in ${r.seconds!.toFixed(2)} s: ${r.samplesPerSecond!.toFixed(1)}/s${extra} [load ${load()}]`);
          }
        } catch (error) {
          console.log(`${what} ${mode}: failed (${(error as Error).message.split('\n')[0]})`);
        }
      }
    }
  }
  console.log(`\nLoad average at the end: ${load()}\n`);
  const titles: Record<string, string> = { ch02: 'ch02 dense, samples/s', ch04: 'ch04 convnet, samples/s', vgg16: 'VGG16 base forward, images/s' };
  const shown = modes.filter((m) => m !== 'pytorch');
  console.log(`| benchmark | ${shown.join(' | ')} | pytorch | ${shown.map((m) => `${m} / pytorch`).join(' | ')} |`);
  console.log(`|---|${shown.map(() => '---|').join('')}---|${shown.map(() => '---|').join('')}`);
  for (const what of Object.keys(titles)) {
    const get = (mode: string) => results.find((r) => r.what === what && r.mode === mode)?.samplesPerSecond;
    const torch = get('pytorch');
    if (shown.every((m) => get(m) === undefined)) continue;
    const cell = (v: number | undefined) => (v === undefined ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
    const ratio = (v: number | undefined) => (v === undefined || torch === undefined ? 'n/a' : `${(v / torch).toFixed(2)}x`);
    console.log(`| ${titles[what]} | ${shown.map((m) => cell(get(m))).join(' | ')} | ${cell(torch)} | ${shown.map((m) => ratio(get(m))).join(' | ')} |`);
  }
  if (repeat > 1) {
    // Best against best can pair a lucky run with an unlucky one; the ratios of runs made next to
    // each other (same round), and their median, show how steady the comparison is.
    for (const what of Object.keys(titles)) {
      for (const mode of shown) {
        const ratios: number[] = [];
        for (let round = 0; round < repeat; round++) {
          const mine = runs.find((r) => r.what === what && r.mode === mode && r.round === round);
          const torch = runs.find((r) => r.what === what && r.mode === 'pytorch' && r.round === round);
          if (mine && torch) ratios.push(mine.samplesPerSecond! / torch.samplesPerSecond!);
        }
        if (ratios.length < 2) continue;
        const sorted = [...ratios].sort((a, b) => a - b);
        const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        console.log(`${titles[what]}: ${mode} / pytorch per round ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; median ${median.toFixed(2)}x`);
      }
    }
  }
  const kernelRows = results.filter((r) => r.kernels);
  if (kernelRows.length > 0) {
    console.log('\n| kernel | ' + kernelRows.map((r) => r.mode).join(' | ') + ' |');
    console.log('|---|' + kernelRows.map(() => '---|').join(''));
    const names = new Set<string>();
    for (const r of kernelRows) for (const k of Object.keys(r.kernels!)) names.add(k.replace(/^(numpy|torch) /, ''));
    for (const name of names) {
      const cells = kernelRows.map((r) => {
        const entries = Object.entries(r.kernels!).filter(([k]) => k.replace(/^(numpy|torch) /, '') === name);
        return entries.length === 0 ? 'n/a' : entries.map(([k, v]) => `${v.gflops.toFixed(1)}${k.startsWith('numpy') ? ' (numpy)' : ''}`).join(' / ');
      });
      console.log(`| ${name} GFLOP/s | ${cells.join(' | ')} |`);
    }
  }
}

await main();
