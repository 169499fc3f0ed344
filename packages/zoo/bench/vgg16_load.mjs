/* global process, console, performance */
/**
 * How long building VGG16 and loading a 58.9 MB Keras weights file take, and the process's peak
 * memory, on the built packages in plain Node (what users run). From packages/zoo, after
 * `npx tsup` in packages/tensors, packages/layers and packages/zoo:
 *
 *   node bench/vgg16_load.mjs [weights.h5] [--backend wasm|cpu|tensorflow]
 *
 * Default file: ../shared/data/fixtures/vgg16_notop_keras1.h5 (Keras's notop layout, 58.9 MB).
 * (Under tsx the numbers are not representative: tsx transforms h5wasm's 4 MB inlined-wasm
 * module, which alone costs about 600 MB.)
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@dlts/tensors';
import { loadWeightsHdf5 } from '@dlts/layers';
import { vgg16 } from '@dlts/zoo';

const { values, positionals } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' } }, allowPositionals: true });
const shared = process.env.DLTS_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const file = positionals[0] ?? join(shared, 'fixtures', 'vgg16_notop_keras1.h5');
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const peak = () => process.resourceUsage().maxRSS * 1024;
const rss = () => process.memoryUsage().rss;

await initBackend(values.backend, { log: false });
console.log(`backend ${tf.getBackend()}, file ${file} (${mb(statSync(file).size)})`);
console.log(`start: rss ${mb(rss())}`);

let t = performance.now();
const base = await vgg16({ includeTop: false, weights: null, inputShape: [150, 150, 3] });
console.log(`vgg16({weights: null}) built in ${((performance.now() - t) / 1000).toFixed(2)} s; rss ${mb(rss())}, peak ${mb(peak())}`);
const beforeLoad = peak();

t = performance.now();
await loadWeightsHdf5(base, file);
console.log(`first loadWeightsHdf5 (starts h5wasm) in ${((performance.now() - t) / 1000).toFixed(2)} s; rss ${mb(rss())}, peak ${mb(peak())} (+${mb(peak() - beforeLoad)})`);

t = performance.now();
await loadWeightsHdf5(base, file);
console.log(`second loadWeightsHdf5 in ${((performance.now() - t) / 1000).toFixed(2)} s; peak ${mb(peak())}`);
base.dispose();

t = performance.now();
const again = await vgg16({ includeTop: false, weights: file, inputShape: [150, 150, 3] });
console.log(`vgg16({weights: file}) in ${((performance.now() - t) / 1000).toFixed(2)} s; peak ${mb(peak())}`);
again.dispose();
