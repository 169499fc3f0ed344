import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataDir, hashFile, isOffline, kerasHome, validateFile } from './cache';
import { downloadFile, setFetch } from './download';
import { getFile, getFileWithOrigin } from './get-file';
import { zipBytes } from '@dlts/testing';
import { tarBytes } from './test-builders';

const body = new Uint8Array(300_000).map((_, i) => (i * 7 + 3) & 0xff);
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('hex');
const tarGz = tarBytes(
  [
    { name: 'pkg/', type: '5' },
    { name: 'pkg/a.txt', data: new TextEncoder().encode('alpha') },
    { name: '../escape.txt', data: new TextEncoder().encode('evil') },
    { name: '/abs.txt', data: new TextEncoder().encode('evil') },
    { name: 'pkg/link', type: '2', linkName: '/etc/passwd' },
  ],
  { gzip: true },
);
const zip = zipBytes([
  { name: 'z/b.txt', data: new TextEncoder().encode('beta'), method: 8 },
  { name: '../../zip-escape.txt', data: new TextEncoder().encode('evil') },
  { name: 'z/link', data: new TextEncoder().encode('/etc/passwd'), unixMode: 0o120777 },
]);

let server: Server;
let base = '';
const hits = new Map<string, number>();
const waiting: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url.startsWith('/file.bin') || url.startsWith('/other/file.bin')) {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } else if (url === '/slow.bin') {
      // Trickle the body in chunks so that concurrent downloads overlap.
      res.writeHead(200, { 'content-length': body.length });
      let p = 0;
      const step = () => {
        if (p >= body.length) return res.end();
        res.write(body.subarray(p, p + 50_000));
        p += 50_000;
        setTimeout(step, 5);
      };
      step();
    } else if (url === '/barrier.bin') {
      // Hold every response until two requests are in flight, so two downloads surely overlap.
      waiting.push(res);
      const release = () => {
        for (const r of waiting.splice(0)) {
          r.writeHead(200, { 'content-length': body.length });
          r.end(body);
        }
      };
      if (waiting.length >= 2) release();
      else setTimeout(release, 5000);
    } else if (url === '/chunked.bin') {
      res.writeHead(200);
      res.write(body.subarray(0, 1000));
      res.end(body.subarray(1000));
    } else if (url === '/error.bin') {
      res.writeHead(500, 'Internal Server Error');
      res.end('boom');
    } else if (url === '/interrupted.bin') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100_000), () => setTimeout(() => res.socket?.destroy(), 20));
    } else if (url === '/pkg.tar.gz') {
      res.writeHead(200, { 'content-length': tarGz.length });
      res.end(tarGz);
    } else if (url === '/pkg.zip') {
      res.writeHead(200, { 'content-length': zip.length });
      res.end(zip);
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let root = '';
let cacheDir = '';
let keras = '';
const saved = { DLTS_DATA_DIR: process.env.DLTS_DATA_DIR, KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dlts-getfile-'));
  cacheDir = join(root, 'dlts');
  keras = join(root, 'keras');
  process.env.DLTS_DATA_DIR = cacheDir;
  process.env.KERAS_HOME = keras;
  delete process.env.DLTS_OFFLINE;
  hits.clear();
});
afterEach(() => {
  setFetch(undefined);
  rmSync(root, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/** Every file under a folder, relative, sorted (to prove nothing half-written is left). */
function listAll(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('cache locations and hashing', () => {
  it('follows DLTS_DATA_DIR, KERAS_HOME and DLTS_OFFLINE', () => {
    expect(dataDir()).toBe(cacheDir);
    expect(kerasHome()).toBe(keras);
    expect(isOffline()).toBe(false);
    for (const on of ['1', 'true', 'yes']) {
      process.env.DLTS_OFFLINE = on;
      expect(isOffline()).toBe(true);
    }
    for (const off of ['0', 'false', '']) {
      process.env.DLTS_OFFLINE = off;
      expect(isOffline()).toBe(false);
    }
    delete process.env.DLTS_DATA_DIR;
    expect(dataDir()).toMatch(/\.cache[\\/]dlts$/);
  });

  it('hashes files with sha256 and md5 (auto by length, as Keras)', async () => {
    const path = join(root, 'f.bin');
    writeFileSync(path, body);
    expect(await hashFile(path)).toBe(sha256);
    expect(await hashFile(path, 'md5')).toBe(md5);
    expect(await validateFile(path, sha256)).toBe(true);
    expect(await validateFile(path, md5)).toBe(true);
    expect(await validateFile(path, sha256.toUpperCase(), 'sha256')).toBe(true);
    expect(await validateFile(path, md5, 'sha256')).toBe(false);
    expect(await validateFile(join(root, 'missing'), md5)).toBe(false);
  });
});

describe('getFile', () => {
  it('downloads into <DLTS_DATA_DIR>/datasets, verifies, then reuses the cached copy', async () => {
    const first = await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256, progress: false });
    expect(first).toEqual({ path: join(cacheDir, 'datasets', 'file.bin'), origin: 'download' });
    expect(readFileSync(first.path).equals(body)).toBe(true);
    expect(listAll(cacheDir)).toEqual([join('datasets', 'file.bin')]);
    const second = await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 });
    expect(second).toEqual({ path: first.path, origin: 'cache' });
    expect(hits.get('/file.bin')).toBe(1);
    // md5 works too; fname defaults to the URL's last segment; cacheSubdir is honoured.
    const other = await getFile(undefined, { origin: `${base}/other/file.bin?x=1`, fileHash: md5, cacheSubdir: 'models' });
    expect(other).toBe(join(cacheDir, 'models', 'file.bin'));
    // Without a hash an existing file is trusted (as Keras).
    expect(await getFile('file.bin', { origin: `${base}/file.bin` })).toBe(first.path);
    expect(hits.get('/file.bin')).toBe(1);
  });

  it('re-downloads when the cached copy does not match the hash, and forceDownload', async () => {
    const path = join(cacheDir, 'datasets', 'file.bin');
    mkdirSync(join(cacheDir, 'datasets'), { recursive: true });
    writeFileSync(path, 'stale');
    expect(await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 })).toEqual({ path, origin: 'download' });
    expect(readFileSync(path).equals(body)).toBe(true);
    await getFile('file.bin', { origin: `${base}/file.bin`, fileHash: sha256, forceDownload: true });
    expect(hits.get('/file.bin')).toBe(2);
  });

  it('accepts a body without Content-Length', async () => {
    const path = await getFile('chunked.bin', { origin: `${base}/chunked.bin`, fileHash: sha256 });
    expect(readFileSync(path).equals(body)).toBe(true);
  });

  it('fails on a hash mismatch and leaves no file behind', async () => {
    const error = await caught(getFile('file.bin', { origin: `${base}/file.bin`, fileHash: 'a'.repeat(64) }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toContain(`${base}/file.bin`);
    expect(error.message).toMatch(/sha256 hash .* does not match/);
    expect(error.message).toContain(join(cacheDir, 'datasets', 'file.bin'));
    expect(listAll(cacheDir)).toEqual([]);
  });

  it('fails on a server error, naming the URL and the local paths that would do', async () => {
    const error = await caught(getFile('error.bin', { origin: `${base}/error.bin`, fileHash: sha256 }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toContain(`${base}/error.bin`);
    expect(error.message).toMatch(/HTTP 500 Internal Server Error/);
    expect(error.message).toContain(join(cacheDir, 'datasets', 'error.bin'));
    expect(error.message).toContain(join(keras, 'datasets', 'error.bin'));
    expect(listAll(cacheDir)).toEqual([]);
  });

  it('fails on an interrupted body (no hash given) and leaves no file a later run would trust', async () => {
    const error = await caught(getFile('interrupted.bin', { origin: `${base}/interrupted.bin` }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toMatch(/interrupted/);
    expect(listAll(cacheDir)).toEqual([]);
    // A connection refused is a DLTS_DOWNLOAD too.
    const refused = await caught(getFile('x.bin', { origin: 'http://127.0.0.1:1/x.bin' }));
    expect(refused.code).toBe('DLTS_DOWNLOAD');
    expect(refused.message).toContain('http://127.0.0.1:1/x.bin');
  });

  it('lets two concurrent downloads of the same file both succeed', async () => {
    const options = { origin: `${base}/slow.bin`, fileHash: sha256 };
    const paths = await Promise.all([getFile('slow.bin', options), getFile('slow.bin', options), getFile('slow.bin', options)]);
    expect(new Set(paths).size).toBe(1);
    expect(readFileSync(paths[0]).equals(body)).toBe(true);
    expect(hits.get('/slow.bin')).toBe(3);
    expect(listAll(cacheDir)).toEqual([join('datasets', 'slow.bin')]);
  });

  it('lets two processes download the same file at once, both succeeding', async () => {
    const script = [
      `const { getFile } = await import(${JSON.stringify(new URL('./get-file.ts', import.meta.url).pathname)});`,
      `const path = await getFile('barrier.bin', { origin: ${JSON.stringify(`${base}/barrier.bin`)}, fileHash: ${JSON.stringify(sha256)} });`,
      'process.stdout.write(path);',
    ].join('\n');
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--conditions=@dlts/source', '--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toBe(join(cacheDir, 'datasets', 'barrier.bin'));
    }
    expect(hits.get('/barrier.bin')).toBe(2);
    expect(readFileSync(join(cacheDir, 'datasets', 'barrier.bin')).equals(body)).toBe(true);
    expect(listAll(cacheDir)).toEqual([join('datasets', 'barrier.bin')]);
  });

  it('reuses a valid copy in the Keras cache (never writing there) and ignores an invalid one', async () => {
    const kerasPath = join(keras, 'datasets', 'file.bin');
    mkdirSync(join(keras, 'datasets'), { recursive: true });
    writeFileSync(kerasPath, body);
    expect(await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 })).toEqual({ path: kerasPath, origin: 'keras-cache' });
    expect(hits.get('/file.bin')).toBeUndefined();
    expect(listAll(cacheDir)).toEqual([]);

    writeFileSync(kerasPath, 'corrupt');
    const got = await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 });
    expect(got).toEqual({ path: join(cacheDir, 'datasets', 'file.bin'), origin: 'download' });
    expect(readFileSync(kerasPath, 'utf8')).toBe('corrupt');
    // useKerasCache: false skips it.
    rmSync(got.path);
    writeFileSync(kerasPath, body);
    expect((await getFileWithOrigin('file.bin', { origin: `${base}/file.bin`, fileHash: sha256, useKerasCache: false })).origin).toBe('download');
  });

  it('refuses the network when DLTS_OFFLINE=1, saying which URL and local paths would satisfy it', async () => {
    process.env.DLTS_OFFLINE = '1';
    const error = await caught(getFile('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toContain(`${base}/file.bin`);
    expect(error.message).toContain('DLTS_OFFLINE=1');
    expect(error.message).toContain(join(cacheDir, 'datasets', 'file.bin'));
    expect(error.message).toContain(join(keras, 'datasets', 'file.bin'));
    expect(error.message).toContain(sha256);
    expect(hits.size).toBe(0);
    // A cached copy still works offline.
    mkdirSync(join(keras, 'datasets'), { recursive: true });
    writeFileSync(join(keras, 'datasets', 'file.bin'), body);
    expect(await getFile('file.bin', { origin: `${base}/file.bin`, fileHash: sha256 })).toBe(join(keras, 'datasets', 'file.bin'));
  });

  it('uses an injected fetch (setFetch, or the fetch option)', async () => {
    const seen: string[] = [];
    setFetch(async (url) => {
      seen.push(url);
      return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
    });
    const path = await getFile('mirror.bin', { origin: 'https://example.invalid/mirror.bin', fileHash: sha256 });
    expect(readFileSync(path).equals(body)).toBe(true);
    expect(seen).toEqual(['https://example.invalid/mirror.bin']);
    const viaOption = await getFile('opt.bin', {
      origin: 'https://example.invalid/opt.bin',
      fetch: async () => new Response('nope', { status: 404, statusText: 'Not Found' }),
    }).catch((e: Error) => e.message);
    expect(viaOption).toMatch(/HTTP 404 Not Found/);
  });

  it('rejects bad arguments', async () => {
    expect((await caught(getFile('a/b.bin', { origin: `${base}/file.bin` }))).code).toBe('DLTS_VALUE');
    expect((await caught(getFile('x', { origin: '' }))).code).toBe('DLTS_VALUE');
    expect((await caught(getFile(undefined, { origin: `${base}/` }))).code).toBe('DLTS_VALUE');
  });

  it('extracts a tar.gz safely (skipping ../, absolute paths and links) with Keras naming', async () => {
    const dir = await getFile('pkg.tar.gz', { origin: `${base}/pkg.tar.gz`, extract: true });
    expect(dir).toBe(join(cacheDir, 'datasets', 'pkg_extracted'));
    expect(readFileSync(join(dir, 'pkg', 'a.txt'), 'utf8')).toBe('alpha');
    expect(listAll(root).filter((p) => p.includes('escape') || p.includes('abs.txt'))).toEqual([]);
    expect(existsSync(join(dir, 'pkg', 'link'))).toBe(false);
    expect(listAll(cacheDir)).toEqual([join('datasets', 'pkg.tar.gz'), join('datasets', 'pkg_extracted', 'pkg', 'a.txt')]);
    // Second call: cached archive, existing folder.
    expect(await getFile('pkg.tar.gz', { origin: `${base}/pkg.tar.gz`, extract: true })).toBe(dir);
    expect(hits.get('/pkg.tar.gz')).toBe(1);
  });

  it('extracts a zip, and without fname names the folder after the URL', async () => {
    const dir = await getFile(undefined, { origin: `${base}/pkg.zip`, extract: true });
    expect(dir).toBe(join(cacheDir, 'datasets', 'pkg.zip'));
    expect(readFileSync(join(dir, 'z', 'b.txt'), 'utf8')).toBe('beta');
    expect(existsSync(join(dir, 'z', 'link'))).toBe(false);
    expect(listAll(root).filter((p) => p.includes('escape'))).toEqual([]);
    expect(existsSync(join(cacheDir, 'datasets', 'pkg.zip_archive'))).toBe(true);
  });
});

describe('downloadFile', () => {
  it('writes through a temporary file and returns the digest', async () => {
    const target = join(root, 'deep', 'folder', 'out.bin');
    const result = await downloadFile(`${base}/file.bin`, target, { fileHash: md5, hashAlgorithm: 'md5', progress: false });
    expect(result).toEqual({ bytes: body.length, hash: md5 });
    expect(listAll(join(root, 'deep'))).toEqual([join('folder', 'out.bin')]);
  });

  it('shows progress on stderr only when asked (default: only on a TTY)', async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await downloadFile(`${base}/file.bin`, join(root, 'quiet.bin'), { progress: false });
      expect(written).toEqual([]);
      await downloadFile(`${base}/file.bin`, join(root, 'loud.bin'), { progress: true });
    } finally {
      process.stderr.write = original;
    }
    expect(written.join('')).toMatch(/Downloading http:\/\/127\.0\.0\.1:\d+\/file\.bin: 0\.3 MB, done\./);
  });

  it('removes day-old .part leftovers of killed downloads, keeps fresh ones (another process may own them)', async () => {
    const old = join(root, '.x.bin.123.abc.part');
    const fresh = join(root, '.x.bin.456.def.part');
    writeFileSync(old, 'half');
    writeFileSync(fresh, 'half');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    utimesSync(old, dayAgo, dayAgo);
    await downloadFile(`${base}/file.bin`, join(root, 'x.bin'), { fileHash: sha256 });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('leaves an older good file untouched when a new download fails', async () => {
    const target = join(root, 'keep.bin');
    writeFileSync(target, 'old');
    await caught(downloadFile(`${base}/interrupted.bin`, target));
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(root).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});
