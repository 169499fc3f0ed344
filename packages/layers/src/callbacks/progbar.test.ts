import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dense } from '../layers/dense';
import { sequential } from '../models/sequential';
import type { Logs } from './callback';
import { formatLogs, ProgbarLogger } from './progbar';
import { formatExponential, formatFixed, formatGeneral, formatRepr } from './pyformat';

/** A stream that records what is written, a terminal or not. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } };
}

/** Replaces the clock the logger reads (`performance.now`) with one the test sets, in seconds. */
function fakeClock(start: number) {
  const clock = { t: start };
  vi.spyOn(performance, 'now').mockImplementation(() => clock.t * 1000);
  return clock;
}

afterEach(() => {
  vi.restoreAllMocks();
});

// The exact strings below are what tf-keras's `Progbar` (tf_keras/utils/generic_utils.py) writes
// for the same updates under the same fake clock (checked by running it with a patched time.time).
describe('ProgbarLogger on a terminal (Keras 2 Progbar, verbose 1)', () => {
  it('draws the bar with ETA per step and the final line with time per step', () => {
    const { chunks, stream } = fakeStream(true);
    const clock = fakeClock(8);
    const bar = new ProgbarLogger({ stream });
    bar.setParams({ verbose: 1, epochs: 3, steps: 4 });
    bar.onEpochBegin(0);
    const steps: Logs[] = [{ loss: 10.5 }, { loss: 0.25 }, { loss: 0.03125, neg: -0.5 }, { loss: 0.0001 }];
    steps.forEach((logs, i) => {
      clock.t += 0.5;
      bar.onTrainBatchEnd(i, { batch: i, size: 8, ...logs });
    });
    clock.t += 0.25;
    bar.onEpochEnd(0, { loss: 0.03125, accuracy: 0.90625, val_loss: 0.0001, val_accuracy: Number.NaN });
    expect(chunks).toEqual([
      'Epoch 1/3\n',
      '\r1/4 [======>.......................] - ETA: 1s - loss: 10.5000',
      // One character shorter than the line before: padded so that no old text remains.
      '\r2/4 [==============>...............] - ETA: 1s - loss: 0.2500 ',
      '\r3/4 [=====================>........] - ETA: 0s - loss: 0.0312 - neg: -0.5000',
      // As Keras, a value once shown stays on the line (neg).
      '\r4/4 [==============================] - ETA: 0s - loss: 1.0000e-04 - neg: -0.5000',
      '\r4/4 [==============================] - 2s 583ms/step - loss: 0.0312 - neg: -0.5000 - accuracy: 0.9062 - val_loss: 1.0000e-04 - val_accuracy: nan\n',
    ]);
  });

  it('a wider target pads the step count (" 5/20"), truncates the ETA, and prints h:mm:ss for long ones', () => {
    const { chunks, stream } = fakeStream(true);
    const clock = fakeClock(100);
    const bar = new ProgbarLogger({ stream });
    bar.setParams({ verbose: 1, epochs: 1, steps: 20 });
    bar.onEpochBegin(0);
    for (let i = 0; i < 5; i++) {
      clock.t += 0.125;
      bar.onTrainBatchEnd(i, { loss: 0.693147, accuracy: 0.5 });
    }
    // 5 steps of 0.125 s, 15 to go: 1.875 s, which Keras prints as 1s (%d truncates).
    expect(chunks.at(-1)).toBe('\r 5/20 [======>.......................] - ETA: 1s - loss: 0.6931 - accuracy: 0.5000');
    expect(chunks[0]).not.toMatch(/^Epoch/); // one epoch: no header

    const slow = fakeStream(true);
    const c2 = fakeClock(0);
    const long = new ProgbarLogger({ stream: slow.stream });
    long.setParams({ verbose: 1, epochs: 1, steps: 1000 });
    long.onEpochBegin(0);
    c2.t = 10;
    long.onTrainBatchEnd(0, {});
    c2.t = 20;
    long.onTrainBatchEnd(1, {});
    // 10 s per step, 998 steps to go: 9980 s = 2:46:20.
    expect(slow.chunks).toEqual(['\r   1/1000 [..............................] - ETA: 2:46:30', '\r   2/1000 [..............................] - ETA: 2:46:20']);
    c2.t = 25;
    long.onTrainBatchEnd(2, {});
    // (25 - 10) / 2 = 7.5 s per step, 997 to go: 7477.5 s.
    expect(slow.chunks.at(-1)).toBe('\r   3/1000 [..............................] - ETA: 2:04:37');
  });

  it('redraws at most every `interval` seconds, but always draws the final line', () => {
    const { chunks, stream } = fakeStream(true);
    const clock = fakeClock(8);
    const bar = new ProgbarLogger({ stream, interval: 0.0625 });
    bar.setParams({ verbose: 1, epochs: 1, steps: 8 });
    bar.onEpochBegin(0);
    for (let i = 0; i < 8; i++) {
      clock.t += 0.03125;
      bar.onTrainBatchEnd(i, { loss: 1 });
    }
    bar.onEpochEnd(0, { loss: 1 });
    expect(chunks.map((c) => c.slice(1, 4))).toEqual(['1/8', '3/8', '5/8', '7/8', '8/8']);
    expect(chunks.at(-1)).toBe('\r8/8 [==============================] - 0s 31ms/step - loss: 1.0000\n');
  });

  it('an unknown number of steps shows "n/Unknown" and learns the length from the first epoch', () => {
    const { chunks, stream } = fakeStream(true);
    const clock = fakeClock(8);
    const bar = new ProgbarLogger({ stream });
    bar.setParams({ verbose: 1, epochs: 2, steps: undefined });
    bar.onEpochBegin(0);
    clock.t += 0.5;
    bar.onTrainBatchEnd(0, { loss: 1 });
    clock.t += 0.5;
    bar.onTrainBatchEnd(1, { loss: 1 });
    bar.onEpochEnd(0, { loss: 1 });
    bar.onEpochBegin(1);
    clock.t += 0.5;
    bar.onTrainBatchEnd(0, { loss: 1 });
    expect(chunks).toEqual([
      'Epoch 1/2\n',
      '\r      1/Unknown - 0s 500ms/step - loss: 1.0000',
      '\r      2/Unknown - 1s 500ms/step - loss: 1.0000',
      '\r2/2 [==============================] - 1s 500ms/step - loss: 1.0000\n',
      'Epoch 2/2\n',
      '\r1/2 [==============>...............] - ETA: 0s - loss: 1.0000',
    ]);
  });
});

