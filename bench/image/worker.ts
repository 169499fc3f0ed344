/**
 * One measurement of bench/image-pipeline.ts, in its own process (so the parent can pin it to
 * one or two cores with taskset). Prints one JSON object on the last line of stdout.
 *
 *   worker.ts flow  --dir DIR --batches K --batch-size 32 --prefetch 2 [--workers N] [--parity FILE --parity-count N]
 *   worker.ts train --backend wasm --steps S --batch-size 32
 *   worker.ts fed   --dir DIR --backend wasm --steps S --batch-size 32
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { imageDataGenerator, imageLoad, type ImageBatch } from '@dlts/image';
import { conv2d, dense, dropout, flatten, maxPooling2d, rmsprop, sequential } from '@dlts/layers';
import { backendInfo, initBackend, setSeed, tf } from '@dlts/tensors';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    batches: { type: 'string', default: '20' },
    'batch-size': { type: 'string', default: '32' },
    prefetch: { type: 'string', default: '2' },
    workers: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '5' },
    parity: { type: 'string' },
    'parity-count': { type: 'string', default: '0' },
  },
});
const mode = positionals[0];
const batchSize = Number(values['batch-size']);

/** The course's augmentation (the `augment` subcommand's generator). */
const AUGMENT = { rescale: 1 / 255, rotationRange: 40, widthShiftRange: 0.2, heightShiftRange: 0.2, shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true };

function quietly<T>(fn: () => T): T {
  const log = console.log;
  console.log = () => undefined;
  try {
    return fn();
  } finally {
    console.log = log;
  }
}

function model() {
  const m = sequential([
    conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [150, 150, 3] }),
    maxPooling2d({ poolSize: [2, 2] }),
    conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
    maxPooling2d({ poolSize: [2, 2] }),
    conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu' }),
    maxPooling2d({ poolSize: [2, 2] }),
    conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu' }),
    maxPooling2d({ poolSize: [2, 2] }),
    flatten(),
    dropout({ rate: 0.5 }),
    dense({ units: 512, activation: 'relu' }),
    dense({ units: 1, activation: 'sigmoid' }),
  ]);
  m.compile({ loss: 'binary_crossentropy', optimizer: rmsprop({ learningRate: 1e-4 }), metrics: ['acc'] });
  return m;
}

async function flow() {
  await initBackend('wasm', { log: false });
  const gen = imageDataGenerator(AUGMENT);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const it = quietly(() => gen.flowFromDirectory(values.dir!, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: 1, prefetch: Number(values.prefetch), workers }));
  const take = async () => tf.dispose((await it.next()).value as tf.Tensor[]);
  await take();
  const k = Number(values.batches);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < k; i++) await take();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  // Per-image costs on one thread: decode + resize (sharp + Pillow's nearest), then augmentation (JS).
  const files = it.filepaths.slice(0, 64);
  for (const f of files.slice(0, 8)) await imageLoad(f, { targetSize: [150, 150] }); // warm the JIT
  let t = performance.now();
  const images = [];
  for (const f of files) images.push(await imageLoad(f, { targetSize: [150, 150] }));
  const decodeMs = (performance.now() - t) / files.length;
  t = performance.now();
  for (const img of images) gen.transformPixels(Float32Array.from(img.data), [150, 150, 3], gen.getRandomTransform([150, 150, 3]));
  const augmentMs = (performance.now() - t) / images.length;
  const count = Number(values['parity-count']);
  if (values.parity && count > 0) {
    const all = quietly(() => imageDataGenerator().flowFromDirectory(values.dir!, { targetSize: [150, 150], shuffle: false }));
    const buf = new Uint8Array(count * 150 * 150 * 3);
    for (let i = 0; i < count; i++) buf.set((await imageLoad(all.filepaths[i], { targetSize: [150, 150] })).data, i * 150 * 150 * 3);
    writeFileSync(values.parity, buf);
  }
  // Main-thread busy time per batch is what the flow takes away from a trainer on that thread.
  return {
    batchesPerSecond: k / seconds,
    mainThreadSecondsPerBatch: elu.active / 1000 / k,
    cpuSecondsPerBatch: (cpu.user + cpu.system) / 1e6 / k,
    decodeMsPerImage: decodeMs,
    augmentMsPerImage: augmentMs,
  };
}

async function train() {
  await initBackend(values.backend as 'wasm', { log: false });
  setSeed(1);
  const m = model();
  const x = tf.randomUniform([batchSize, 150, 150, 3], 0, 1, 'float32', 1);
  const y = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 2));
  const times: number[] = [];
  for (let s = 0; s <= Number(values.steps); s++) {
    const t = performance.now();
    m.trainOnBatch(x, y);
    if (s > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { backend: backendInfo().backend, stepSeconds: times[times.length >> 1] / 1000 };
}

async function fed() {
  await initBackend(values.backend as 'wasm', { log: false });
  setSeed(1);
  const steps = Number(values.steps);
  const gen = imageDataGenerator(AUGMENT);
  const it = quietly(() => gen.flowFromDirectory(values.dir!, { targetSize: [150, 150], batchSize, classMode: 'binary', seed: 1 }));
  const m = model();
  m.trainOnBatch(tf.zeros([batchSize, 150, 150, 3]), tf.zeros([batchSize]));
  // Start the pipeline (workers, first batches) as an epoch already under way would have it.
  tf.dispose((await it.next()).value as tf.Tensor[]);
  const x = tf.randomUniform([batchSize, 150, 150, 3], 0, 1, 'float32', 2);
  const y = tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 2));
  const constant: AsyncIterator<ImageBatch> = { next: async () => ({ done: false, value: [tf.clone(x), tf.clone(y)] }) };
  const timed = async (source: AsyncIterator<ImageBatch>) => {
    const t = performance.now();
    await m.fit(source, undefined, { stepsPerEpoch: steps, epochs: 1, verbose: 0 });
    return (performance.now() - t) / 1000;
  };
  // From memory (no decoding, no augmentation), from the generator (decoding and augmenting
  // ahead of the trainer), from memory again: the two memory runs bracket the generator run.
  const before = await timed(constant);
  const generatorSeconds = await timed(it);
  const after = await timed(constant);
  const memorySeconds = (before + after) / 2;
  return { backend: backendInfo().backend, steps, generatorSeconds, memorySeconds, overhead: generatorSeconds / memorySeconds - 1 };
}

const run = { flow, train, fed }[mode as 'flow'];
if (!run) throw new Error(`worker: mode must be flow, train or fed. Received: ${mode}`);
console.log(JSON.stringify(await run()));
