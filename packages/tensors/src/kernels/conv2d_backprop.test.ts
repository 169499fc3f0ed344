import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from './index';
import { compareBackends, expectNoLeak, randomValues, runKernel, runOn, use, type Spec } from './test_util';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const explicitPad = (t: number, b: number, l: number, r: number): Pad => [[0, 0], [t, b], [l, r], [0, 0]];

const cases: Case[] = [
  { name: '7x5 1ch, 3x2 kernel, s1 same, batch 1', x: [1, 7, 5, 1], f: [3, 2, 1, 1], strides: 1, pad: 'same' },
  { name: '7x5 1ch, 3x2 kernel, s1 valid', x: [1, 7, 5, 1], f: [3, 2, 1, 2], strides: 1, pad: 'valid' },
  { name: '7x5 3ch, 3x2 kernel, s2 same', x: [2, 7, 5, 3], f: [3, 2, 3, 4], strides: 2, pad: 'same' },
  { name: '7x5 3ch, 3x2 kernel, s2 valid', x: [2, 7, 5, 3], f: [3, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: '9x7 2ch, 3x3 kernel, s3 valid', x: [2, 9, 7, 2], f: [3, 3, 2, 3], strides: 3, pad: 'valid' },
  { name: '10x8 2ch, 3x3 kernel, s3 same', x: [1, 10, 8, 2], f: [3, 3, 2, 3], strides: 3, pad: 'same' },
  { name: '6x9 3ch, 2x3 kernel, s(2,1) same', x: [2, 6, 9, 3], f: [2, 3, 3, 2], strides: [2, 1], pad: 'same' },
  { name: '8x6 2ch, 4x4 kernel, s2 same (even kernel)', x: [1, 8, 6, 2], f: [4, 4, 2, 3], strides: 2, pad: 'same' },
  { name: '6x5 2ch, 3x3 kernel, numeric pad 1', x: [2, 6, 5, 2], f: [3, 3, 2, 2], strides: 1, pad: 1 },
  { name: '7x6 2ch, 3x2 kernel, explicit pad, s1', x: [1, 7, 6, 2], f: [3, 2, 2, 3], strides: 1, pad: explicitPad(1, 2, 0, 1) },
  { name: '7x6 2ch, 3x3 kernel, explicit pad, s2', x: [2, 7, 6, 2], f: [3, 3, 2, 2], strides: 2, pad: explicitPad(2, 0, 1, 1) },
  { name: '1x1 kernel, 5 in 4 out, s2', x: [2, 5, 7, 5], f: [1, 1, 5, 4], strides: 2, pad: 'valid' },
  { name: 'kernel as large as the image', x: [2, 4, 3, 2], f: [4, 3, 2, 3], strides: 1, pad: 'valid' },
  { name: 'MNIST-like 3x3 8->16 s1 valid', x: [2, 11, 11, 8], f: [3, 3, 8, 16], strides: 1, pad: 'valid' },
  // Enough channels for patch-major columns (block copies), with padding and strides.
  { name: '7x5 4ch, 3x3 kernel, s2 same (patch-major)', x: [2, 7, 5, 4], f: [3, 3, 4, 5], strides: 2, pad: 'same' },
  { name: '6x7 8ch, 3x2 kernel, explicit pad (patch-major)', x: [1, 6, 7, 8], f: [3, 2, 8, 3], strides: 1, pad: explicitPad(2, 1, 1, 2) },
  { name: '9x8 3ch, 3x3 kernel, s3 same, 40 filters (patch-major, wide GEMM)', x: [2, 9, 8, 3], f: [3, 3, 3, 40], strides: 3, pad: 'same' },
  { name: '5x6 1ch, 2x2 kernel, 24 filters (tap-major, wide GEMM)', x: [3, 5, 6, 1], f: [2, 2, 1, 24], strides: 1, pad: 'same' },
];

async function specsFor(c: Case, seed: number): Promise<{ x: Spec; f: Spec; dy: Spec; yShape: number[] }> {
  await use('cpu');
  const yShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad).shape);
  return {
    x: { values: await randomValues(c.x, seed), shape: c.x },
    f: { values: await randomValues(c.f, seed + 1), shape: c.f },
    dy: { values: await randomValues(yShape, seed + 2), shape: yShape },
    yShape,
  };
}

beforeAll(async () => {
  await use('wasm');
  registerWasmKernels();
});

