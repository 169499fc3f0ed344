/**
 * VGG16 with a weights file in the exact layout of Keras's notop file (Keras 1 names, root
 * `layer_names`; random weights) must reproduce the numpy reference outputs of `block3_pool` and
 * `block5_pool` after caffe preprocessing, within a relative 1e-4.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { model } from '@dlts/layers';
import { sharedData } from '@dlts/testing';
import { describe, expect, it } from 'vitest';
import { preprocessInput } from './preprocess_input';
import { vgg16 } from './vgg';

/** A tiny .npz reader for the test (the zoo must not import @dlts/datasets): float32 arrays only. */
function readNpz(path: string): Map<string, { shape: number[]; data: Float32Array }> {
  const bytes = readFileSync(path);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength).replace(/\.npy$/, '');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(start, start + compressed);
    const npy = method === 8 ? inflateRawSync(raw) : raw;
    const headerLength = npy.readUInt16LE(8);
    const header = npy.toString('latin1', 10, 10 + headerLength);
    if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) throw new Error(`${name}: only C-order float32 arrays are read here`);
    const shape = (/'shape': \(([^)]*)\)/.exec(header)![1].match(/\d+/g) ?? []).map(Number);
    const body = npy.subarray(10 + headerLength);
    out.set(name, { shape, data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/**
 * max |a - b| / max |b| (the relative error of the outputs), and whether every element is within
 * rtol * |b| + 0.1 * rtol * max |b| (float32 sums of thousands of terms cannot promise a relative
 * 1e-4 on the small values, so those get an absolute floor tied to the output's scale).
 */
function compare(actual: Float32Array | Int32Array | Uint8Array, expected: Float32Array, rtol: number): { relMax: number; ok: boolean } {
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let ok = actual.length === expected.length;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, d);
    if (!(d <= rtol * Math.abs(expected[i]) + rtol * 0.1 * scale)) ok = false;
  }
  return { relMax: worst / scale, ok };
}

describe('vgg16 with the Keras-layout notop weights fixture', () => {
  it('matches the numpy reference at block3_pool and block5_pool (relative 1e-4), without leaks', async () => {
    const npz = readNpz(sharedData('fixtures', 'vgg16_notop_keras1_expected.npz'));
    const before = tf.memory().numTensors;
    const base = await vgg16({ includeTop: false, weights: sharedData('fixtures', 'vgg16_notop_keras1.h5'), inputShape: [64, 64, 3] });
    expect(base.countParams()).toBe(14714688);
    const probe = model({ inputs: base.inputs[0], outputs: [base.getLayer('block3_pool').output, base.getLayer('block5_pool').output].flat() });
    const input = npz.get('input')!;
    const x = tf.tensor(input.data, input.shape);
    const xp = preprocessInput(x, { mode: 'caffe' });
    const [b3, b5] = probe.predict(xp) as tf.Tensor[];
    for (const [name, t] of [
      ['block3_pool', b3],
      ['block5_pool', b5],
    ] as const) {
      const want = npz.get(name)!;
      expect(t.shape).toEqual(want.shape);
      const { relMax, ok } = compare(t.dataSync() as Float32Array, want.data, 1e-4);
      expect(relMax).toBeLessThan(1e-4);
      expect(ok).toBe(true);
    }
    tf.dispose([x, xp, b3, b5]);
    base.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
