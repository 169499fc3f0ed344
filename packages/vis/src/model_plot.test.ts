import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSession, conv2d, dense, flatten, input, Layer, maxPooling2d, model, sequential, type Shape, type Tensors } from '@dlts/layers';
import { tf } from '@dlts/tensors';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { countDark, readPng } from '../test/pixels';
import { modelGraph, plotModel } from './model_plot';

/** A minimal merge layer (Keras's Concatenate on the last axis), for a graph that joins branches. */
class Concat extends Layer {
  static override className = 'Concatenate';
  override computeOutputShape(shapes: Shape | Shape[]): Shape {
    const list = shapes as Shape[];
    return [null, list.reduce((n, s) => n + (s[1] as number), 0)];
  }
  call(inputs: Tensors): Tensors {
    return tf.concat(inputs as tf.Tensor[], -1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vis-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearSession());

describe('modelGraph', () => {
  it('reads a sequential model: its input layer first, then a chain with Keras shapes', () => {
    const network = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
    const g = modelGraph(network);
    expect(g.nodes.map((n) => `${n.name} (${n.className})`)).toEqual(['dense_input (InputLayer)', 'dense (Dense)', 'dense_1 (Dense)']);
    expect(g.nodes.map((n) => n.outputShape)).toEqual(['(None, 784)', '(None, 512)', '(None, 10)']);
    expect(g.nodes[1].inputShape).toBe('(None, 784)');
    expect(g.nodes.map((n) => n.params)).toEqual([0, 401920, 5130]);
    expect(g.edges).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
    ]);
    expect(g.nodes.map((n) => n.rank)).toEqual([0, 1, 2]);
    network.dispose();
  });

  it('reads a functional model with two inputs, branches and a merge', () => {
    const a = input({ shape: [784], name: 'digits' });
    const b = input({ shape: [10], name: 'extra' });
    const left = dense({ units: 64, name: 'left' }).apply(a) as never;
    const right = dense({ units: 32, name: 'right' }).apply(a) as never;
    const side = dense({ units: 8, name: 'side' }).apply(b) as never;
    const merged = new Concat({ name: 'merge' }).apply([left, right, side]) as never;
    const out = dense({ units: 1, name: 'out' }).apply(merged) as never;
    const m = model({ inputs: [a, b], outputs: out });
    const g = modelGraph(m);
    const byName = Object.fromEntries(g.nodes.map((n) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['digits', 'extra', 'left', 'merge', 'out', 'right', 'side']);
    expect(byName.merge.inputShape).toBe('[(None, 64), (None, 32), (None, 8)]');
    expect(byName.merge.outputShape).toBe('(None, 104)');
    expect(byName.merge.rank).toBe(2);
    expect(byName.out.rank).toBe(3);
    const edge = (f: string, t: string) => g.edges.some((e) => g.nodes[e.from].name === f && g.nodes[e.to].name === t);
    for (const [f, t] of [['digits', 'left'], ['digits', 'right'], ['extra', 'side'], ['left', 'merge'], ['right', 'merge'], ['side', 'merge'], ['merge', 'out']]) expect(edge(f, t)).toBe(true);
    expect(g.edges).toHaveLength(7);
    m.dispose();
  });

  it('rejects what is not a model', () => {
    expect(() => modelGraph({} as never)).toThrow('plotModel: model must be a model with layers (a @dlts/layers Model). Received: model={}');
  });
});

describe('plotModel', () => {
  it('draws a box per layer with its name and shapes (PNG and SVG)', async () => {
    const convnet = sequential([
      conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      maxPooling2d({ poolSize: 2 }),
      flatten(),
      dense({ units: 10, activation: 'softmax' }),
    ]);
    const svg = readFileSync(await plotModel(convnet, { file: join(dir, 'model.svg') }), 'utf8');
    for (const text of ['conv2d (Conv2D)', 'output: (None, 26, 26, 32)', 'max_pooling2d (MaxPooling2D)', 'output: (None, 5408)', 'dense (Dense)']) expect(svg).toContain(`>${text}</text>`);
    expect((svg.match(/role-mark boxes/g) ?? []).length).toBe(1);
    const png = await readPng(await plotModel(convnet, { file: join(dir, 'model.png') }));
    expect(png.height).toBeGreaterThan(png.width);
    expect(countDark(png)).toBeGreaterThan(2000);
    convnet.dispose();
  });
});
