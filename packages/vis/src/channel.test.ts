import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@dlts/tensors';
import { afterAll, describe, expect, it } from 'vitest';
import { countColour, pixel, readPng } from '../test/pixels';
import { activationGrid, imageColourIndex, plotChannel } from './channel';
import { terrainColors } from './colors';

const dir = mkdtempSync(join(tmpdir(), 'vis-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TERRAIN = terrainColors(12);

describe("imageColourIndex (R's image() binning)", () => {
  it('bins the range into n equal colours: min -> first, max -> last', () => {
    // floor((12 - 1e-5) * z + 1e-7): the first boundary sits just above 1/12 (at 1/12 + 6.1e-8).
    expect(Array.from(imageColourIndex([0, 1 / 12 + 3e-8, 1 / 12 + 1e-7, 0.5, 1], 12))).toEqual([0, 0, 1, 5, 11]);
    expect(Array.from(imageColourIndex([-3, 7, 2], 12))).toEqual([0, 11, 5]);
  });

  it("follows R for flat channels (dead ReLU filters) and missing values", () => {
    // zlim = c(-1, 1) for all zeros: z = 0.5 -> colour 6 of 12 (index 5).
    expect(Array.from(imageColourIndex([0, 0, 0], 12))).toEqual([5, 5, 5]);
    // zlim = 2 +- 0.8 for all twos: also the middle.
    expect(Array.from(imageColourIndex([2, 2], 12))).toEqual([5, 5]);
    expect(Array.from(imageColourIndex([NaN, 0, 1], 12))).toEqual([-1, 0, 11]);
  });
});

describe('plotChannel', () => {
  it("draws the matrix upright (the course's rotate + image): row 1 at the top, column 1 at the left", async () => {
    // Top-left is the maximum, bottom-right the minimum.
    const m = [
      [9, 5, 4],
      [5, 4, 3],
      [4, 3, 0],
    ];
    const png = await readPng(await plotChannel(m, { file: join(dir, 'm.png'), scale: 10, palette: 'terrain' }));
    expect([png.width, png.height]).toEqual([30, 30]);
    expect(pixel(png, 5, 5)).toBe(TERRAIN[11]);
    expect(pixel(png, 25, 25)).toBe(TERRAIN[0]);
    // 4 -> floor(11.99999 * 4/9 + 1e-7) = 5; 3 -> 3; 5 -> 6.
    expect(pixel(png, 25, 5)).toBe(TERRAIN[5]);
    expect(pixel(png, 25, 15)).toBe(TERRAIN[3]);
    expect(pixel(png, 15, 5)).toBe(TERRAIN[6]);
  });

  it('picks a channel of a [1, h, w, c] activation (R: x[1,,,5] is channel 4) and leaves the tensor alone', async () => {
    const act = tf.tidy(() => {
      const ramp = tf.reshape(tf.range(0, 148 * 148), [148, 148]);
      return tf.reshape(tf.stack([tf.zeros([148, 148]), ramp, tf.neg(ramp)], 2), [1, 148, 148, 3]);
    });
    const before = tf.memory().numTensors;
    const png = await readPng(await plotChannel(act, { file: join(dir, 'act.png'), channel: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    expect([png.width, png.height]).toEqual([296, 296]);
    // A ramp along rows: all 12 colours, increasing downwards; the top row is the first colour.
    for (const c of TERRAIN) expect(countColour(png, c, 0)).toBeGreaterThan(1000);
    expect(pixel(png, 10, 0)).toBe(TERRAIN[0]);
    expect(pixel(png, 10, 295)).toBe(TERRAIN[11]);
    await expect(plotChannel(act, { file: join(dir, 'x.png') })).rejects.toThrow('plotChannel: the activation has 3 channels; choose one with channel (0-based). Received: channel=undefined');
    await expect(plotChannel(act, { file: join(dir, 'x.png'), channel: 3 })).rejects.toThrow('plotChannel: channel must be an integer from 0 to 2. Received: channel=3');
    act.dispose();
  });
});

describe('activationGrid', () => {
  it('tiles every channel of every layer, 16 per row, one block per layer', async () => {
    const a = tf.tidy(() => tf.randomUniform([1, 20, 20, 20], 0, 1, 'float32', 1));
    const b = tf.tidy(() => tf.randomUniform([1, 10, 10, 4], 0, 1, 'float32', 2));
    const before = tf.memory().numTensors;
    const png = await readPng(await activationGrid([a, b], { file: join(dir, 'grid.png'), layerNames: ['conv2d', 'max_pooling2d'], cellSize: 20 }));
    expect(tf.memory().numTensors).toBe(before);
    // 16 cells of 20 px with 2 px gaps; layer 1 has 2 rows, layer 2 one row, each with a 22 px title and 6 px after.
    expect(png.width).toBe(16 * 20 + 15 * 2);
    expect(png.height).toBe(22 + 2 * 22 + 6 + 22 + 22 + 6);
    // The first cell of layer 2 is coloured; the 5th (no 5th channel) is white.
    const y2 = 22 + 2 * 22 + 6 + 22;
    expect(TERRAIN).toContain(pixel(png, 10, y2 + 10));
    expect(pixel(png, 4 * 22 + 10, y2 + 10)).toBe('#FFFFFF');
    tf.dispose([a, b]);
    await expect(activationGrid([a], { file: join(dir, 'x.png'), layerNames: [] })).rejects.toThrow('activationGrid: layerNames must have one name per activation (1). Received: layerNames=[]');
  });
});
