import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData, zipBytes } from '@dlts/testing';
import { readNpz } from './npz';
import { elementBytes, npyBytes } from './test-builders';
import { listZip, readZipEntry } from './zip';

const tmp = mkdtempSync(join(tmpdir(), 'dlts-npz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

const a = npyBytes('<i4', [2, 2], elementBytes('i', 4, [1, 2, 3, 4], true));
const b = npyBytes('>f8', [3], elementBytes('f', 8, [0.5, -1, 2], false));

describe('readNpz', () => {
  it('reads stored and deflated members, with and without data descriptors', async () => {
    for (const [method, descriptor] of [[0, false], [8, false], [0, true], [8, true]] as const) {
      const zip = zipBytes([
        { name: 'a.npy', data: a, method, descriptor },
        { name: 'b.npy', data: b, method, descriptor },
        { name: 'notes.txt', data: new TextEncoder().encode('ignored'), method },
      ]);
      const arrays = await readNpz(zip);
      expect([...arrays.keys()]).toEqual(['a', 'b']);
      expect(arrays.get('a')).toEqual({ dtype: 'int32', shape: [2, 2], data: new Int32Array([1, 2, 3, 4]) });
      expect(arrays.get('b')).toEqual({ dtype: 'float64', shape: [3], data: new Float64Array([0.5, -1, 2]) });
    }
  });

  it('reads only the requested keys, and names the missing ones', async () => {
    const zip = zipBytes([{ name: 'a.npy', data: a }, { name: 'b.npy', data: b, method: 8 }]);
    expect([...(await readNpz(zip, { keys: ['b'] })).keys()]).toEqual(['b']);
    const error = await caught(readNpz(zip, { keys: ['b', 'x_train'], name: 'some.npz' }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toMatch(/some\.npz: missing array\(s\) x_train; the archive holds: a, b/);
  });

  it('reads the Keras mnist.npz layout (mnist_small.npz)', async () => {
    const path = sharedData('fixtures', 'mnist_small.npz');
    const arrays = await readNpz(path);
    expect([...arrays.keys()]).toEqual(['x_train', 'y_train', 'x_test', 'y_test']);
    const x = arrays.get('x_train')!;
    expect(x.dtype).toBe('uint8');
    expect(x.shape).toEqual([1000, 28, 28]);
    expect(arrays.get('x_test')!.shape).toEqual([200, 28, 28]);
    expect(arrays.get('y_train')!.shape).toEqual([1000]);
    expect(Array.from((arrays.get('y_train')!.data as Uint8Array).subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(Array.from((arrays.get('y_test')!.data as Uint8Array).subarray(0, 10))).toEqual([9, 0, 2, 5, 1, 9, 7, 8, 1, 0]);
  });

  it('rejects truncated.npz with DLTS_DATASET_FORMAT naming the file', async () => {
    const path = sharedData('fixtures', 'truncated.npz');
    const error = await caught(readNpz(path));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/truncated zip archive/);
  });

  it('refuses evil_global.npz (an object array whose pickle calls os.system) and runs nothing', async () => {
    const path = sharedData('fixtures', 'evil_global.npz');
    const marker = '/tmpx'; // what the pickle would `touch`
    const existedBefore = (() => { try { statSync(marker); return true; } catch { return false; } })();
    const error = await caught(readNpz(path));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toContain(`${path} (member x_train.npy): the pickle`);
    expect(error.message).toMatch(/member x_train\.npy\): the pickle refers to the global "os\.system", which is refused.*Nothing from the file was run/);
    const existsAfter = (() => { try { statSync(marker); return true; } catch { return false; } })();
    expect(existsAfter).toBe(existedBefore);
  });

  it('rejects damaged archives with a clear reason', async () => {
    const good = zipBytes([{ name: 'a.npy', data: a, method: 8 }]);
    const crc = good.slice();
    crc[30 + 'a.npy'.length + 3] ^= 0x55; // flip bits in the deflate data
    const e1 = await caught(readNpz(crc, { name: 'crc.npz' }));
    expect(e1.code).toBe('DLTS_DATASET_FORMAT');
    expect(e1.message).toMatch(/crc\.npz \(member a\.npy\): (CRC-32 mismatch|the deflate data is corrupt|wrong size)/);

    const stored = zipBytes([{ name: 'a.npy', data: a }]);
    const flipped = stored.slice();
    flipped[30 + 5 + 80] ^= 0x01;
    expect((await caught(readNpz(flipped, { name: 's.npz' }))).message).toMatch(/CRC-32 mismatch/);

    const notZip = await caught(readNpz(new TextEncoder().encode('hello world, not a zip at all'), { name: 'text.npz' }));
    expect(notZip.message).toMatch(/text\.npz: not a zip archive/);

    // Central directory present, but the member data cut away.
    const cut = good.slice();
    new DataView(cut.buffer).setUint32(cut.length - 22 + 16, 5, true);
    expect((await caught(readNpz(cut, { name: 'cd.npz' }))).message).toMatch(/cd\.npz: corrupt zip archive/);

    const method = good.slice();
    const cdAt = new DataView(method.buffer).getUint32(method.length - 22 + 16, true);
    new DataView(method.buffer).setUint16(cdAt + 10, 12, true);
    expect((await caught(readNpz(method, { name: 'bz.npz' }))).message).toMatch(/unsupported compression method 12/);

    const zip64 = good.slice();
    new DataView(zip64.buffer).setUint32(zip64.length - 22 + 16, 0xffffffff, true);
    expect((await caught(readNpz(zip64, { name: 'big.npz' }))).message).toMatch(/big\.npz: .*zip64/);
  });

  it('reports a missing file as DLTS_IO and never writes while reading', async () => {
    const path = join(tmp, 'x.npz');
    writeFileSync(path, zipBytes([{ name: 'a.npy', data: a }]));
    const before = readdirSync(tmp);
    const mtime = statSync(path).mtimeMs;
    await readNpz(path);
    expect(readdirSync(tmp)).toEqual(before);
    expect(statSync(path).mtimeMs).toBe(mtime);
    expect((await caught(readNpz(join(tmp, 'missing.npz')))).code).toBe('DLTS_IO');
  });
});

describe('zip reader', () => {
  it('lists members with sizes from the central directory and extracts them', async () => {
    const bytes = zipBytes([
      { name: 'dir/', data: new Uint8Array(0) },
      { name: 'dir/é.txt', data: new TextEncoder().encode('héllo'), method: 8, descriptor: true },
    ]);
    const entries = listZip(bytes, 'z.zip', 'test');
    expect(entries.map((e) => [e.name, e.isDirectory, e.size])).toEqual([
      ['dir/', true, 0],
      ['dir/é.txt', false, 6],
    ]);
    expect(new TextDecoder().decode(await readZipEntry(bytes, entries[1], 'z.zip', 'test'))).toBe('héllo');
    expect(readFileSync(sharedData('fixtures', 'mnist_small.npz')).length).toBeGreaterThan(0);
  });
});
