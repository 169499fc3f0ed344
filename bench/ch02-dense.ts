/**
 * Benchmark: the chapter-2 network (784-512-10, rmsprop, categorical crossentropy, batch 128)
 * trained for one epoch on Fashion-MNIST by dlts and by @tensorflow/tfjs-layers, on the same
 * backend, in fresh child processes of the same run. Prints samples/s and the ratio.
 *
 *   pnpm --filter @dlts/bench ch02 [-- --samples 60000 --backends wasm,cpu --cpu-samples 6000]
 *
 * Modes: `dlts` (our engine, our wasm kernels), `tfjs-layers` (same process setup, so it also
 * gets our wasm kernels: a like-for-like engine comparison) and `tfjs-layers-stock` (tfjs-layers
 * on the unmodified wasm backend, as a user of TF.js has it today).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    mode: { type: 'string' },
    backend: { type: 'string' },
    samples: { type: 'string', default: '60000' },
    'cpu-samples': { type: 'string', default: '6000' },
    backends: { type: 'string', default: 'wasm,cpu' },
    'batch-size': { type: 'string', default: '128' },
  },
  allowPositionals: true,
});

interface Result {
  mode: string;
  backend: string;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  loss: number;
}

async function child(mode: string, backend: string, samples: number, batchSize: number): Promise<Result> {
  const tensors = await import('@dlts/tensors');
  const { tf } = tensors;
  if (mode === 'tfjs-layers-stock') {
    await import('@tensorflow/tfjs-backend-wasm');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend(backend);
    await tensors.ensureGradients();
  } else {
    await tensors.initBackend(backend as 'wasm' | 'cpu', { log: false });
  }
  const { loadFashionMnist } = await import('@dlts/datasets');
  const data = await loadFashionMnist();
  const x = tf.tidy(() => tf.div(tf.reshape(tf.cast(tf.slice(data.train.x, 0, samples), 'float32'), [samples, 784]), 255));
  const y = tensors.toCategorical(tf.slice(data.train.y, 0, samples), 10);
  tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  tensors.setSeed(1);

  let fit: () => Promise<number>;
  let warm: () => Promise<void>;
  if (mode === 'dlts') {
    const { sequential, dense } = await import('@dlts/layers');
    const m = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
    m.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const xw = tf.slice(x, 0, batchSize);
    const yw = tf.slice(y, 0, batchSize);
    warm = async () => void m.trainOnBatch(xw, yw);
    fit = async () => (await m.fit(x, y, { epochs: 1, batchSize, verbose: 0 })).history.loss[0];
  } else {
    const tfl = await import('@tensorflow/tfjs-layers');
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })],
    });
    m.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xw = tf.slice(x, 0, batchSize);
    const yw = tf.slice(y, 0, batchSize);
    warm = async () => void (await m.trainOnBatch(xw, yw));
    fit = async () => (await m.fit(x, y, { epochs: 1, batchSize, verbose: 0, shuffle: true })).history.loss[0] as number;
  }
  await warm();
  const start = performance.now();
  const loss = await fit();
  const seconds = (performance.now() - start) / 1000;
  return { mode, backend, samples, seconds, samplesPerSecond: samples / seconds, loss };
}

async function main() {
  if (values.mode) {
    const r = await child(values.mode, values.backend!, Number(values.samples), Number(values['batch-size']));
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
    return;
  }
  const results: Result[] = [];
  for (const backend of values.backends!.split(',')) {
    const samples = backend === 'cpu' ? Number(values['cpu-samples']) : Number(values.samples);
    for (const mode of ['tfjs-layers-stock', 'tfjs-layers', 'dlts']) {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, process.argv[1], '--mode', mode, '--backend', backend, '--samples', String(samples), '--batch-size', values['batch-size']!],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
      );
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`no result from ${mode} on ${backend}`);
      const r = JSON.parse(line.slice(7)) as Result;
      results.push(r);
      console.log(`${backend.padEnd(5)} ${mode.padEnd(18)} ${r.samples} samples in ${r.seconds.toFixed(1)} s: ${Math.round(r.samplesPerSecond)} samples/s (loss ${r.loss.toFixed(4)})`);
    }
  }
  console.log(`\nMachine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
  console.log('\n| backend | samples | tfjs-layers (stock wasm) | tfjs-layers (dlts kernels) | dlts | dlts / tfjs-layers (same kernels) | dlts / stock |');
  console.log('|---|---|---|---|---|---|---|');
  for (const backend of values.backends!.split(',')) {
    const get = (mode: string) => results.find((r) => r.backend === backend && r.mode === mode)!;
    const [stock, same, ours] = [get('tfjs-layers-stock'), get('tfjs-layers'), get('dlts')];
    console.log(
      `| ${backend} | ${ours.samples} | ${Math.round(stock.samplesPerSecond)}/s | ${Math.round(same.samplesPerSecond)}/s | ${Math.round(ours.samplesPerSecond)}/s | ${(ours.samplesPerSecond / same.samplesPerSecond).toFixed(2)}x | ${(ours.samplesPerSecond / stock.samplesPerSecond).toFixed(2)}x |`,
    );
  }
}

await main();
