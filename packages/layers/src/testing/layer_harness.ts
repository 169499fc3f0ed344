/**
 * The shared layer-test harness (in the spirit of Keras's `run_layer_test`): every layer test
 * calls `runLayerTest` to check output shapes (symbolic and real), weight counts, the config round
 * trip, one training step, and that nothing leaks. Internal: used by tests only, not exported.
 *
 * It lives in @dlts/layers rather than @dlts/testing because it needs the engine, and
 * @dlts/testing must not depend on @dlts/layers (the layers tests depend on @dlts/testing).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { expect } from 'vitest';
import { input } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import type { Shape } from '../engine/shape';
import type { SymbolicTensor } from '../engine/symbolic';
import { model } from '../models/model';
import { fromConfig } from '../saving/deserialize';

/** What {@link runLayerTest} checks. */
export interface LayerTestSpec {
  /** Builds a fresh layer. */
  make: () => Layer;
  /** Input shape including the batch size, e.g. `[2, 28, 28, 1]`. */
  inputShape: number[];
  /** Expected output shape with `null` batch, e.g. `[null, 26, 26, 32]`. */
  expectedOutputShape: Shape;
  expectedTrainableWeights: number;
  expectedNonTrainableWeights?: number;
  /** Input values; default random normal (or random ints for int32). */
  inputData?: () => tf.Tensor;
  inputDtype?: 'float32' | 'int32';
  /** Run one SGD step and check trainable weights moved. Default: when there are trainable weights. */
  trainStep?: boolean;
}

/** Runs the shared checks on one layer configuration. */
export function runLayerTest(spec: LayerTestSpec): void {
  const before = tf.memory().numTensors;
  const dtype = spec.inputDtype ?? 'float32';
  const makeInput = spec.inputData ?? (() => (dtype === 'int32' ? tf.randomUniform(spec.inputShape, 0, 5, 'int32', 7) : tf.randomNormal(spec.inputShape, 0, 1, 'float32', 7)));

  // Symbolic call: shape inference.
  const layer = spec.make();
  const x = input({ batchShape: [null, ...spec.inputShape.slice(1)], dtype });
  const y = layer.apply(x) as SymbolicTensor;
  expect(y.shape).toEqual(spec.expectedOutputShape);
  expect(layer.trainableWeights.length).toBe(spec.expectedTrainableWeights);
  expect(layer.nonTrainableWeights.length).toBe(spec.expectedNonTrainableWeights ?? 0);

  // Real call: values have the inferred shape.
  const data = makeInput();
  const out = tf.tidy(() => layer.apply(data) as tf.Tensor);
  expect(out.shape).toEqual(spec.expectedOutputShape.map((d, i) => (d === null ? (i === 0 ? spec.inputShape[0] : out.shape[i]) : d)));
  expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);

  // Config round trip: same config, and with the same weights the same output.
  const config = layer.getConfig();
  const clone = fromConfig({ class_name: layer.className, config: JSON.parse(JSON.stringify(config)) });
  expect(clone.getConfig()).toEqual(config);
  clone.apply(input({ batchShape: [null, ...spec.inputShape.slice(1)], dtype }));
  const weights = layer.getWeights();
  clone.setWeights(weights);
  weights.forEach((w) => w.dispose());
  const again = tf.tidy(() => clone.apply(data) as tf.Tensor);
  expect(Array.from(again.dataSync())).toEqual(Array.from(out.dataSync()));
  again.dispose();
  clone.dispose();

  // One training step through a model.
  const train = spec.trainStep ?? spec.expectedTrainableWeights > 0;
  if (train) {
    const m = model({ inputs: x, outputs: y });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const target = tf.randomNormal(out.shape, 0, 1, 'float32', 11);
    const start = layer.trainableWeights.map((w) => w.variable.clone());
    const logs = m.trainOnBatch(data, target);
    expect(Number.isFinite(logs.loss)).toBe(true);
    const moved = layer.trainableWeights.some((w, i) => tf.tidy(() => tf.any(tf.notEqual(w.variable, start[i])).dataSync()[0]) === 1);
    expect(moved).toBe(true);
    start.forEach((t) => t.dispose());
    target.dispose();
    m.dispose();
  }
  out.dispose();
  data.dispose();
  layer.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

/** Asserts that `fn` throws a DltsError with `code` whose message matches and says what it received. */
export function expectDltsError(fn: () => unknown, message: string | RegExp, code = 'DLTS_VALUE'): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DltsError);
  expect((error as DltsError).code).toBe(code);
  expect((error as DltsError).message).toMatch(message);
  expect((error as DltsError).message).toContain('Received:');
}

/** {@link expectDltsError} for `DLTS_VALUE`, the code of argument errors. */
export function expectValueError(fn: () => unknown, message: string | RegExp): void {
  expectDltsError(fn, message, 'DLTS_VALUE');
}
