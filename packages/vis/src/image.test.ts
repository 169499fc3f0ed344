import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sharedData } from '@dlts/testing';
import { tf } from '@dlts/tensors';
import { afterAll, describe, expect, it } from 'vitest';
import { countColour, pixel, readPng } from '../test/pixels';
import { imageGrid, plotImage } from './image';

const dir = mkdtempSync(join(tmpdir(), 'vis-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first `n` real MNIST test digits (IDX: 16-byte header, then 28 x 28 bytes each). */
function mnistDigits(n: number): tf.Tensor3D {
  const bytes = gunzipSync(readFileSync(sharedData('mnist', 't10k-images-idx3-ubyte.gz')));
  return tf.tensor3d(Int32Array.from(bytes.subarray(16, 16 + n * 784)), [n, 28, 28], 'int32');
}

describe('plotImage', () => {
  it("draws the first MNIST test digit (a 7) as R's plot(as.raster(x, max = 255)): white strokes on black, upright", async () => {
    const digits = mnistDigits(1);
    const digit = tf.squeeze(digits, [0]);
    const before = tf.memory().numTensors;
    const file = await plotImage(digit, { file: join(dir, 'digit.png'), max: 255, scale: 10, interpolate: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(digit.isDisposed).toBe(false);
    const png = await readPng(file);
    expect([png.width, png.height]).toEqual([280, 280]);
    const values = digit.dataSync();
    // Every image pixel is a 10 x 10 block with the value's grey.
    for (const [r, c] of [[0, 0], [8, 10], [20, 20], [27, 27]]) {
      const g = values[r * 28 + c].toString(16).toUpperCase().padStart(2, '0');
      expect(pixel(png, c * 10 + 5, r * 10 + 5)).toBe(`#${g}${g}${g}`);
    }
    // Bright strokes (values >= 215 become 10 x 10 blocks) on a mostly black ground.
    const bright = Array.from(values).filter((v) => v >= 215).length;
    expect(countColour(png, '#FFFFFF', 40)).toBe(bright * 100);
    expect(countColour(png, '#000000', 0)).toBeGreaterThan(50_000);
    tf.dispose([digits, digit]);
  });

  it('takes RGB in [0, 1] (max 1 by default) and a batch of one, and enlarges smoothly by default', async () => {
    const rgb = tf.tidy(() => tf.concat([tf.ones([1, 10, 20, 1]), tf.zeros([1, 10, 20, 2])], 3));
    const png = await readPng(await plotImage(rgb, { file: join(dir, 'red.png') }));
    expect([png.width, png.height]).toEqual([280, 140]);
    expect(pixel(png, 140, 70)).toBe('#FF0000');
    rgb.dispose();
  });

  it('rejects what is not an image', async () => {
    const t = tf.zeros([2, 3, 4, 5]);
    await expect(plotImage(t, { file: join(dir, 'x.png') })).rejects.toThrow('plotImage: image must have shape [height, width], [height, width, 1|3|4] or [1, height, width, 1|3|4]. Received: shape=[2,3,4,5]');
    t.dispose();
    await expect(plotImage([[0, 1]], { file: join(dir, 'x.png'), scale: 0 })).rejects.toThrow('plotImage: scale must be an integer from 1 to 64. Received: scale=0');
  });
});

describe('imageGrid', () => {
  it('tiles the images in rows of ncol with titles, each cell showing its own image', async () => {
    const colours = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 0],
      [0, 1, 1],
    ];
    const images = colours.map((c) => tf.tidy(() => tf.mul(tf.ones([30, 30, 3]), tf.tensor1d(c))));
    const before = tf.memory().numTensors;
    const file = await imageGrid(images, { file: join(dir, 'grid.png'), ncol: 2, cellSize: 100, titles: ['a', 'b', 'c', 'd', 'e'] });
    expect(tf.memory().numTensors).toBe(before);
    const png = await readPng(file);
    // 2 columns of 100 px with a 2 px gap; 3 rows of 100 px with 10 px margins above and below.
    expect([png.width, png.height]).toEqual([202, 360]);
    expect(pixel(png, 50, 60)).toBe('#FF0000');
    expect(pixel(png, 152, 60)).toBe('#00FF00');
    expect(pixel(png, 50, 180)).toBe('#0000FF');
    expect(pixel(png, 152, 180)).toBe('#FFFF00');
    expect(pixel(png, 50, 300)).toBe('#00FFFF');
    // The sixth cell is empty (white), and titles are dark text in the margins.
    expect(pixel(png, 152, 300)).toBe('#FFFFFF');
    tf.dispose(images);
  });

  it('says what is wrong with its arguments', async () => {
    await expect(imageGrid([], { file: join(dir, 'g.png') })).rejects.toThrow('imageGrid: images must be a non-empty array. Received: images=[]');
    await expect(imageGrid([[[0]]], { file: join(dir, 'g.png'), titles: ['a', 'b'] })).rejects.toThrow('imageGrid: titles must have one entry per image (1). Received: titles=["a","b"]');
  });
});