describe('ProgbarLogger when not on a terminal (Keras verbose 2)', () => {
  it('writes one line per epoch with time per epoch and per step', () => {
    const { chunks, stream } = fakeStream(false);
    const clock = fakeClock(8);
    const bar = new ProgbarLogger({ stream });
    bar.setParams({ verbose: 1, epochs: 2, steps: 4 });
    for (let epoch = 0; epoch < 2; epoch++) {
      bar.onEpochBegin(epoch);
      for (let i = 0; i < 4; i++) {
        clock.t += epoch === 0 ? 0.5625 : 0.0625;
        bar.onTrainBatchEnd(i, { loss: 1 });
      }
      // Verbose 2 writes values <= 1e-3 (negative ones included) as %.4e.
      bar.onEpochEnd(epoch, { loss: 0.03125, neg: -0.5, val_loss: 0.0001 });
    }
    expect(chunks).toEqual([
      'Epoch 1/2\n',
      '4/4 - 2s - loss: 0.0312 - neg: -5.0000e-01 - val_loss: 1.0000e-04 - 2s/epoch - 562ms/step\n',
      'Epoch 2/2\n',
      '4/4 - 0s - loss: 0.0312 - neg: -5.0000e-01 - val_loss: 1.0000e-04 - 250ms/epoch - 62ms/step\n',
    ]);
  });
});

