import { readFileSync } from 'node:fs';
import { sharedCourse } from '@dlts/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession } from '../engine/naming';
import { input } from '../engine/input_layer';
import { conv2d } from '../layers/conv2d';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { flatten } from '../layers/flatten';
import { maxPooling2d } from '../layers/pooling2d';
import { freezeWeights } from './freeze';
import { model } from './model';
import { sequential } from './sequential';

/** Every summary table printed in the course, as the lines after R's "## " prefix. */
function courseTables(): string[] {
  const lines = readFileSync(sharedCourse('course-zh.txt'), 'utf8').split('\n');
  const tables: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('## Model: "')) continue;
    const table: string[] = [];
    let j = i;
    for (; j < lines.length && lines[j].startsWith('## '); j++) {
      table.push(lines[j].slice(3));
      if (lines[j].startsWith('## Non-trainable params')) {
        table.push(lines[j + 1].slice(3));
        break;
      }
    }
    tables.push(table.join('\n'));
    i = j;
  }
  return tables;
}

const tables = courseTables();
const find = (total: string, first: string) => {
  const t = tables.find((x) => x.includes(`Total params: ${total}`) && x.includes(first));
  if (!t) throw new Error(`no course table with ${total} / ${first}`);
  return t;
};

function mnistConvBase(names?: string[]) {
  const n = (i: number) => (names ? { name: names[i] } : {});
  return sequential(
    [
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1], ...n(0) }),
      maxPooling2d({ poolSize: [2, 2], ...n(1) }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', ...n(2) }),
      maxPooling2d({ poolSize: [2, 2], ...n(3) }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', ...n(4) }),
    ],
    { name: 'sequential' },
  );
}

describe('summary reproduces the course tables exactly', () => {
  beforeEach(() => clearSession());

  it('finds the course tables', () => {
    expect(tables.length).toBeGreaterThanOrEqual(8);
  });

  it('MNIST convnet base: 55,744', () => {
    const m = mnistConvBase(['conv2d_2', 'max_pooling2d_1', 'conv2d_1', 'max_pooling2d', 'conv2d']);
    expect(m.summary({ print: false })).toBe(find('55,744', 'conv2d_2'));
  });

  it('MNIST convnet with the dense head: 93,322', () => {
    const m = mnistConvBase(['conv2d_2', 'max_pooling2d_1', 'conv2d_1', 'max_pooling2d', 'conv2d']);
    m.add(flatten({ name: 'flatten' }));
    m.add(dense({ units: 64, activation: 'relu', name: 'dense_1' }));
    m.add(dense({ units: 10, activation: 'softmax', name: 'dense' }));
    expect(m.summary({ print: false })).toBe(find('93,322', 'conv2d_2'));
  });

  it('the same convnet without pooling: 2,038,922', () => {
    const m = sequential(
      [
        conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1], name: 'conv2d_5' }),
        conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: 'conv2d_4' }),
        conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: 'conv2d_3' }),
        flatten({ name: 'flatten_1' }),
        dense({ units: 64, activation: 'relu', name: 'dense_3' }),
        dense({ units: 10, activation: 'softmax', name: 'dense_2' }),
      ],
      { name: 'sequential_1' },
    );
    expect(m.summary({ print: false })).toBe(find('2,038,922', 'conv2d_5'));
  });

  const catsDogs = (names: string[], withDropout: boolean, name: string) => {
    const layers = [
      conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [150, 150, 3], name: names[0] }),
      maxPooling2d({ poolSize: [2, 2], name: names[1] }),
      conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: names[2] }),
      maxPooling2d({ poolSize: [2, 2], name: names[3] }),
      conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: names[4] }),
      maxPooling2d({ poolSize: [2, 2], name: names[5] }),
      conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: names[6] }),
      maxPooling2d({ poolSize: [2, 2], name: names[7] }),
      flatten({ name: names[8] }),
      ...(withDropout ? [dropout({ rate: 0.5, name: names[9] })] : []),
      dense({ units: 512, activation: 'relu', name: names[withDropout ? 10 : 9] }),
      dense({ units: 1, activation: 'sigmoid', name: names[withDropout ? 11 : 10] }),
    ];
    return sequential(layers, { name });
  };

  it('cats vs dogs convnet: 3,453,121', () => {
    const names = ['conv2d_3', 'max_pooling2d_3', 'conv2d_2', 'max_pooling2d_2', 'conv2d_1', 'max_pooling2d_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense_1', 'dense'];
    expect(catsDogs(names, false, 'sequential').summary({ print: false })).toBe(find('3,453,121', 'conv2d_3 '));
  });

  it('cats vs dogs convnet with dropout: 3,453,121', () => {
    const names = ['conv2d_7', 'max_pooling2d_7', 'conv2d_6', 'max_pooling2d_6', 'conv2d_5', 'max_pooling2d_5', 'conv2d_4', 'max_pooling2d_4', 'flatten_2', 'dropout_3', 'dense_11', 'dense_10'];
    expect(catsDogs(names, true, 'sequential_5').summary({ print: false })).toBe(find('3,453,121', 'dropout_3'));
  });

  it('MNIST dense network: 407,050 params in the same table format', () => {
    const m = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
    const text = m.summary({ print: false });
    expect(text).toContain(' dense (Dense)                      (None, 512)                     401920      ');
    expect(text).toContain('Total params: 407,050\nTrainable params: 407,050\nNon-trainable params: 0');
  });
});

describe('summary in a fresh session uses Keras names', () => {
  beforeEach(() => clearSession());

  it('names layers conv2d, max_pooling2d, conv2d_1, ... as a fresh Keras session', () => {
    const m = mnistConvBase();
    m.add(flatten());
    m.add(dense({ units: 64, activation: 'relu' }));
    m.add(dense({ units: 10, activation: 'softmax' }));
    expect(m.layers.map((l) => l.name)).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'conv2d_2', 'flatten', 'dense', 'dense_1']);
    const text = m.summary({ print: false });
    expect(text).toContain('Model: "sequential"');
    expect(text).toContain(' conv2d (Conv2D)                    (None, 26, 26, 32)              320         ');
    expect(text).toContain('Total params: 93,322');
  });

  it('functional models list the input layer as Keras 2: input_1 [(None, 150, 150, 3)]', () => {
    const x = input({ shape: [150, 150, 3] });
    const y = maxPooling2d({ name: 'block1_pool' }).apply(conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv1' }).apply(x));
    const m = model({ inputs: x, outputs: y, name: 'vgg16' });
    const text = m.summary({ print: false });
    expect(text).toContain(' input_1 (InputLayer)               [(None, 150, 150, 3)]           0           ');
    expect(text).toContain(' block1_conv1 (Conv2D)              (None, 150, 150, 64)            1792        ');
    expect(text).toContain('Total params: 1,792');
  });

  it('counts frozen weights as non-trainable and adds the Trainable column as R keras', () => {
    const m = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 2 })]);
    freezeWeights(m, { from: 0, to: 0 });
    const text = m.summary({ print: false });
    expect(text.split('\n')[1]).toHaveLength(80);
    expect(text).toContain('Trainable');
    expect(text).toContain('Total params: 26\nTrainable params: 10\nNon-trainable params: 16');
  });

  it('refuses to summarise a model without an input shape', () => {
    const m = sequential([dense({ units: 4 })]);
    expect(() => m.summary({ print: false })).toThrow(/not yet been built/);
  });
});
