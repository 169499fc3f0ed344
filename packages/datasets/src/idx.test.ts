import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '@dlts/testing';
import { parseIdx, readIdx } from './idx';
import { idxBytes } from './test-builders';

const tmp = mkdtempSync(join(tmpdir(), 'dlts-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function formatError(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('readIdx on hand-built files', () => {
  it('reads a raw ubyte image file (magic 0x00000803)', async () => {
    const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const arr = await readIdx(idxBytes(0x08, [2, 3, 4], values));
    expect(arr.dtype).toBe('uint8');
    expect(arr.shape).toEqual([2, 3, 4]);
    expect(arr.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(arr.data)).toEqual(values);
  });

  it('reads a gzipped label file (magic 0x00000801), from bytes and from a path', async () => {
    const bytes = idxBytes(0x08, [5], [5, 0, 4, 1, 9], { gzip: true });
    expect(Array.from((await readIdx(bytes)).data)).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(parseIdx(bytes).data)).toEqual([5, 0, 4, 1, 9]);
    const path = join(tmp, 'labels-idx1-ubyte.gz');
    writeFileSync(path, bytes);
    const arr = await readIdx(path);
    expect(arr.shape).toEqual([5]);
    expect(Array.from(arr.data)).toEqual([5, 0, 4, 1, 9]);
  });

  it('decodes the big-endian types 0x09, 0x0B, 0x0C, 0x0D, 0x0E', async () => {
    const cases: [number, string, number[]][] = [
      [0x09, 'int8', [-128, -1, 0, 127]],
      [0x0b, 'int16', [-32768, -2, 258, 32767]],
      [0x0c, 'int32', [-2147483648, -3, 16909060, 2147483647]],
      [0x0d, 'float32', [-1.5, 0, 0.25, 1048576.5]],
      [0x0e, 'float64', [-1e-300, Math.PI, 0, 1e300]],
    ];
    for (const [code, dtype, values] of cases) {
      const arr = await readIdx(idxBytes(code, [2, 2], values));
      expect(arr.dtype).toBe(dtype);
      expect(arr.shape).toEqual([2, 2]);
      expect(Array.from(arr.data)).toEqual(values);
    }
  });

  it('rejects a bad magic number, naming the file', async () => {
    const bytes = idxBytes(0x08, [2], [1, 2]);
    bytes[0] = 0x12;
    const path = join(tmp, 'bad-magic-idx1-ubyte');
    writeFileSync(path, bytes);
    const error = await formatError(readIdx(path));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/bad magic number 0x12000801/);
  });

  it('rejects an unknown type code', async () => {
    const bytes = idxBytes(0x08, [2], [1, 2]);
    bytes[2] = 0x0a;
    const error = await formatError(readIdx(bytes, { name: 'weird.idx' }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toMatch(/weird\.idx.*unknown IDX type code 0x0A/);
  });

  it('rejects a truncated header, truncated data and trailing bytes', async () => {
    const good = idxBytes(0x08, [3, 2, 2], new Array(12).fill(7));
    const shortHeader = await formatError(readIdx(good.subarray(0, 10), { name: 'short.idx' }));
    expect(shortHeader.code).toBe('DLTS_DATASET_FORMAT');
    expect(shortHeader.message).toMatch(/short\.idx: truncated: the header of 3 dimensions needs 16 bytes, found 10/);

    const shortData = await formatError(readIdx(good.subarray(0, good.length - 1), { name: 'cut.idx' }));
    expect(shortData.message).toMatch(/cut\.idx: truncated: shape \[3, 2, 2\] of uint8 needs 12 bytes .* found 11/);

    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    const extra = await formatError(readIdx(longer, { name: 'long.idx' }));
    expect(extra.message).toMatch(/long\.idx: wrong size: .*3 extra/);

    const tiny = await formatError(readIdx(new Uint8Array([0, 0])));
    expect(tiny.message).toMatch(/<bytes>: truncated/);
  });

  it('rejects corrupt and truncated gzip, naming the file', async () => {
    const gz = idxBytes(0x08, [100], new Array(100).fill(3), { gzip: true });
    const cut = join(tmp, 'cut-idx1-ubyte.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 10));
    const e1 = await formatError(readIdx(cut));
    expect(e1.code).toBe('DLTS_DATASET_FORMAT');
    expect(e1.message).toContain(cut);
    expect(e1.message).toMatch(/gzip data is corrupt or truncated/);

    const garbled = gz.slice();
    garbled[12] ^= 0xff;
    garbled[13] ^= 0xff;
    const e2 = await formatError(readIdx(garbled, { name: 'garbled.gz' }));
    expect(e2.code).toBe('DLTS_DATASET_FORMAT');
    expect(e2.message).toMatch(/garbled\.gz: the gzip data is corrupt/);
    expect(() => parseIdx(garbled, { name: 'garbled.gz' })).toThrow(/garbled\.gz: the gzip data is corrupt/);
  });

  it('reports a missing file as DLTS_IO and writes nothing', async () => {
    const before = readdirSync(tmp).sort();
    const error = await formatError(readIdx(join(tmp, 'nope.gz')));
    expect(error.code).toBe('DLTS_IO');
    expect(error.message).toContain('nope.gz');
    expect(readdirSync(tmp).sort()).toEqual(before);
  });
});

describe('readIdx on the real MNIST files', () => {
  it('reads t10k-images: the raw bytes have the published md5 and decode to [10000, 28, 28]', async () => {
    const path = sharedData('mnist', 't10k-images-idx3-ubyte.gz');
    const raw = gunzipSync(readFileSync(path));
    expect(createHash('md5').update(raw).digest('hex')).toBe('2646ac647ad5339dbf082846283269ea');
    const arr = await readIdx(path);
    expect(arr.dtype).toBe('uint8');
    expect(arr.shape).toEqual([10000, 28, 28]);
    expect(Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength).equals(raw.subarray(16))).toBe(true);
  });

  it('reads t10k-labels: 7 2 1 0 4 1 4 9 5 9', async () => {
    const arr = await readIdx(sharedData('mnist', 't10k-labels-idx1-ubyte.gz'));
    expect(arr.shape).toEqual([10000]);
    expect(Array.from(arr.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('reads train-labels: 5 0 4 1 9 2 1 3 1 4', async () => {
    const arr = await readIdx(sharedData('mnist', 'train-labels-idx1-ubyte.gz'));
    expect(arr.shape).toEqual([60000]);
    expect(Array.from(arr.data.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });
});