describe('ProgbarLogger in fit', () => {
  function tiny() {
    const m = sequential([dense({ units: 2, activation: 'softmax', inputShape: [3] })]);
    m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const x = tf.randomNormal([40, 3], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([...Array(40).keys()].map((i) => i % 2), 'int32'), 2);
    return { m, x, y };
  }

  it('on a TTY stream: Epoch headers, bars redrawn with \\r, a final line per epoch', async () => {
    const { m, x, y } = tiny();
    const { chunks, stream } = fakeStream(true);
    await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new ProgbarLogger({ stream, interval: 0 })] });
    const text = chunks.join('');
    const epochs = text.split(/Epoch \d\/3\n/).slice(1);
    expect(text.match(/Epoch \d\/3\n/g)).toEqual(['Epoch 1/3\n', 'Epoch 2/3\n', 'Epoch 3/3\n']);
    for (const part of epochs) {
      const draws = part.split('\r').slice(1);
      expect(draws).toHaveLength(6); // 5 batches + the final line
      expect(draws[0]).toMatch(/^1\/5 \[=====>\.{24}\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} *$/);
      expect(draws[5]).toMatch(/^5\/5 \[={30}\] - \d+s \d+(ms|us|s)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
    }
    m.dispose();
    tf.dispose([x, y]);
  });

  it('on a non-TTY stream: one line per epoch', async () => {
    const { m, x, y } = tiny();
    const { chunks, stream } = fakeStream(false);
    await m.fit(x, y, { epochs: 2, batchSize: 20, verbose: 0, validationData: [x, y], callbacks: [new ProgbarLogger({ stream })] });
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toBe('Epoch 1/2\n');
    expect(chunks[1]).toMatch(
      /^2\/2 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - \d+(ms|us|s)\/epoch - \d+(ms|us|s)\/step\n$/,
    );
    m.dispose();
    tf.dispose([x, y]);
  });
});

describe('Python number formatting', () => {
  it('formatFixed is %.Nf: ties to even on the exact value, nan/inf', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.90625, 4)).toBe('0.9062');
    expect(formatFixed(0.96875, 4)).toBe('0.9688');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.005, 2)).toBe('1.00'); // 1.005 is 1.00499999... in binary
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(-0.125, 2)).toBe('-0.12');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(123.456, 1)).toBe('123.5');
    expect(formatFixed(Number.NaN, 4)).toBe('nan');
    expect(formatFixed(Infinity, 4)).toBe('inf');
    expect(formatFixed(-Infinity, 4)).toBe('-inf');
  });

  it('formatExponential is %.Ne with two exponent digits', () => {
    expect(formatExponential(0.0001, 4)).toBe('1.0000e-04');
    expect(formatExponential(0, 4)).toBe('0.0000e+00');
    expect(formatExponential(-0.00012345, 2)).toBe('-1.23e-04');
    expect(formatExponential(1.25e-5, 1)).toBe('1.3e-05'); // 1.25e-5 is 1.2500000000000000599e-05
    expect(formatExponential(1.25, 1)).toBe('1.2e+00');
    expect(formatExponential(2.5, 0)).toBe('2e+00');
    expect(formatExponential(1.5e100, 1)).toBe('1.5e+100');
  });

  it('formatGeneral is %.Ng, formatRepr is str(float)', () => {
    expect(formatGeneral(0.000123, 2)).toBe('0.00012');
    expect(formatGeneral(1234567, 3)).toBe('1.23e+06');
    expect(formatGeneral(1, 6)).toBe('1');
    expect(formatGeneral(0.5, 6)).toBe('0.5');
    expect(formatRepr(1)).toBe('1.0');
    expect(formatRepr(0.1)).toBe('0.1');
    expect(formatRepr(1e-5)).toBe('1e-05');
    expect(formatRepr(1.5e-7)).toBe('1.5e-07');
    expect(formatRepr(1e16)).toBe('1e+16');
    expect(formatRepr(123456789012345.6)).toBe('123456789012345.6');
    expect(formatRepr(0.0001)).toBe('0.0001');
    expect(formatRepr(-2.5)).toBe('-2.5');
    expect(formatRepr(0.6931471824645996)).toBe('0.6931471824645996');
  });

  it('formatLogs skips batch/size and writes tiny values as %.4e', () => {
    expect(formatLogs({ batch: 3, size: 32, loss: 0.5, acc: 0.0005, x: -0.25 })).toBe(' - loss: 0.5000 - acc: 5.0000e-04 - x: -0.2500');
  });
});
