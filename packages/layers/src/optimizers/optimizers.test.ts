import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@dlts/tensors';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Optimizer,
  adadelta,
  adagrad,
  adam,
  adamax,
  ftrl,
  getOptimizer,
  nadam,
  rmsprop,
  sgd,
} from './index';

beforeAll(async () => {
  await initBackend('cpu', { log: false });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol * scale})\nactual   ${Array.from(actual)}\nexpected ${Array.from(expected)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Oracle 1: tfjs-layers training the same tiny model from the same weights with tf.train.*.
// ---------------------------------------------------------------------------------------------

const SHAPES: number[][] = [[4, 3], [3], [3, 2], [2]];
const X = randoms(8 * 4, 1);
const Y = randoms(8 * 2, 2, -3, 3);
const INITIAL = SHAPES.map((s, i) => randoms(s.reduce((a, b) => a * b, 1), 10 + i, -0.5, 0.5));
/**
 * The loss is scaled by 1000 so that every gradient element is large: tfjs's Adam and centered
 * RMSprop place epsilon differently from Keras, and with gradients this large the difference is
 * below 1e-8, far under the 1e-5 tolerance. (Keras's exact placement is tested separately below
 * against plain-JS float64 values.)
 */
const LOSS_SCALE = 1000;

async function tflWeightsAfter(optimizer: tf.Optimizer, steps: number): Promise<Float32Array[]> {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 3, inputShape: [4], activation: 'tanh' }), tfl.layers.dense({ units: 2 })],
  });
  model.setWeights(INITIAL.map((w, i) => tf.tensor(w, SHAPES[i])));
  model.compile({
    optimizer,
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(LOSS_SCALE, tf.mean(tf.squaredDifference(yTrue, yPred), -1)),
  });
  const x = tf.tensor2d(X, [8, 4]);
  const y = tf.tensor2d(Y, [8, 2]);
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const out = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return out;
}

function oursAfter(opt: Optimizer, steps: number): Float32Array[] {
  const vars = INITIAL.map((w, i) => tf.variable(tf.tensor(w, SHAPES[i])));
  const x = tf.tensor2d(X, [8, 4]);
  const y = tf.tensor2d(Y, [8, 2]);
  for (let i = 0; i < steps; i++) {
    const { grads, value } = tf.variableGrads(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, vars[0]), vars[1]));
      const p = tf.add(tf.matMul(h, vars[2]), vars[3]);
      return tf.mul(LOSS_SCALE, tf.mean(tf.mean(tf.squaredDifference(y, p), -1))) as tf.Scalar;
    }, vars);
    opt.applyGradients(vars.map((v) => ({ variable: v, gradient: grads[v.name] })));
    tf.dispose([grads, value] as tf.TensorContainer);
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  vars.forEach((v) => v.dispose());
  opt.dispose();
  tf.dispose([x, y]);
  return out;
}

