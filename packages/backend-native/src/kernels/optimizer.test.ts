import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nativeAvailable, onBothBackends, randomTensor } from '../test_util';
import { APPLY_ADAM, APPLY_RMSPROP, APPLY_SGD } from './optimizer';

const shape = [37, 29];

/** Runs the fused kernel on native and the same update written with tfjs ops on cpu; compares. */
async function check(fused: () => tf.Tensor[], ops: () => tf.Tensor[]): Promise<void> {
  let first = true;
  const { native, cpu } = await onBothBackends(() => {
    const out = first ? fused() : ops();
    first = false;
    return out;
  });
  expect(native.length).toBe(cpu.length);
  native.forEach((n, i) => {
    expect(n.shape).toEqual(cpu[i].shape);
    n.data.forEach((v, j) => {
      const c = cpu[i].data[j];
      expect(Number.isNaN(v)).toBe(Number.isNaN(c));
      if (!Number.isNaN(c)) expect(Math.abs(v - c)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(c));
    });
  });
}

describe.skipIf(!nativeAvailable)('fused optimizer kernels (native) vs the tfjs-op updates (cpu)', () => {
  const w = () => randomTensor(shape, 1);
  const g = () => randomTensor(shape, 2);
  // Slots in [0.5, 1) and averages below 0.5: the centered variance v - a^2 stays positive.
  const slot = (seed: number) => randomTensor(shape, seed, seed === 5 ? 0 : 0.5, seed === 5 ? 0.5 : 1);

  it.each([
    [0, false],
    [0.9, false],
    [0, true],
    [0.5, true],
  ])('RMSprop (momentum %s, centered %s)', async (momentum, centered) => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-7];
    await check(
      () =>
        tf.engine().runKernel(
          APPLY_RMSPROP,
          { variable: w(), gradient: g(), velocity: slot(3), ...(momentum ? { momentum: slot(4) } : {}), ...(centered ? { averageGradient: slot(5) } : {}) },
          { learningRate: lr, rho, momentum, epsilon: eps },
        ) as tf.Tensor[],
      () => {
        const [wv, gv, v] = [w(), g(), slot(3)];
        const velocity = tf.add(tf.mul(rho, v), tf.mul(1 - rho, tf.square(gv)));
        const out = [velocity];
        let denom = tf.add(velocity, eps);
        let average: tf.Tensor | undefined;
        if (centered) {
          average = tf.add(tf.mul(rho, slot(5)), tf.mul(1 - rho, gv));
          denom = tf.add(tf.sub(velocity, tf.square(average)), eps);
        }
        const inc = tf.div(tf.mul(lr, gv), tf.sqrt(denom));
        let nw: tf.Tensor;
        if (momentum) {
          const m = tf.add(tf.mul(momentum, slot(4)), inc);
          out.push(m);
          nw = tf.sub(wv, m);
        } else nw = tf.sub(wv, inc);
        if (average) out.push(average);
        return [nw, ...out];
      },
    );
  });

  it.each([false, true])('Adam (amsgrad %s)', async (amsgrad) => {
    const [alpha, b1, b2, eps] = [0.001 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), 0.9, 0.999, 1e-7];
    await check(
      () =>
        tf.engine().runKernel(APPLY_ADAM, { variable: w(), gradient: g(), m: slot(3), v: slot(4), ...(amsgrad ? { vhat: slot(5) } : {}) }, { alpha, beta1: b1, beta2: b2, epsilon: eps }) as tf.Tensor[],
      () => {
        const gv = g();
        const m = tf.add(slot(3), tf.mul(tf.sub(gv, slot(3)), 1 - b1));
        let v = tf.add(slot(4), tf.mul(tf.sub(tf.square(gv), slot(4)), 1 - b2));
        const out = [m, v];
        if (amsgrad) {
          v = tf.maximum(slot(5), v);
          out.push(v);
        }
        return [tf.sub(w(), tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), eps))), ...out];
      },
    );
  });

  it.each([
    [0, false],
    [0.9, false],
    [0.9, true],
  ])('SGD (momentum %s, nesterov %s)', async (momentum, nesterov) => {
    const lr = 0.05;
    await check(
      () => tf.engine().runKernel(APPLY_SGD, { variable: w(), gradient: g(), ...(momentum ? { momentum: slot(3) } : {}) }, { learningRate: lr, momentum, nesterov }) as tf.Tensor[],
      () => {
        const step = tf.mul(g(), lr);
        if (!momentum) return [tf.sub(w(), step)];
        const velocity = tf.sub(tf.mul(slot(3), momentum), step);
        return [tf.add(w(), nesterov ? tf.sub(tf.mul(velocity, momentum), step) : velocity), velocity];
      },
    );
  });

  it('exists only on the native backend, so an optimizer can test for it', () => {
    for (const k of [APPLY_RMSPROP, APPLY_ADAM, APPLY_SGD]) {
      expect(tf.getKernel(k, 'native')).toBeDefined();
      expect(tf.getKernel(k, 'cpu')).toBeUndefined();
    }
  });

  describe('inPlace', () => {
    const attrs = { learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 };
    // Large enough for the buffer pool (smaller arrays are plain allocations, never updated in place).
    const big = [64, 80];
    /** A variable and a slot whose memory the backend allocated (a kernel output), as after a first update. */
    function owned(): { variable: tf.Variable; velocity: tf.Variable } {
      const [v0, s0] = tf.tidy(() => [tf.add(randomTensor(big, 1), 0), tf.add(randomTensor(big, 3, 0.5, 1), 0)]);
      const variable = tf.variable(v0);
      const velocity = tf.variable(s0);
      tf.dispose([v0, s0]); // the variables are now the only tensors on that memory
      return { variable, velocity };
    }

    it('updates exclusively owned memory in place, with the same values, and returns nothing', async () => {
      const previous = tf.getBackend();
      await tf.setBackend('native');
      try {
        const gradient = randomTensor(big, 2);
        const a = owned();
        const b = owned();
        const before = tf.memory().numTensors;
        const fresh = tf.engine().runKernel(APPLY_RMSPROP, { variable: a.variable, gradient, velocity: a.velocity }, attrs) as tf.Tensor[];
        const ids = [b.variable.dataId, b.velocity.dataId];
        const inPlace = tf.engine().runKernel(APPLY_RMSPROP, { variable: b.variable, gradient, velocity: b.velocity }, { ...attrs, inPlace: true }) as tf.Tensor[];
        expect(inPlace).toEqual([]);
        expect([b.variable.dataId, b.velocity.dataId]).toEqual(ids);
        expect(tf.memory().numTensors).toBe(before + 2); // only the out-of-place outputs
        expect(Array.from(b.variable.dataSync())).toEqual(Array.from(fresh[0].dataSync()));
        expect(Array.from(b.velocity.dataSync())).toEqual(Array.from(fresh[1].dataSync()));
        tf.dispose([...fresh, gradient, a.variable, a.velocity, b.variable, b.velocity]);
      } finally {
        await tf.setBackend(previous);
      }
    });

    it.each([
      ['a clone shares the variable', (v: tf.Variable) => tf.clone(v)],
      ['a reshape shares the variable', (v: tf.Variable) => tf.reshape(v, [-1])],
      ['user code read the variable', (v: tf.Variable) => (v.dataSync(), undefined)],
    ])('does not write in place when %s: returns new outputs and leaves the shared memory alone', async (_, share) => {
      const previous = tf.getBackend();
      await tf.setBackend('native');
      try {
        const gradient = randomTensor(big, 2);
        const { variable, velocity } = owned();
        const sharer = share(variable);
        const old = Array.from(variable.dataSync());
        const out = tf.engine().runKernel(APPLY_RMSPROP, { variable, gradient, velocity }, { ...attrs, inPlace: true }) as tf.Tensor[];
        expect(out).toHaveLength(2);
        expect(Array.from(variable.dataSync())).toEqual(old);
        if (sharer) expect(Array.from(sharer.dataSync())).toEqual(old);
        tf.dispose([...out, gradient, variable, velocity, ...(sharer ? [sharer] : [])]);
      } finally {
        await tf.setBackend(previous);
      }
    });
  });
});
