import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayToImage, imageToArray, saveImage } from './array';
import { imageLoad, type ColorMode } from './image';
import type { Interpolation } from './resize';

const fixtures = new URL('../../test/fixtures/', import.meta.url).pathname;
/** Pillow's load_img results (test/fixtures/make_resize.py). */
const expected = JSON.parse(readFileSync(join(fixtures, 'resize_expected.json'), 'utf8')) as {
  cases: { file: string; interpolation: Interpolation; color_mode: ColorMode; target_size: [number, number]; keep_aspect_ratio: boolean; output: number[] }[];
};
const dir = mkdtempSync(join(tmpdir(), 'dlts-image-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectDltsError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DltsError);
  expect((error as DltsError).code).toBe(code);
  expect((error as DltsError).message).toMatch(message);
}

describe('imageLoad matches Keras load_img (Pillow) pixel for pixel on lossless files', () => {
  it.each(expected.cases.map((c) => ({ ...c, name: `${c.file} ${c.color_mode} ${c.interpolation} -> ${c.target_size}${c.keep_aspect_ratio ? ' keep aspect' : ''}` })))(
    '$name',
    async (c) => {
      const img = await imageLoad(join(fixtures, c.file), {
        colorMode: c.color_mode,
        interpolation: c.interpolation,
        targetSize: c.target_size,
        keepAspectRatio: c.keep_aspect_ratio,
      });
      expect([img.height, img.width]).toEqual(c.target_size);
      expect(Array.from(img.data)).toEqual(c.output);
    },
  );
});

describe('image arrays', () => {
  it('imageToArray gives a float32 [h, w, c] tensor of 0..255 values', async () => {
    const img = await imageLoad(join(fixtures, 'resize_src_rgb.png'));
    const before = tf.memory().numTensors;
    const x = imageToArray(img);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(x.shape).toEqual([17, 23, 3]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.dataSync())).toEqual(Array.from(img.data));
    x.dispose();
  });

  it('arrayToImage scales to 0..255 by default and truncates, as Keras array_to_img', () => {
    const x = tf.tensor3d([-1, 0, 1, 3], [2, 2, 1]);
    expect(Array.from(arrayToImage(x).data)).toEqual([0, 63, 127, 255]);
    expect(Array.from(arrayToImage(tf.tensor3d([0.7, 254.9, 300, -4], [2, 2, 1]), { scale: false }).data)).toEqual([0, 254, 255, 0]);
    x.dispose();
    expect(() => arrayToImage(tf.zeros([2, 2]))).toThrow(/arrayToImage: x must be \[height, width, channels\] with 1, 3 or 4 channels\. Received: shape=\[2,2\]/);
  });

  it('saveImage writes a PNG that loads back to the same pixels', async () => {
    const x = tf.tensor3d(Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 7) % 256), [5, 4, 3]);
    const path = join(dir, 'out', 'saved.png');
    await saveImage(path, x, { scale: false });
    const back = await imageLoad(path);
    expect(Array.from(back.data)).toEqual(Array.from(x.dataSync()));
    x.dispose();
    await expectDltsError(saveImage(join(dir, 'x.bin'), back), 'DLTS_VALUE', /saveImage: cannot tell the format from the extension/);
  });

  it('decodes grayscale JPEGs to RGB by replication and BMPs with its own reader', async () => {
    const grey = join(dir, 'grey.jpg');
    await sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .greyscale()
      .jpeg()
      .toFile(grey);
    const img = await imageLoad(grey);
    expect(img.channels).toBe(3);
    expect(img.data[0]).toBe(img.data[1]);
    // A 2 x 2, 24-bit bottom-up BMP.
    const bmp = Buffer.alloc(54 + 16);
    bmp.write('BM', 0);
    bmp.writeUInt32LE(70, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(2, 18);
    bmp.writeInt32LE(2, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    // bottom row: blue, green; top row: red, white (BGR, rows padded to 8 bytes)
    Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0]).copy(bmp, 54);
    writeFileSync(join(dir, 'tiny.bmp'), bmp);
    const b = await imageLoad(join(dir, 'tiny.bmp'));
    expect(Array.from(b.data)).toEqual([255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 255, 0]);
  });

  it('scales 16-bit PNGs to 8 bits (the high byte, as Pillow reads 16-bit RGB)', async () => {
    const path = join(dir, 'deep.png');
    const raw = new Uint16Array([0, 65535, 32768, 256, 65535, 0]);
    await sharp(raw, { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toFile(path);
    expect(Array.from((await imageLoad(path)).data)).toEqual([0, 255, 128, 1, 255, 0]);
  });

  it('fails clearly on missing, empty and corrupt files', async () => {
    await expectDltsError(imageLoad(join(dir, 'nope.jpg')), 'DLTS_IO', /imageLoad: cannot read .*nope\.jpg/);
    writeFileSync(join(dir, 'empty.jpg'), '');
    await expectDltsError(imageLoad(join(dir, 'empty.jpg')), 'DLTS_DATASET_FORMAT', /empty\.jpg is empty \(0 bytes\)/);
    const good = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    writeFileSync(join(dir, 'cut.jpg'), good.subarray(0, good.length >> 1));
    await expectDltsError(imageLoad(join(dir, 'cut.jpg')), 'DLTS_DATASET_FORMAT', /imageLoad: cannot decode .*cut\.jpg/);
    await expect(imageLoad(join(fixtures, 'resize_src_rgb.png'), { colorMode: 'cmyk' as never })).rejects.toThrow(
      /colorMode must be "grayscale", "rgb", or "rgba"\. Received: colorMode="cmyk"/,
    );
    await expect(imageLoad(join(fixtures, 'resize_src_rgb.png'), { targetSize: [0, 3] })).rejects.toThrow(/targetSize must be \[height, width\] in pixels\. Received: targetSize=\[0,3\]/);
  });
});
