import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getZooFile, type FetchLike, type ZooFile } from './download';

const root = mkdtempSync(join(tmpdir(), 'dlts-zoo-dl-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

const body = Buffer.from('pretend these are VGG16 weights '.repeat(1000));
const file: ZooFile = { fileName: 'weights.h5', url: 'https://example.invalid/weights.h5', hash: createHash('md5').update(body).digest('hex'), size: body.length };

function fakeFetch(payload: Buffer, status = 200): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const f = (async (url: string) => {
    calls.push(url);
    return new Response(status === 200 ? new Uint8Array(payload) : 'not found', { status, headers: { 'content-length': String(payload.length) } });
  }) as FetchLike & { calls: string[] };
  f.calls = calls;
  return f;
}

const savedEnv = { KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('getZooFile', () => {
  it('downloads into <cache>/models through a verified temporary file, then serves the cached copy', async () => {
    process.env.KERAS_HOME = folder();
    const cacheDir = folder();
    const fetch = fakeFetch(body);
    const path = await getZooFile(file, { cacheDir, fetch, progress: false });
    expect(path).toBe(join(cacheDir, 'models', 'weights.h5'));
    expect(readFileSync(path).equals(body)).toBe(true);
    expect(readdirSync(join(cacheDir, 'models'))).toEqual(['weights.h5']);
    expect(await getZooFile(file, { cacheDir, fetch, progress: false })).toBe(path);
    expect(fetch.calls).toEqual([file.url]);
  });

  it("reuses a valid copy Keras downloaded into $KERAS_HOME/models (and ignores one whose hash is wrong)", async () => {
    const keras = folder();
    process.env.KERAS_HOME = keras;
    mkdirSync(join(keras, 'models'));
    writeFileSync(join(keras, 'models', 'weights.h5'), body);
    const fetch = fakeFetch(body);
    expect(await getZooFile(file, { cacheDir: folder(), fetch })).toBe(join(keras, 'models', 'weights.h5'));
    expect(fetch.calls).toEqual([]);
    writeFileSync(join(keras, 'models', 'weights.h5'), 'corrupt');
    const cacheDir = folder();
    expect(await getZooFile(file, { cacheDir, fetch, progress: false })).toBe(join(cacheDir, 'models', 'weights.h5'));
    expect(fetch.calls).toHaveLength(1);
  });

  it('fails with DLTS_DOWNLOAD and leaves nothing behind on a hash mismatch or an HTTP error; DLTS_OFFLINE forbids the network', async () => {
    process.env.KERAS_HOME = folder();
    const cacheDir = folder();
    await expect(getZooFile(file, { cacheDir, fetch: fakeFetch(Buffer.from('tampered')), progress: false })).rejects.toMatchObject({
      code: 'DLTS_DOWNLOAD',
      message: expect.stringMatching(/cannot download weights\.h5: .*https:\/\/example\.invalid\/weights\.h5.*md5 hash [0-9a-f]{32} does not match the expected/),
    });
    expect(readdirSync(join(cacheDir, 'models'))).toEqual([]);
    await expect(getZooFile(file, { cacheDir, fetch: fakeFetch(body, 404), progress: false })).rejects.toThrow(/HTTP 404/);
    expect(readdirSync(join(cacheDir, 'models'))).toEqual([]);
    process.env.DLTS_OFFLINE = '1';
    const fetch = fakeFetch(body);
    await expect(getZooFile(file, { cacheDir, fetch })).rejects.toThrow(
      `no valid copy of weights.h5 is cached and downloads are disabled (DLTS_OFFLINE=1). It would be downloaded from ${file.url}. Put a copy with md5 ${file.hash} at ${join(cacheDir, 'models', 'weights.h5')}`,
    );
    expect(fetch.calls).toEqual([]);
  });

  it('checks its argument', async () => {
    await expect(getZooFile({ fileName: '../x', url: 'u', hash: file.hash })).rejects.toMatchObject({ code: 'DLTS_VALUE' });
    await expect(getZooFile({ fileName: 'x', url: 'u', hash: 'abc' })).rejects.toMatchObject({ code: 'DLTS_VALUE' });
  });
});