describe('wasm Conv2DBackpropInput / Conv2DBackpropFilter vs cpu', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const { x, f, dy } = await specsFor(c, 100 + 10 * i);
      // Gradients of tf.conv2d through tf.grads (what training uses).
      await compareBackends(
        [x, f, dy],
        (xt, ft, dyt) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([xt, ft], dyt),
        1e-4,
        'grads',
      );
      // The kernels themselves.
      const input = (dyt: tf.Tensor, ft: tf.Tensor) =>
        runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x });
      const filter = (xt: tf.Tensor, dyt: tf.Tensor) =>
        runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f });
      await compareBackends([dy, f], input, 1e-4, 'Conv2DBackpropInput');
      await compareBackends([x, dy], filter, 1e-4, 'Conv2DBackpropFilter');
      await expectNoLeak([dy, f], input);
      await expectNoLeak([x, dy], filter);
    });
  });

  it('falls back to the original kernel for paddings larger than the filter (input gradient)', async () => {
    const c: Case = { name: 'big pad', x: [1, 5, 5, 2], f: [2, 2, 2, 2], strides: 1, pad: explicitPad(3, 0, 0, 3) };
    const { f, dy } = await specsFor(c, 7);
    const input = (dyt: tf.Tensor, ft: tf.Tensor) =>
      runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { strides: 1, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x });
    await compareBackends([dy, f], input, 1e-4, 'fallback');
    await expectNoLeak([dy, f], input);
  });

  it.each([2, 9])('Conv2DBackpropFilter honours a dilations attribute (%i channels)', async (cin) => {
    // dW of a dilated conv = taps of dW of the equivalent zero-stuffed filter.
    const xShape: [number, number, number, number] = [2, 9, 8, cin];
    const [kh, kw, d] = [3, 2, 2];
    const eff = [(kh - 1) * d + 1, (kw - 1) * d + 1];
    await use('cpu');
    const yShape = tf.tidy(() => tf.conv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros([kh, kw, cin, 3]) as tf.Tensor4D, 1, 'valid', 'NHWC', d).shape);
    const x: Spec = { values: await randomValues(xShape, 11), shape: xShape };
    const dy: Spec = { values: await randomValues(yShape, 12), shape: yShape };
    const [full] = await runOn('cpu', [x, dy], (xt, dyt) =>
      runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [eff[0], eff[1], cin, 3] }),
    );
    const [got] = await runOn('wasm', [x, dy], (xt, dyt) =>
      runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [kh, kw, cin, 3], dilations: d }),
    );
    const per = cin * 3;
    const want = new Float32Array(kh * kw * per);
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++)
        for (let j = 0; j < per; j++) want[(ky * kw + kx) * per + j] = full.values[(ky * d * eff[1] + kx * d) * per + j];
    expect(got.shape).toEqual([kh, kw, cin, 3]);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got.values[i] - want[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[i])));
  });

  it.each([
    [1, 'valid'],
    [2, 'same'],
  ] as const)('Conv2DBackpropInput honours a dilations attribute (stride %i, %s)', async (stride, pad) => {
    // dx of a dilated conv = dx of the conv with the zero-stuffed filter.
    const xShape: [number, number, number, number] = [2, 9, 8, 3];
    const [kh, kw, d, cout] = [3, 2, 2, 4];
    const eff = [(kh - 1) * d + 1, (kw - 1) * d + 1];
    const info = tf.backend_util.computeConv2DInfo(xShape, [kh, kw, 3, cout], stride, d, pad);
    const yShape = [2, info.outHeight, info.outWidth, cout];
    const fv = await randomValues([kh, kw, 3, cout], 31);
    const stuffed = new Float32Array(eff[0] * eff[1] * 3 * cout);
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++)
        for (let j = 0; j < 3 * cout; j++) stuffed[(ky * d * eff[1] + kx * d) * 3 * cout + j] = fv[(ky * kw + kx) * 3 * cout + j];
    const dy: Spec = { values: await randomValues(yShape, 32), shape: yShape };
    const attrs = { strides: stride, pad, dataFormat: 'NHWC', inputShape: xShape };
    const [want] = await runOn('cpu', [dy, { values: stuffed, shape: [eff[0], eff[1], 3, cout] }], (dyt, ft) =>
      runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, attrs),
    );
    const [got] = await runOn('wasm', [dy, { values: fv, shape: [kh, kw, 3, cout] }], (dyt, ft) =>
      runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { ...attrs, dilations: d }),
    );
    expect(got.shape).toEqual(xShape);
    for (let i = 0; i < want.values.length; i++) {
      expect(Math.abs(got.values[i] - want.values[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want.values[i])));
    }
  });

  it('Conv2DBackpropFilter splits large column matrices into chunks (vs a plain JS reference)', async () => {
    // 12 x 15 output rows of 16 pixels with k = 576 do not fit one 4 MiB chunk.
    const xShape: [number, number, number, number] = [12, 29, 31, 64];
    const fShape: [number, number, number, number] = [3, 3, 64, 8];
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, 2, 1, 'same');
    const yShape = [12, info.outHeight, info.outWidth, 8];
    const xv = await randomValues(xShape, 21);
    const dyv = await randomValues(yShape, 22);
    const [got] = await runOn('wasm', [{ values: xv, shape: xShape }, { values: dyv, shape: yShape }], (xt, dyt) =>
      runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: fShape }),
    );
    const [n, h, w, cin] = xShape;
    const [oh, ow, cout] = [info.outHeight, info.outWidth, 8];
    const want = new Float64Array(3 * 3 * cin * cout);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ky = 0; ky < 3; ky++) {
            const iy = oy * 2 + ky - info.padInfo.top;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < 3; kx++) {
              const ix = ox * 2 + kx - info.padInfo.left;
              if (ix < 0 || ix >= w) continue;
              const xb = ((b * h + iy) * w + ix) * cin;
              const db = ((b * oh + oy) * ow + ox) * cout;
              const wb = (ky * 3 + kx) * cin * cout;
              for (let ci = 0; ci < cin; ci++)
                for (let co = 0; co < cout; co++) want[wb + ci * cout + co] += xv[xb + ci] * dyv[db + co];
            }
          }
    // Each entry sums 2880 float32 products (vs float64 here): entries close to
    // zero carry the rounding error of the large partial sums, so the error
    // is measured relative to the typical magnitude (RMS) of the result.
    const rms = Math.sqrt(want.reduce((acc, v) => acc + v * v, 0) / want.length);
    for (let i = 0; i < want.length; i++) {
      expect(Math.abs(got.values[i] - want[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[i]), rms / 10));
    }
  });

  it('Conv2DBackpropFilter throws a clear error for NCHW', async () => {
    await use('wasm');
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 3, 3]);
    expect(() =>
      runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/NCHW.*not supported/);
    tf.dispose([x, dy]);
  });
});
