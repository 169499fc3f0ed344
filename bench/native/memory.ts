/**
 * Memory over a long fit on the native backend: tensors, bytes, the backend's data entries, the
 * buffer pool and the process RSS after every epoch. All of them must level off (no leak).
 *
 *   pnpm --filter @dlts/bench native-memory [-- --model dense|convnet --epochs 20 --samples 12800]
 */
import { parseArgs } from 'node:util';
import { initBackend, setSeed, tf, toCategorical } from '@dlts/tensors';
import { fashionMnist } from './fashion';
import { buildModel, type ModelName } from './models';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    model: { type: 'string', default: 'dense' },
    epochs: { type: 'string', default: '20' },
    samples: { type: 'string', default: '12800' },
  },
});
const model = values.model as ModelName;
const samples = Number(values.samples);
await initBackend('native');
setSeed(1);
const data = fashionMnist(samples);
const x = tf.tensor(data.x, model === 'dense' ? [samples, 784] : [samples, 28, 28, 1]);
const y = toCategorical(tf.tensor1d(data.labels, 'int32'), 10);
const m = buildModel(model);
const backend = tf.backend() as unknown as { numDataIds(): number; poolStats(): { pooledBytes: number; reused: number; allocated: number } };
const mb = (n: number) => (n / 2 ** 20).toFixed(1);
const rows: { tensors: number; rss: number }[] = [];
console.log('epoch  tensors  tensorMB  dataIds  poolMB  poolAllocated  rssMB  loss');
for (let epoch = 0; epoch < Number(values.epochs); epoch++) {
  const h = await m.fit(x, y, { epochs: 1, batchSize: model === 'dense' ? 128 : 64, verbose: 0 });
  if (global.gc) global.gc();
  const mem = tf.memory();
  const pool = backend.poolStats();
  const rss = process.memoryUsage().rss;
  rows.push({ tensors: mem.numTensors, rss });
  console.log(
    `${String(epoch + 1).padStart(5)}  ${String(mem.numTensors).padStart(7)}  ${mb(mem.numBytes).padStart(8)}  ${String(backend.numDataIds()).padStart(7)}  ${mb(pool.pooledBytes).padStart(6)}  ${String(pool.allocated).padStart(13)}  ${mb(rss).padStart(5)}  ${h.history.loss[0].toFixed(4)}`,
  );
}
const first = rows[1] ?? rows[0];
const last = rows[rows.length - 1];
const leak = last.tensors !== first.tensors;
const growth = (last.rss - first.rss) / 2 ** 20;
console.log(`\ntensors ${first.tensors} -> ${last.tensors}${leak ? ' (LEAK)' : ' (constant)'}; RSS ${mb(first.rss)} -> ${mb(last.rss)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB after epoch 2)`);
process.exitCode = leak ? 1 : 0;