describe('optimizers agree with tfjs-layers training (tf.train.*), 3 steps of a 2-layer model', () => {
  const cases: [string, () => Optimizer, () => tf.Optimizer][] = [
    ['sgd', () => sgd({ learningRate: 1e-4 }), () => tf.train.sgd(1e-4)],
    ['sgd momentum', () => sgd({ learningRate: 1e-4, momentum: 0.9 }), () => tf.train.momentum(1e-4, 0.9, false)],
    ['sgd nesterov', () => sgd({ learningRate: 1e-4, momentum: 0.9, nesterov: true }), () => tf.train.momentum(1e-4, 0.9, true)],
    ['rmsprop', () => rmsprop({ learningRate: 0.01 }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false)],
    ['rmsprop momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.5, rho: 0.8 }), () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-7, false)],
    ['rmsprop centered', () => rmsprop({ learningRate: 0.01, centered: true }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true)],
    ['adam', () => adam({ learningRate: 0.01 }), () => tf.train.adam(0.01, 0.9, 0.999, 1e-7)],
    ['adagrad', () => adagrad({ learningRate: 0.05 }), () => tf.train.adagrad(0.05, 0.1)],
    ['adamax', () => adamax({ learningRate: 0.01 }), () => tf.train.adamax(0.01, 0.9, 0.999, 1e-7, 0)],
  ];
  for (const [label, ours, theirs] of cases) {
    it(label, async () => {
      const expected = await tflWeightsAfter(theirs(), 3);
      const actual = oursAfter(ours(), 3);
      actual.forEach((w, i) => expectClose(w, expected[i]));
      // The weights did move.
      expect(Math.abs(actual[0][0] - INITIAL[0][0])).toBeGreaterThan(1e-6);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Oracle 2: Keras's update formulas (keras/src/optimizers/*.py) in plain float64 JS, fed fixed
// gradients. Independent of tfjs; covers what tf.train lacks or computes differently (Nadam with
// its u_product schedule, Ftrl, Adadelta: tf.train.adadelta divides by the *previous*
// accumulator) and Keras's epsilon placement for Adam.
// ---------------------------------------------------------------------------------------------

type Ref = (w: number[], grads: number[][], lrs: number[]) => number[];

function runRef(opt: Optimizer, w0: number[], grads: number[][], lrs?: number[]): Float32Array {
  const v = tf.variable(tf.tensor1d(w0));
  grads.forEach((g, i) => {
    if (lrs) opt.learningRate = lrs[i];
    const gt = tf.tensor1d(g);
    opt.applyGradients([{ variable: v, gradient: gt }]);
    gt.dispose();
  });
  const out = v.dataSync() as Float32Array;
  v.dispose();
  opt.dispose();
  return out;
}

const W0 = [0.5, -1.2, 0.03, 2, -0.7, 0];
/** Gradients with mixed magnitudes, including tiny ones where epsilon placement matters. */
const GRADS = [
  [0.1, -2, 3e-5, 0.5, -0.01, 1],
  [0.3, -1.5, -2e-5, 0.4, 0.02, -1],
  [-0.2, 0.5, 1e-4, 0.6, -0.03, 0.5],
  [0.05, -0.1, 5e-5, -0.2, 0.01, 2],
];

const sgdRef = (lr: number, momentum = 0, nesterov = false): Ref => (w0, grads, lrs) => {
  const w = [...w0];
  const m = w.map(() => 0);
  grads.forEach((g, t) => {
    const a = lrs[t] ?? lr;
    g.forEach((gi, i) => {
      if (momentum === 0) {
        w[i] -= a * gi;
        return;
      }
      m[i] = m[i] * momentum - gi * a;
      w[i] += nesterov ? m[i] * momentum - gi * a : m[i];
    });
  });
  return w;
};

const rmspropRef = (lr: number, rho = 0.9, momentum = 0, eps = 1e-7, centered = false): Ref => (w0, grads) => {
  const w = [...w0];
  const vel = w.map(() => 0);
  const mom = w.map(() => 0);
  const avg = w.map(() => 0);
  for (const g of grads) {
    g.forEach((gi, i) => {
      vel[i] = rho * vel[i] + (1 - rho) * gi * gi;
      let denom = vel[i] + eps;
      if (centered) {
        avg[i] = rho * avg[i] + (1 - rho) * gi;
        denom = vel[i] - avg[i] * avg[i] + eps;
      }
      const inc = (lr * gi) / Math.sqrt(denom);
      if (momentum > 0) {
        mom[i] = momentum * mom[i] + inc;
        w[i] -= mom[i];
      } else w[i] -= inc;
    });
  }
  return w;
};

const adamRef = (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false): Ref => (w0, grads, lrs) => {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const vh = w.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    const alpha = ((lrs[s] ?? lr) * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    g.forEach((gi, i) => {
      m[i] += (gi - m[i]) * (1 - b1);
      v[i] += (gi * gi - v[i]) * (1 - b2);
      let vv = v[i];
      if (amsgrad) {
        vh[i] = Math.max(vh[i], v[i]);
        vv = vh[i];
      }
      w[i] -= (m[i] * alpha) / (Math.sqrt(vv) + eps);
    });
  });
  return w;
};

const adagradRef = (lr: number, init = 0.1, eps = 1e-7): Ref => (w0, grads) => {
  const w = [...w0];
  const acc = w.map(() => init);
  for (const g of grads) {
    g.forEach((gi, i) => {
      acc[i] += gi * gi;
      w[i] -= (lr * gi) / Math.sqrt(acc[i] + eps);
    });
  }
  return w;
};

const adadeltaRef = (lr: number, rho = 0.95, eps = 1e-7): Ref => (w0, grads) => {
  const w = [...w0];
  const ag = w.map(() => 0);
  const ad = w.map(() => 0);
  for (const g of grads) {
    g.forEach((gi, i) => {
      ag[i] = rho * ag[i] + (1 - rho) * gi * gi;
      const delta = -(Math.sqrt(ad[i] + eps) * gi) / Math.sqrt(ag[i] + eps);
      ad[i] = rho * ad[i] + (1 - rho) * delta * delta;
      w[i] += lr * delta;
    });
  }
  return w;
};

const adamaxRef = (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): Ref => (w0, grads) => {
  const w = [...w0];
  const m = w.map(() => 0);
  const u = w.map(() => 0);
  grads.forEach((g, s) => {
    const b1p = b1 ** (s + 1);
    g.forEach((gi, i) => {
      m[i] += (gi - m[i]) * (1 - b1);
      u[i] = Math.max(b2 * u[i], Math.abs(gi));
      w[i] -= (lr * m[i]) / ((1 - b1p) * (u[i] + eps));
    });
  });
  return w;
};

const nadamRef = (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): Ref => (w0, grads) => {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  let uProduct = 1;
  grads.forEach((g, s) => {
    const t = s + 1;
    uProduct *= b1 * (1 - 0.5 * 0.96 ** t); // _backend_update_step, before update_step
    const uT = b1 * (1 - 0.5 * 0.96 ** t);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (t + 1));
    const uProductT1 = uProduct * uT1;
    g.forEach((gi, i) => {
      m[i] += (gi - m[i]) * (1 - b1);
      v[i] += (gi * gi - v[i]) * (1 - b2);
      const mHat = (uT1 * m[i]) / (1 - uProductT1) + ((1 - uT) * gi) / (1 - uProduct);
      const vHat = v[i] / (1 - b2 ** t);
      w[i] -= (mHat * lr) / (Math.sqrt(vHat) + eps);
    });
  });
  return w;
};

const ftrlRef = (lr: number, p = -0.5, init = 0.1, l1 = 0, l2 = 0, shrink = 0, beta = 0): Ref => (w0, grads) => {
  const w = [...w0];
  const acc = w.map(() => init);
  const lin = w.map(() => 0);
  const l2Reg = l2 + beta / (2 * lr);
  for (const g of grads) {
    g.forEach((gi, i) => {
      const gUse = gi + 2 * shrink * w[i];
      const newAcc = acc[i] + gi * gi;
      lin[i] += gUse - ((newAcc ** -p - acc[i] ** -p) / lr) * w[i];
      const quadratic = newAcc ** -p / lr + 2 * l2Reg;
      const clipped = Math.min(Math.max(lin[i], -l1), l1);
      w[i] = (clipped - lin[i]) / quadratic;
      acc[i] = newAcc;
    });
  }
  return w;
};

describe('optimizers against Keras formulas in plain float64 JS', () => {
  const cases: [string, () => Optimizer, Ref][] = [
    ['sgd', () => sgd({ learningRate: 0.1 }), sgdRef(0.1)],
    ['sgd momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 }), sgdRef(0.1, 0.9)],
    ['sgd nesterov', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), sgdRef(0.1, 0.9, true)],
    ['rmsprop (sqrt(velocity + epsilon))', () => rmsprop({ learningRate: 0.01 }), rmspropRef(0.01)],
    ['rmsprop momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.7, rho: 0.8 }), rmspropRef(0.01, 0.8, 0.7)],
    ['rmsprop centered', () => rmsprop({ learningRate: 0.01, centered: true, epsilon: 1e-3 }), rmspropRef(0.01, 0.9, 0, 1e-3, true)],
    ['adam (m alpha / (sqrt(v) + eps))', () => adam({ learningRate: 0.01 }), adamRef(0.01)],
    ['adam with a large epsilon', () => adam({ learningRate: 0.01, epsilon: 0.01 }), adamRef(0.01, 0.9, 0.999, 0.01)],
    ['adam amsgrad', () => adam({ learningRate: 0.01, amsgrad: true, beta2: 0.9 }), adamRef(0.01, 0.9, 0.9, 1e-7, true)],
    ['adagrad (initial accumulator 0.1)', () => adagrad({ learningRate: 0.1 }), adagradRef(0.1)],
    ['adadelta', () => adadelta({ learningRate: 1 }), adadeltaRef(1)],
    ['adamax', () => adamax({ learningRate: 0.01 }), adamaxRef(0.01)],
    ['nadam (u_product schedule)', () => nadam({ learningRate: 0.01 }), nadamRef(0.01)],
    ['nadam with other betas', () => nadam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99 }), nadamRef(0.02, 0.8, 0.99)],
    ['ftrl', () => ftrl({ learningRate: 0.1 }), ftrlRef(0.1)],
    [
      'ftrl with l1, l2, shrinkage and beta',
      () =>
        ftrl({
          learningRate: 0.1,
          learningRatePower: -0.6,
          l1RegularizationStrength: 0.01,
          l2RegularizationStrength: 0.02,
          l2ShrinkageRegularizationStrength: 0.03,
          beta: 0.5,
        }),
      ftrlRef(0.1, -0.6, 0.1, 0.01, 0.02, 0.03, 0.5),
    ],
  ];
  for (const [label, make, ref] of cases) {
    it(label, () => {
      expectClose(runRef(make(), W0, GRADS), ref(W0, GRADS, []));
    });
  }

  it('a learning-rate change between steps takes effect at the next step (no recompiling)', () => {
    const lrs = [0.1, 0.1, 0.01, 0.5];
    expectClose(runRef(sgd({ learningRate: 0.1, momentum: 0.5 }), W0, GRADS, lrs), sgdRef(0.1, 0.5)(W0, GRADS, lrs));
    expectClose(runRef(adam(), W0, GRADS, lrs), adamRef(0.001)(W0, GRADS, lrs));
  });

  it('clipnorm clips each gradient to the norm; clipvalue each element; globalClipnorm all together', () => {
    const g1 = [3, 4]; // norm 5
    const g2 = [0.3, 0.4]; // norm 0.5
    const apply = (opt: Optimizer): number[][] => {
      const a = tf.variable(tf.zeros([2]));
      const b = tf.variable(tf.zeros([2]));
      const ga = tf.tensor1d(g1);
      const gb = tf.tensor1d(g2);
      opt.applyGradients([
        { variable: a, gradient: ga },
        { variable: b, gradient: gb },
      ]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b, ga, gb]);
      opt.dispose();
      return out;
    };
    // SGD with learning rate 1: the update is minus the clipped gradient.
    const byNorm = apply(sgd({ learningRate: 1, clipnorm: 1 }));
    expectClose(byNorm[0], [-0.6, -0.8]);
    expectClose(byNorm[1], [-0.3, -0.4]); // below the limit: unchanged
    const byValue = apply(sgd({ learningRate: 1, clipvalue: 0.35 }));
    expectClose(byValue[0], [-0.35, -0.35]);
    expectClose(byValue[1], [-0.3, -0.35]);
    const globalNorm = Math.sqrt(25 + 0.25);
    const byGlobal = apply(sgd({ learningRate: 1, globalClipnorm: 2 }));
    expectClose(byGlobal[0], g1.map((v) => (-v * 2) / globalNorm));
    expectClose(byGlobal[1], g2.map((v) => (-v * 2) / globalNorm));
    const underGlobal = apply(sgd({ learningRate: 1, globalClipnorm: 10 }));
    expectClose(underGlobal[0], [-3, -4]);
  });
});

describe('optimizer state', () => {
  it('getWeights/setWeights round trip, before the first step and after it', () => {
    for (const make of [
      () => adam({ learningRate: 0.01, amsgrad: true }),
      () => nadam({ learningRate: 0.01 }),
      () => rmsprop({ momentum: 0.5, centered: true }),
      () => ftrl({ learningRate: 0.1 }),
      () => sgd({ learningRate: 0.1 }),
    ]) {
      const a = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
      const b = tf.variable(tf.tensor1d([0.5, -0.5, 1]));
      const ga = tf.tensor2d([[0.1, -0.2], [0.3, 0.05]]);
      const gb = tf.tensor1d([1, -2, 0.5]);
      const step = (opt: Optimizer, x: tf.Variable, y: tf.Variable) =>
        opt.applyGradients([
          { variable: x, gradient: ga },
          { variable: y, gradient: gb },
        ]);
      const first = make();
      step(first, a, b);
      step(first, a, b);
      const saved = first.getWeights();
      expect(saved[0].dtype).toBe('int32');
      expect(saved[0].dataSync()[0]).toBe(2);
      // A fresh optimizer on copies of the variables, restored before its first step.
      const a2 = tf.variable(tf.clone(a));
      const b2 = tf.variable(tf.clone(b));
      const second = make();
      second.setWeights(saved);
      expect(second.iterations).toBe(2);
      step(first, a, b);
      step(second, a2, b2);
      expectClose(a2.dataSync(), a.dataSync(), 1e-7);
      expectClose(b2.dataSync(), b.dataSync(), 1e-7);
      // And restored after being built.
      const again = first.getWeights();
      second.setWeights(again);
      const roundTrip = second.getWeights();
      roundTrip.forEach((t, i) => expectClose(t.dataSync(), again[i].dataSync(), 0));
      tf.dispose([a, b, a2, b2, ga, gb, ...saved, ...again, ...roundTrip]);
      first.dispose();
      second.dispose();
    }
  });

  it("orders the slots as Keras's optimizer.variables (without learning_rate)", () => {
    const a = tf.variable(tf.zeros([2]));
    const b = tf.variable(tf.zeros([3]));
    const grads = [
      { variable: a, gradient: tf.ones([2]) },
      { variable: b, gradient: tf.ones([3]) },
    ];
    const shapes = (opt: Optimizer) => {
      opt.applyGradients(grads);
      const w = opt.getWeights();
      const s = w.map((t) => t.shape);
      tf.dispose(w);
      opt.dispose();
      return s;
    };
    // RMSprop builds velocities, then momentums, then average gradients, each for all variables.
    expect(shapes(rmsprop({ momentum: 0.5, centered: true }))).toEqual([[], [2], [3], [2], [3], [2], [3]]);
    // Adam interleaves momentum/velocity per variable, then the velocity_hats.
    expect(shapes(adam({ amsgrad: true }))).toEqual([[], [2], [2], [3], [3], [2], [3]]);
    // Nadam: the slots, then u_product.
    expect(shapes(nadam())).toEqual([[], [2], [2], [3], [3], []]);
    expect(shapes(sgd())).toEqual([[]]);
    tf.dispose([a, b, grads[0].gradient, grads[1].gradient]);
  });

  it('setWeights rejects a wrong count or shape', () => {
    const opt = adam();
    const v = tf.variable(tf.zeros([2]));
    const g = tf.ones([2]);
    opt.applyGradients([{ variable: v, gradient: g }]);
    const w = opt.getWeights();
    expect(() => opt.setWeights(w.slice(0, 2))).toThrow(expect.objectContaining({ code: 'DLTS_VALUE' }));
    const bad = [w[0], tf.zeros([3]), w[2]];
    expect(() => opt.setWeights(bad)).toThrow(expect.objectContaining({ code: 'DLTS_SHAPE_MISMATCH' }));
    tf.dispose([v, g, ...w, bad[1]]);
    opt.dispose();
  });

  it('does not leak tensors and never reads data back during steps', () => {
    const vars = [tf.variable(tf.zeros([3, 2])), tf.variable(tf.zeros([2]))];
    const grads = [tf.fill([3, 2], 0.5), tf.fill([2], -0.25)];
    const before = tf.memory().numTensors;
    const optimizers = [
      sgd({ momentum: 0.9, nesterov: true, clipnorm: 1 }),
      rmsprop({ momentum: 0.5, centered: true, globalClipnorm: 1 }),
      adam({ amsgrad: true, clipvalue: 0.1 }),
      adagrad(),
      adadelta(),
      adamax(),
      nadam(),
      ftrl({ l2ShrinkageRegularizationStrength: 0.1 }),
    ];
    for (const opt of optimizers) opt.applyGradients(vars.map((v, i) => ({ variable: v, gradient: grads[i] })));
    const afterFirst = tf.memory().numTensors;
    const backend = tf.engine().backend;
    const readSync = vi.spyOn(backend, 'readSync');
    const read = vi.spyOn(backend, 'read');
    for (let step = 0; step < 3; step++) {
      for (const opt of optimizers) {
        opt.learningRate = 0.001 * (step + 1);
        opt.applyGradients(vars.map((v, i) => ({ variable: v, gradient: grads[i] })));
      }
    }
    expect(readSync).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    readSync.mockRestore();
    read.mockRestore();
    expect(tf.memory().numTensors).toBe(afterFirst);
    for (const opt of optimizers) opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(optimizers.map((o) => o.iterations)).toEqual(optimizers.map(() => 4));
    tf.dispose([...vars, ...grads]);
  });

  it('skips empty gradients and rejects mismatched shapes', () => {
    const opt = sgd();
    const v = tf.variable(tf.zeros([2]));
    opt.applyGradients([{ variable: v, gradient: null }]);
    expect(opt.iterations).toBe(0);
    const g = tf.ones([3]);
    expect(() => opt.applyGradients([{ variable: v, gradient: g }])).toThrow(expect.objectContaining({ code: 'DLTS_SHAPE_MISMATCH' }));
    tf.dispose([v, g]);
    opt.dispose();
    expect(() => opt.getWeights()).toThrow(/after dispose/);
  });
});

describe('getOptimizer and options', () => {
  it('resolves names case-insensitively to Keras defaults', () => {
    for (const id of ['rmsprop', 'RMSprop', 'RMSProp']) {
      const opt = getOptimizer(id);
      expect(opt.className).toBe('RMSprop');
      expect(opt.getConfig()).toMatchObject({ learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
      opt.dispose();
    }
    const defaults: [string, string, number][] = [
      ['sgd', 'SGD', 0.01],
      ['SGD', 'SGD', 0.01],
      ['adam', 'Adam', 0.001],
      ['Adagrad', 'Adagrad', 0.001],
      ['adadelta', 'Adadelta', 0.001],
      ['adamax', 'Adamax', 0.001],
      ['Nadam', 'Nadam', 0.001],
      ['ftrl', 'Ftrl', 0.001],
    ];
    for (const [id, className, lr] of defaults) {
      const opt = getOptimizer(id);
      expect([id, opt.className, opt.learningRate]).toEqual([id, className, lr]);
    }
    expect(getOptimizer('adagrad').getConfig()).toMatchObject({ initial_accumulator_value: 0.1 });
    expect(getOptimizer('adam').getConfig()).toMatchObject({ beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
  });

  it('throws DLTS_VALUE listing the known names for an unknown one', () => {
    expect(() => getOptimizer('adamw')).toThrow(expect.objectContaining({ code: 'DLTS_VALUE' }));
    expect(() => getOptimizer('rmsprob')).toThrow(/known optimizers: sgd, rmsprop, adam, adagrad, adadelta, adamax, nadam, ftrl/);
  });

  it('round-trips Keras configs and accepts Keras base keys at their inert values', () => {
    const opt = rmsprop({ learningRate: 1e-4, rho: 0.8, momentum: 0.1, centered: true, clipnorm: 2, name: 'opt' });
    const config = opt.getConfig();
    expect(config).toMatchObject({ name: 'opt', learning_rate: 1e-4, rho: 0.8, momentum: 0.1, centered: true, clipnorm: 2, clipvalue: null });
    expect(getOptimizer({ className: 'RMSprop', config }).getConfig()).toEqual(config);
    const keras2 = getOptimizer({
      className: 'Adam',
      config: { name: 'Adam', learning_rate: 0.002, decay: 0.0, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-8, amsgrad: false, jit_compile: true, is_legacy_optimizer: false },
    });
    expect(keras2.getConfig()).toMatchObject({ learning_rate: 0.002, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-8 });
    expect(() => getOptimizer({ className: 'SGD', config: { weight_decay: 0.01 } })).toThrow(expect.objectContaining({ code: 'DLTS_UNSUPPORTED' }));
    expect(() => getOptimizer({ className: 'SGD', config: { learning_rate: { class_name: 'ExponentialDecay' } } })).toThrow(
      expect.objectContaining({ code: 'DLTS_UNSUPPORTED' }),
    );
    expect(getOptimizer(opt)).toBe(opt);
  });

  it('accepts lr as an alias of learningRate', () => {
    expect(rmsprop({ lr: 1e-4 }).learningRate).toBe(1e-4);
    expect(sgd({ lr: 0.5, learningRate: 0.5 }).learningRate).toBe(0.5);
    expect(() => sgd({ lr: 0.5, learningRate: 0.1 })).toThrow(/pass only one of learning_rate and its alias lr/);
  });

  it('validates arguments with Keras-style messages', () => {
    expect(() => rmsprop({ learningRate: -1 })).toThrow('rmsprop: learning_rate must be a number >= 0. Received: learningRate=-1');
    expect(() => rmsprop({ lr: Number.NaN })).toThrow('rmsprop: learning_rate must be a number >= 0. Received: lr=NaN');
    expect(() => sgd({ momentum: 1.5 })).toThrow('sgd: momentum must be a number in [0, 1]. Received: momentum=1.5');
    expect(() => adam({ beta1: 1 })).toThrow('adam: beta_1 must be a number in [0, 1). Received: beta1=1');
    expect(() => adam({ amsgrad: 1 as unknown as boolean })).toThrow('adam: amsgrad must be a boolean. Received: amsgrad=1');
    expect(() => adagrad({ initialAccumulatorValue: -0.1 })).toThrow(
      'adagrad: initial_accumulator_value must be a number >= 0. Received: initialAccumulatorValue=-0.1',
    );
    expect(() => ftrl({ learningRatePower: 0.5 })).toThrow('ftrl: learning_rate_power must be a number <= 0. Received: learningRatePower=0.5');
    expect(() => ftrl({ l1RegularizationStrength: -1 })).toThrow(
      'ftrl: l1_regularization_strength must be a number >= 0. Received: l1RegularizationStrength=-1',
    );
    expect(() => sgd({ clipnorm: 1, clipvalue: 1 })).toThrow(
      'sgd: only one of clipnorm, clipvalue and global_clipnorm can be set. Received: clipnorm=1, clipvalue=1, globalClipnorm=undefined',
    );
    expect(() => adam({ clipnorm: 0 })).toThrow('adam: clipnorm must be a number > 0. Received: clipnorm=0');
    expect(() => adam({ learning_rate: 0.1 } as unknown as { learningRate: number })).toThrow(/adam: argument\(s\) not recognized: learning_rate/);
    const opt = sgd();
    const v = tf.variable(tf.zeros([1]));
    const g = tf.ones([1]);
    opt.learningRate = Number.NaN;
    expect(() => opt.applyGradients([{ variable: v, gradient: g }])).toThrow('sgd: learning_rate must be a number >= 0. Received: learningRate=NaN');
    tf.dispose([v, g]);
    opt.dispose();
  });
});
