import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DltsError } from '@dlts/tensors';
import { zipBytes } from '@dlts/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCatsVsDogs, makeSmallCatsDogs } from './cats_vs_dogs';
import { makeSyntheticCatsDogs, withJfifHeader } from './synthetic';
import { extractZip } from './zip_extract';

const root = mkdtempSync(join(tmpdir(), 'dlts-catsdogs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A test archive: deflated members, optionally a Unix symbolic link. */
function makeZip(members: { name: string; data?: Buffer; symlink?: boolean }[]): Buffer {
  return Buffer.from(zipBytes(members.map((m) => ({ name: m.name, data: m.data, method: 8 as const, unixMode: m.symlink ? 0o120777 : 0o100644 }))));
}

let jpeg: Buffer;
let png: Buffer;
let archive: Buffer;
beforeAll(async () => {
  jpeg = Buffer.from(withJfifHeader(await sharp({ create: { width: 24, height: 16, channels: 3, background: '#aa5533' } }).jpeg().toBuffer()));
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } }).png().toBuffer();
  archive = makeZip([
    { name: 'PetImages/' },
    { name: 'PetImages/Cat/1.jpg', data: jpeg },
    { name: 'PetImages/Cat/2.jpg', data: jpeg },
    { name: 'PetImages/Cat/3.jpg', data: png }, // not JFIF: keras.io deletes it
    { name: 'PetImages/Cat/Thumbs.db', data: Buffer.from('thumbs') },
    { name: 'PetImages/Dog/1.jpg', data: jpeg },
    { name: 'PetImages/Dog/2.jpg', data: jpeg.subarray(0, jpeg.length >> 1) }, // JFIF but truncated
    { name: 'PetImages/Dog/3.jpg', data: jpeg },
    { name: 'readme[1].txt', data: Buffer.from('hello') },
    { name: '../escape.txt', data: Buffer.from('no') },
    { name: '/etc/absolute.txt', data: Buffer.from('no') },
    { name: 'PetImages/link', data: Buffer.from('/etc/passwd'), symlink: true },
  ]);
});

/** A fetch serving `archive`, honouring Range, optionally breaking after `breakAfter` bytes. */
function server(breakAfter?: number) {
  const calls: (string | undefined)[] = [];
  const fetch = async (_url: string, init?: { headers?: Record<string, string> }) => {
    const range = init?.headers?.Range;
    calls.push(range);
    const start = range ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
    const body = archive.subarray(start);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (breakAfter !== undefined && start === 0 && sent >= breakAfter) {
          controller.error(new Error('connection reset'));
          return;
        }
        const chunk = body.subarray(sent, sent + 100);
        sent += chunk.length;
        if (chunk.length === 0) controller.close();
        else controller.enqueue(new Uint8Array(chunk));
      },
    });
    const headers = new Headers(range ? { 'content-range': `bytes ${start}-${archive.length - 1}/${archive.length}`, 'content-length': String(body.length) } : { 'content-length': String(archive.length) });
    return new Response(stream, { status: range ? 206 : 200, headers });
  };
  return { fetch, calls };
}

