import { dense, sequential } from '@dlts/layers';
import { initBackend, tf, setSeed } from '@dlts/tensors';
const b = process.argv[2] as 'wasm';
await initBackend(b, { log: false });
setSeed(1);
const m = sequential([dense({ units: 64, activation: 'relu', inputShape: [13] }), dense({ units: 64, activation: 'relu' }), dense({ units: 1 })]);
m.compile({ optimizer: 'rmsprop', loss: 'mse', metrics: ['mae'] });
const x = tf.randomNormal([303, 13]); const y = tf.randomNormal([303]);
await m.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0 });
let t = performance.now();
await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
console.log(b, 'fit ms/step', ((performance.now() - t) / 606).toFixed(3));
// raw: a manual train step with tf.variableGrads
const opt = tf.train.rmsprop(0.001);
const xs = tf.slice(x, [0, 0], [1, 13]); const ys = tf.slice(y, [0], [1]);
t = performance.now();
for (let i = 0; i < 606; i++) {
  const l = opt.minimize(() => tf.mean(tf.square(tf.sub(tf.squeeze(m.predict(xs) as tf.Tensor, [1]), ys))) as tf.Scalar, true);
  l?.dispose();
}
console.log(b, 'raw optimizer ms/step (predict-based)', ((performance.now() - t) / 606).toFixed(3));
