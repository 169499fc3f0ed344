/**
 * Benchmark: the chapter-4 image pipeline. Augmented 150 x 150 batches per second from
 * `flowFromDirectory` (decode + resize + the course's augmentation + rescale) on one and on two
 * cores, against the training step of the chapter's convnet on the same machine, against Keras's
 * algorithm (Pillow decode + scipy `affine_transform`, as Keras runs it) on the same JPEGs, and
 * the end-to-end check: `fit` fed by the generator versus `fit` fed from memory.
 *
 *   pnpm --filter @dlts/bench image-pipeline [-- --per-class 250 --batches 20 --steps 6 --dir /tmp/dlts-bench-images]
 *
 * Needs Debian's python3-pil, python3-scipy and python3-numpy (bench only). Each measurement runs
 * in a fresh process pinned with `taskset` (1 core: `-c 0`, 2 cores: `-c 0,1`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    dir: { type: 'string', default: join(tmpdir(), 'dlts-bench-images') },
    'per-class': { type: 'string', default: '250' },
    batches: { type: 'string', default: '20' },
    'batch-size': { type: 'string', default: '32' },
    steps: { type: 'string', default: '6' },
    backends: { type: 'string', default: 'wasm' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});

const here = new URL('.', import.meta.url).pathname;
const dir = values.dir!;
const perClass = Number(values['per-class']);
const batchSize = values['batch-size']!;
const cores = [1, 2].filter((c) => c <= availableParallelism());
const taskset = (n: number) => ['taskset', '-c', Array.from({ length: n }, (_, i) => i).join(',')];

function lastJson(out: string): Record<string, number & string & Record<string, number>> {
  const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON in output:\n${out}`);
  return JSON.parse(line);
}

function node(n: number, args: string[]) {
  const [cmd, ...pre] = taskset(n);
  const out = execFileSync(cmd, [...pre, process.execPath, '--import', 'tsx', '--conditions=@dlts/source', join(here, 'image', 'worker.ts'), ...args], {
    cwd: here,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return lastJson(out);
}

function python(n: number, args: string[]) {
  const [cmd, ...pre] = taskset(n);
  return lastJson(execFileSync(cmd, [...pre, values.python!, join(here, 'image', 'keras_pipeline.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

const started = Date.now();
if (!existsSync(join(dir, 'dogs', `dog.${perClass}.jpg`))) {
  console.log(`Writing ${2 * perClass} JPEGs to ${dir} ...`);
  execFileSync(values.python!, [join(here, 'image', 'make_dataset.py'), dir, String(perClass)], { stdio: 'inherit' });
}
console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const parityFile = join(tmpdir(), `dlts-bench-parity-${process.pid}.bin`);
const rows: string[][] = [];
const flows: Record<number, Record<string, number>> = {};
for (const n of cores) {
  const ours = node(n, ['flow', '--dir', dir, '--batches', values.batches!, '--batch-size', batchSize, ...(n === 1 ? ['--parity', parityFile, '--parity-count', '64'] : [])]);
  flows[n] = ours;
  const keras = python(n, ['--dir', dir, '--batches', values.batches!, '--batch-size', batchSize, '--workers', String(n), ...(n === 1 ? ['--parity', parityFile] : [])]);
  rows.push([
    `${n} core${n > 1 ? 's' : ''}`,
    ours.batchesPerSecond.toFixed(2),
    (ours.mainThreadSecondsPerBatch * 1000).toFixed(0),
    keras.batchesPerSecond.toFixed(2),
    (ours.batchesPerSecond / keras.batchesPerSecond).toFixed(2),
  ]);
  if (n === 1) {
    console.log(
      `Per image, one thread: decode + resize ${ours.decodeMsPerImage.toFixed(1)} ms (Pillow ${keras.decodeMsPerImage.toFixed(1)} ms), ` +
        `augmentation ${ours.augmentMsPerImage.toFixed(1)} ms (scipy ${keras.augmentMsPerImage.toFixed(1)} ms)`,
    );
    const p = keras.parity as unknown as Record<string, number>;
    console.log(`Pixels of dlts's imageLoad vs Keras's load_img (Pillow ${keras.versions.pillow}) on ${p.images} of these JPEGs at 150 x 150: max |diff| ${p.maxAbsDiff}, ${p.differingValues} of ${p.values} values differ`);
  }
}

const steps: Record<string, number> = {};
for (const backend of values.backends!.split(',')) {
  for (const n of cores) {
    const r = node(n, ['train', '--backend', backend, '--steps', '3', '--batch-size', batchSize]);
    steps[`${r.backend}/${n}`] = r.stepSeconds;
  }
}

const fedCores = cores[cores.length - 1];
const fed = node(fedCores, ['fed', '--dir', dir, '--backend', values.backends!.split(',')[0], '--steps', values.steps!, '--batch-size', batchSize]);

console.log(`\n## Image pipeline (batch ${batchSize}, 150 x 150, the course's augmentation + rescale)\n`);
console.log('| cores | dlts flowFromDirectory batches/s | dlts main-thread ms/batch | Keras algorithm (Pillow + scipy) batches/s | dlts / Keras |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log('\n| training step of the chapter convnet (3,453,121 params, batch ' + batchSize + ') | seconds | batches/s the trainer consumes |');
console.log('|---|---|---|');
for (const [k, s] of Object.entries(steps)) console.log(`| ${k.replace('/', ', ')} core(s) | ${s.toFixed(2)} | ${(1 / s).toFixed(2)} |`);
console.log(
  `\nfit for ${fed.steps} steps on ${fed.backend}, ${fedCores} core(s): fed by flowFromDirectory ${fed.generatorSeconds.toFixed(1)} s, ` +
    `fed from memory ${fed.memorySeconds.toFixed(1)} s (generator overhead ${(fed.overhead * 100).toFixed(1)}%).`,
);
console.log(`\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
