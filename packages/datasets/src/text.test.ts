import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '@dlts/testing';
import { tf } from '@dlts/tensors';
import { decodeSequence } from './decode-sequence';
import { padSequences } from './pad-sequences';
import { vectorizeSequences } from './vectorize-sequences';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('vectorizeSequences (the course\'s vectorize_sequences)', () => {
  it('multi-hot encodes each sequence in 0-based columns', () => {
    const start = tf.memory().numTensors;
    const x = vectorizeSequences([[1, 3, 3], [0], []], 5);
    expect(x.shape).toEqual([3, 5]);
    expect(x.dtype).toBe('float32');
    expect(x.arraySync()).toEqual([
      [0, 1, 0, 1, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses indexes outside [0, dimension) and bad arguments', () => {
    expect(() => vectorizeSequences([[10000]])).toThrow(/every word index must be an integer in \[0, dimension=10000\).*Received: sequences\[0\]\[0\]=10000/);
    expect(code(() => vectorizeSequences([[-1]], 4))).toBe('DLTS_VALUE');
    expect(code(() => vectorizeSequences([[1.5]], 4))).toBe('DLTS_VALUE');
    expect(code(() => vectorizeSequences([[1]], 0))).toBe('DLTS_VALUE');
    expect(code(() => vectorizeSequences([5 as unknown as number[]], 4))).toBe('DLTS_VALUE');
  });
});

describe('padSequences (Keras pad_sequences)', () => {
  const seqs = [[1], [2, 3], [4, 5, 6]];
  const padded = (s: number[][], o?: Parameters<typeof padSequences>[1]) => {
    const t = padSequences(s, o);
    const out = { dtype: t.dtype, value: t.arraySync() };
    t.dispose();
    return out;
  };

  it('gives the examples of Keras\'s docstring', () => {
    expect(padded(seqs)).toEqual({ dtype: 'int32', value: [[0, 0, 1], [0, 2, 3], [4, 5, 6]] });
    expect(padded(seqs, { value: -1 }).value).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
    expect(padded(seqs, { padding: 'post' }).value).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
    expect(padded(seqs, { maxlen: 2 }).value).toEqual([[0, 1], [2, 3], [5, 6]]);
  });

  it('truncates at either end, pads empty sequences, and keeps float values in float32', () => {
    expect(padded(seqs, { maxlen: 2, truncating: 'post' }).value).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(padded(seqs, { maxlen: 2, truncating: 'post', padding: 'post' }).value).toEqual([[1, 0], [2, 3], [4, 5]]);
    expect(padded([[], [7]], { maxlen: 3, value: 9 }).value).toEqual([[9, 9, 9], [9, 9, 7]]);
    expect(padded([[1.5, -2.7]], { dtype: 'float32', maxlen: 3 })).toEqual({ dtype: 'float32', value: [[0, 1.5, -2.700000047683716]] });
    expect(padded([[1.5, -2.7]]).value).toEqual([[1, -2]]);
    expect(padded([], { maxlen: 4 }).value).toEqual([]);
  });

  it('refuses bad options with DLTS_VALUE', () => {
    for (const options of [{ maxlen: 0 }, { padding: 'middle' }, { truncating: 'both' }, { dtype: 'float64' }, { value: Number.NaN }]) {
      expect(code(() => padSequences(seqs, options as never))).toBe('DLTS_VALUE');
    }
    expect(() => padSequences(seqs, { padding: 'middle' as never })).toThrow(/padSequences: padding must be 'pre' or 'post'. Received: padding="middle"/);
  });
});

describe('decodeSequence', () => {
  const wordIndex = new Map(Object.entries(JSON.parse(readFileSync(sharedData('fixtures', 'word_index.json'), 'utf8')) as Record<string, number>));

  it('decodes as the course: indexes below indexFrom and unknown ranks become "?"', () => {
    expect(decodeSequence([1, 4, 5, 2, 0, 3 + 1_000_000], wordIndex)).toBe('? w1 w2 ? ? ?');
    expect(decodeSequence([1, 4], wordIndex, { indexFrom: 0 })).toBe('w1 w4');
    expect(decodeSequence([1, 4], Object.fromEntries(wordIndex), { unknown: '[OOV]' })).toBe('[OOV] w1');
  });

  it('keeps the first word of a shared rank, as R\'s reversed names', () => {
    expect(decodeSequence([3, 4], new Map([['a', 0], ['b', 0], ['c', 1]]))).toBe('a c');
    expect(code(() => decodeSequence([1], wordIndex, { indexFrom: -1 }))).toBe('DLTS_VALUE');
  });
});
