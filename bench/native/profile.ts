/**
 * Where a training step spends its time on a backend: wraps every kernel of the backend with a
 * timer, trains a few hundred steps, prints the kernels by total time.
 *
 *   tsx --conditions=@dlts/source native/profile.ts [--model dense|convnet] [--backend native] [--steps 200]
 */
import { parseArgs } from 'node:util';
import { initBackend, setSeed, tf, toCategorical } from '@dlts/tensors';
import { fashionMnist } from './fashion';
import { buildModel, type ModelName } from './models';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    model: { type: 'string', default: 'dense' },
    backend: { type: 'string', default: 'native' },
    steps: { type: 'string', default: '200' },
  },
});
const model = values.model as ModelName;
await initBackend(values.backend as 'native');
const backendName = tf.getBackend();
const timing = new Map<string, { ms: number; calls: number }>();
for (const config of tf.getKernelsForBackend(backendName)) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, backendName);
  tf.registerKernel({
    ...config,
    kernelFunc: ((args: never) => {
      const t0 = performance.now();
      const out = inner(args);
      const dt = performance.now() - t0;
      const t = timing.get(config.kernelName) ?? { ms: 0, calls: 0 };
      t.ms += dt;
      t.calls++;
      timing.set(config.kernelName, t);
      return out;
    }) as typeof inner,
  });
}

const steps = Number(values.steps);
const batchSize = model === 'dense' ? 128 : 64;
const n = steps * batchSize;
const data = fashionMnist(n);
const x = tf.tensor(data.x, model === 'dense' ? [n, 784] : [n, 28, 28, 1]);
const y = toCategorical(tf.tensor1d(data.labels, 'int32'), 10);
setSeed(1);
const m = buildModel(model);
await m.fit(tf.slice(x, 0, batchSize * 4), tf.slice(y, 0, batchSize * 4), { epochs: 1, batchSize, verbose: 0 });
timing.clear();
const t0 = performance.now();
await m.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
const total = performance.now() - t0;
const kernelMs = [...timing.values()].reduce((s, t) => s + t.ms, 0);
console.log(`${model} on ${backendName}: ${steps} steps in ${total.toFixed(0)} ms = ${(total / steps).toFixed(2)} ms/step, ${((n / total) * 1000).toFixed(0)} samples/s; kernels ${(kernelMs / steps).toFixed(2)} ms/step, other ${((total - kernelMs) / steps).toFixed(2)} ms/step`);
for (const [name, t] of [...timing].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(`${name.padEnd(24)} ${(t.ms / steps).toFixed(3).padStart(8)} ms/step ${String(t.calls / steps).padStart(6)} calls/step`);
}
