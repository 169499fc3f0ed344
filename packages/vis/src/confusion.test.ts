import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@dlts/tensors';
import { afterAll, describe, expect, it } from 'vitest';
import { countColour, readPng } from '../test/pixels';
import { confusionCounts, confusionMatrixSpec, plotConfusionMatrix, toClassIndices } from './confusion';

const dir = mkdtempSync(join(tmpdir(), 'vis-confusion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('confusion matrix', () => {
  it('counts actual x predicted', () => {
    expect(confusionCounts([0, 1, 1, 2, 2, 2], [0, 1, 0, 2, 2, 1], 3)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 2],
    ]);
    expect(() => confusionCounts([0], [0, 1], 2)).toThrow('confusionCounts: yTrue and yPred must have the same length. Received: 1 and 2');
  });

  it('reads indices, one-hot targets, softmax outputs (argmax) and sigmoid outputs (> 0.5)', async () => {
    const oneHot = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
    const probs = tf.tensor2d([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]);
    const sigmoid = tf.tensor2d([[0.2], [0.9]]);
    const indices = tf.tensor1d([2, 0], 'int32');
    expect(await toClassIndices(oneHot, 'f', 'y')).toEqual([1, 0]);
    expect(await toClassIndices(probs, 'f', 'y')).toEqual([2, 0]);
    expect(await toClassIndices(sigmoid, 'f', 'y')).toEqual([0, 1]);
    expect(await toClassIndices(indices, 'f', 'y')).toEqual([2, 0]);
    tf.dispose([oneHot, probs, sigmoid, indices]);
  });

  it('specifies tiles (actual down, predicted across, in label order) with the counts written in them', () => {
    const spec = confusionMatrixSpec([[5, 1], [2, 7]], { labels: ['cat', 'dog'] }) as any;
    expect(spec.encoding.x).toMatchObject({ field: 'predicted', sort: ['cat', 'dog'] });
    expect(spec.encoding.y).toMatchObject({ field: 'actual', sort: ['cat', 'dog'] });
    expect(spec.data.values).toContainEqual({ actual: 'dog', predicted: 'cat', count: 2, value: 2, label: '2' });
    expect(spec.layer[0].encoding.fill.scale.range).toEqual(['#132B43', '#56B1F7']);
    const norm = confusionMatrixSpec([[5, 1], [2, 6]], { normalize: true }) as any;
    expect(norm.data.values).toContainEqual({ actual: '1', predicted: '1', count: 6, value: 0.75, label: '0.75' });
  });

  it('writes a PNG whose darkest and lightest tiles are the lowest and highest counts', async () => {
    const yTrue = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const yPred = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
    const png = await readPng(await plotConfusionMatrix(yTrue, yPred, { file: join(dir, 'cm.png'), labels: ['a', 'b', 'c'] }));
    expect(png.width).toBeGreaterThan(500);
    expect(countColour(png, '#56B1F7', 3)).toBeGreaterThan(10_000);
    expect(countColour(png, '#132B43', 3)).toBeGreaterThan(10_000);
  });
});