describe('downloadCatsVsDogs', () => {
  it('resumes a broken download, extracts safely and filters as keras.io', async () => {
    const dir = join(root, 'dl');
    const first = server(250);
    const logs: string[] = [];
    await expect(downloadCatsVsDogs({ dir, fetch: first.fetch, log: (l) => logs.push(l), progress: false })).rejects.toThrow(/the transfer broke after \d+ bytes \(run again to resume\)/);
    expect(existsSync(join(dir, 'kagglecatsanddogs_5340.zip.part'))).toBe(true);
    const second = server();
    const result = await downloadCatsVsDogs({ dir, fetch: second.fetch, log: (l) => logs.push(l), progress: false });
    expect(second.calls[0]).toMatch(/^bytes=\d+-$/);
    expect(result).toMatchObject({ cats: 2, dogs: 2, deletedNotJfif: 2, deletedCorrupt: 1 });
    expect(readdirSync(join(result.dir, 'Cat')).sort()).toEqual(['1.jpg', '2.jpg']);
    expect(readdirSync(join(result.dir, 'Dog')).sort()).toEqual(['1.jpg', '3.jpg']);
    expect(logs).toContain('Deleted 2 images.');
    expect(logs.some((l) => /Skipped 3 unsafe archive member\(s\)/.test(l))).toBe(true);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
    expect(existsSync(join(dir, 'kagglecatsanddogs_5340.zip'))).toBe(false);
    // A finished folder is reused without any download.
    const third = server();
    expect((await downloadCatsVsDogs({ dir, fetch: third.fetch, log: () => undefined })).cats).toBe(2);
    expect(third.calls).toHaveLength(0);
  });

  it('says which URL and which path would satisfy it when offline', async () => {
    process.env.DLTS_OFFLINE = '1';
    try {
      const error = await downloadCatsVsDogs({ dir: join(root, 'offline'), log: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DltsError);
      expect((error as DltsError).code).toBe('DLTS_DOWNLOAD');
      expect((error as DltsError).message).toMatch(/download\.microsoft\.com.*put a copy at .*offline.*kagglecatsanddogs_5340\.zip/);
    } finally {
      delete process.env.DLTS_OFFLINE;
    }
  });

  it('refuses damaged archives', async () => {
    const bad = join(root, 'bad.zip');
    const copy = Buffer.from(archive);
    const at = copy.indexOf('PetImages/Cat/1.jpg') + 'PetImages/Cat/1.jpg'.length + 20;
    copy[at] ^= 0xff; // inside the first file's data
    writeFileSync(bad, copy);
    await expect(extractZip(bad, join(root, 'bad-out'))).rejects.toThrow(/does not inflate|CRC-32|has \d+ bytes/);
    writeFileSync(bad, archive.subarray(0, archive.length - 30));
    await expect(extractZip(bad, join(root, 'bad-out'))).rejects.toThrow(/not a complete zip archive/);
  });
});

describe('makeSmallCatsDogs', () => {
  it('builds the course layout from a Kaggle train folder and prints the course counts', async () => {
    const kaggle = join(root, 'kaggle');
    mkdirSync(kaggle);
    for (let i = 0; i <= 9; i++) {
      writeFileSync(join(kaggle, `cat.${i}.jpg`), jpeg);
      writeFileSync(join(kaggle, `dog.${i}.jpg`), jpeg);
    }
    const logs: string[] = [];
    const small = await makeSmallCatsDogs({ sourceDir: kaggle, baseDir: join(root, 'small'), train: 4, validation: 2, test: 2, log: (l) => logs.push(l) });
    expect(readdirSync(join(small.trainDir, 'cats')).sort()).toEqual(['cat.1.jpg', 'cat.2.jpg', 'cat.3.jpg', 'cat.4.jpg']);
    expect(readdirSync(join(small.testDir, 'dogs')).sort()).toEqual(['dog.7.jpg', 'dog.8.jpg']);
    expect(logs).toEqual([
      'total training cat images: 4 ',
      'total training dog images: 4 ',
      'total validation cat images: 2 ',
      'total validation dog images: 2 ',
      'total test cat images: 2 ',
      'total test dog images: 2 ',
    ]);
    await expect(makeSmallCatsDogs({ sourceDir: kaggle, baseDir: join(root, 'small'), train: 4, validation: 2, test: 2, log: () => undefined })).rejects.toThrow(
      /is not empty; pass overwrite: true/,
    );
    const again = await makeSmallCatsDogs({ sourceDir: kaggle, baseDir: join(root, 'small'), train: 2, validation: 1, test: 1, overwrite: true, log: () => undefined });
    expect(again.counts.train).toEqual({ cats: 2, dogs: 2 });
  });

  it('reads the PetImages layout and says when there are too few images', async () => {
    const pets = join(root, 'pets', 'PetImages');
    for (const c of ['Cat', 'Dog']) {
      mkdirSync(join(pets, c), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(join(pets, c, `${i}.jpg`), jpeg);
    }
    const small = await makeSmallCatsDogs({ sourceDir: join(root, 'pets'), baseDir: join(root, 'small-pets'), train: 2, validation: 1, test: 1, log: () => undefined });
    expect(readdirSync(join(small.validationDir, 'cats'))).toEqual(['cat.3.jpg']);
    await expect(makeSmallCatsDogs({ sourceDir: pets, baseDir: join(root, 'small-few'), log: () => undefined })).rejects.toThrow(/cats: 2000 images are needed/);
    await expect(makeSmallCatsDogs({ sourceDir: root, baseDir: join(root, 'x'), log: () => undefined })).rejects.toThrow(/is neither a PetImages folder/);
  });

  it('makeSyntheticCatsDogs writes decodable JFIF JPEGs in the course layout', async () => {
    const { trainDir, testDir } = await makeSyntheticCatsDogs(join(root, 'synthetic'), { train: 3, validation: 1, test: 2 });
    expect(readdirSync(join(trainDir, 'dogs')).sort()).toEqual(['dog.1.jpg', 'dog.2.jpg', 'dog.3.jpg']);
    expect(readdirSync(join(testDir, 'cats')).sort()).toEqual(['cat.5.jpg', 'cat.6.jpg']);
    expect(readFileSync(join(trainDir, 'cats', 'cat.1.jpg')).subarray(0, 16).includes(Buffer.from('JFIF'))).toBe(true);
  });
});
