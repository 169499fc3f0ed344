import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedData } from '@dlts/testing';
import type { FetchLike } from './download';
import { loadImdb } from './imdb';
import { KERAS_FILES, setKerasFileOverride } from './keras-files';
import { loadReuters, REUTERS_LABEL_NAMES } from './reuters';
import { getImdbWordIndex, getReutersWordIndex } from './word-index';

interface ExpectedCase {
  params: Record<string, number | null>;
  x_train: number[][];
  y_train: number[];
  x_test: number[][];
  y_test: number[];
}

const fixture = (name: string) => sharedData('fixtures', name);
const expected = (name: string): ExpectedCase[] => JSON.parse(readFileSync(fixture(name), 'utf8'));
/** Keras's snake_case parameters as the camelCase options of the loaders. */
const camel = (params: Record<string, number | null>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('loadImdb: Keras-exact on the fixtures', () => {
  for (const file of ['imdb_py2.npz', 'imdb_p4.npz']) {
    for (const c of expected('imdb_expected.json')) {
      it(`${file} with ${JSON.stringify(c.params)}`, async () => {
        const data = await loadImdb({ path: fixture(file), ...camel(c.params) });
        expect(data.train.x).toEqual(c.x_train);
        expect(data.train.y).toEqual(Int32Array.from(c.y_train));
        expect(data.test.x).toEqual(c.x_test);
        expect(data.test.y).toEqual(Int32Array.from(c.y_test));
        expect(data.source).toEqual({ origin: 'user', path: fixture(file) });
      });
    }
  }

  it('refuses a maxlen that keeps nothing, and bad options, as Keras', async () => {
    const path = fixture('imdb_p4.npz');
    const none = await caught(loadImdb({ path, maxlen: 2 }));
    expect(none.code).toBe('DLTS_VALUE');
    expect(none.message).toMatch(/loadImdb: after filtering for sequences shorter than maxlen=2, no sequence was kept/);
    for (const [options, message] of [
      [{ numWords: -1 }, /numWords must be an integer >= 0 or null. Received: numWords=-1/],
      [{ skipTop: 1.5 }, /skipTop must be an integer >= 0. Received: skipTop=1.5/],
      [{ seed: 2 ** 32 }, /seed must be an integer between 0 and 2\*\*32 - 1/],
      [{ oovChar: 'x' }, /oovChar must be an integer >= 0 or null. Received: oovChar="x"/],
    ] as const) {
      const error = await caught(loadImdb({ path, ...(options as object) }));
      expect(error.code).toBe('DLTS_VALUE');
      expect(error.message).toMatch(message);
    }
    // numWords 0 and maxlen 0 mean None, as Keras's `if not num_words` / `if maxlen`.
    expect(await loadImdb({ path, numWords: 0, maxlen: 0 })).toEqual(await loadImdb({ path }));
  });

  it('fails with DLTS_DATASET_FORMAT on the evil and truncated files, naming them', async () => {
    const evil = await caught(loadImdb({ path: fixture('evil_global.npz') }));
    expect(evil.code).toBe('DLTS_DATASET_FORMAT');
    expect(evil.message).toContain(`${fixture('evil_global.npz')} (member x_train.npy): the pickle refers to the global "os.system"`);
    const cut = await caught(loadImdb({ path: fixture('truncated.npz') }));
    expect(cut.code).toBe('DLTS_DATASET_FORMAT');
    expect(cut.message).toContain(fixture('truncated.npz'));
    const mnist = await caught(loadImdb({ path: fixture('mnist_small.npz') }));
    expect(mnist.code).toBe('DLTS_DATASET_FORMAT');
    expect(mnist.message).toMatch(/expected a 1-D object array of sequences, found uint8/);
  });
});

describe('loadReuters: Keras-exact on the fixture', () => {
  for (const c of expected('reuters_expected.json')) {
    it(`reuters_py2.npz with ${JSON.stringify(c.params)}`, async () => {
      const data = await loadReuters({ path: fixture('reuters_py2.npz'), ...camel(c.params) });
      expect(data.train.x).toEqual(c.x_train);
      expect(data.train.y).toEqual(Int32Array.from(c.y_train));
      expect(data.test.x).toEqual(c.x_test);
      expect(data.test.y).toEqual(Int32Array.from(c.y_test));
    });
  }

  it('checks testSplit and knows the 46 topic names', async () => {
    for (const testSplit of [1, -0.1, Number.NaN]) {
      const error = await caught(loadReuters({ path: fixture('reuters_py2.npz'), testSplit }));
      expect(error.code).toBe('DLTS_VALUE');
      expect(error.message).toMatch(/loadReuters: testSplit must be a number in \[0, 1\)/);
    }
    expect(REUTERS_LABEL_NAMES).toHaveLength(46);
    expect(REUTERS_LABEL_NAMES[3]).toBe('earn');
  });
});

describe('word indexes', () => {
  it('reads a Keras word-index JSON into a Map, in file order', async () => {
    const index = await getImdbWordIndex({ path: fixture('word_index.json') });
    const raw = JSON.parse(readFileSync(fixture('word_index.json'), 'utf8')) as Record<string, number>;
    expect(index.size).toBe(Object.keys(raw).length);
    expect([...index.entries()].slice(0, 3)).toEqual(Object.entries(raw).slice(0, 3));
    expect(index.get('w1')).toBe(1);
  });

  it('refuses malformed word indexes with DLTS_DATASET_FORMAT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlts-wi-'));
    try {
      for (const [text, message] of [
        ['{"a": 1,', /not valid JSON/],
        ['[1, 2]', /a word index is a JSON object/],
        ['{"a": -1}', /the index of "a" is -1/],
        ['{"a": "1"}', /the index of "a" is "1"/],
      ] as const) {
        const path = join(dir, 'wi.json');
        writeFileSync(path, text);
        const error = await caught(getReutersWordIndex({ path }));
        expect(error.code).toBe('DLTS_DATASET_FORMAT');
        expect(error.message).toContain(`getReutersWordIndex: cannot read ${path}`);
        expect(error.message).toMatch(message);
      }
      expect((await caught(getImdbWordIndex({ path: join(dir, 'missing.json') }))).code).toBe('DLTS_IO');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('downloads and caches, as Keras', () => {
  let root = '';
  const saved = { DLTS_DATA_DIR: process.env.DLTS_DATA_DIR, KERAS_HOME: process.env.KERAS_HOME, DLTS_OFFLINE: process.env.DLTS_OFFLINE };
  const imdbBytes = readFileSync(fixture('imdb_p4.npz'));
  const imdbSha = createHash('sha256').update(imdbBytes).digest('hex');
  const indexBytes = readFileSync(fixture('word_index.json'));
  const indexMd5 = createHash('md5').update(indexBytes).digest('hex');
  const requests: string[] = [];
  /** Serves the fixtures as if they were Keras's files, slowly, so two loads overlap. */
  const fetchFixture: FetchLike = async (url) => {
    requests.push(url);
    const body = url.endsWith('imdb.npz') ? imdbBytes : url.endsWith('.json') ? indexBytes : undefined;
    if (!body) return new Response('not found', { status: 404 });
    const stream = new ReadableStream({
      async start(controller) {
        for (let p = 0; p < body.length; p += 2048) {
          controller.enqueue(new Uint8Array(body.subarray(p, p + 2048)));
          await new Promise((r) => setTimeout(r, 1));
        }
        controller.close();
      },
    });
    return new Response(stream, { headers: { 'content-length': String(body.length) } });
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dlts-seqdl-'));
    process.env.DLTS_DATA_DIR = join(root, 'dlts');
    process.env.KERAS_HOME = join(root, 'keras');
    delete process.env.DLTS_OFFLINE;
    requests.length = 0;
    // The fixture stands in for Keras's imdb.npz: same URL and name, the fixture's hash.
    setKerasFileOverride('imdb', { hash: imdbSha });
    setKerasFileOverride('imdbWordIndex', { hash: indexMd5 });
  });
  afterEach(() => {
    setKerasFileOverride('imdb', undefined);
    setKerasFileOverride('imdbWordIndex', undefined);
    rmSync(root, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(() => setKerasFileOverride('imdb', undefined));

  it('downloads imdb.npz from Keras\'s URL into the cache, then reuses it', async () => {
    const first = await loadImdb({ fetch: fetchFixture, numWords: 100 });
    expect(first.source).toEqual({ origin: 'download', path: join(root, 'dlts', 'datasets', 'imdb.npz') });
    expect(requests).toEqual([KERAS_FILES.imdb.url]);
    expect(requests[0]).toBe('https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz');
    const second = await loadImdb({ fetch: fetchFixture, numWords: 100 });
    expect(second.source.origin).toBe('cache');
    expect(requests).toHaveLength(1);
    expect(second.train.x).toEqual(expected('imdb_expected.json')[1].x_train);
    const index = await getImdbWordIndex({ fetch: fetchFixture });
    expect(index.get('w2')).toBe(2);
    expect(requests[1]).toBe('https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json');
  });

  it('reuses a valid copy in the Keras cache and never writes there', async () => {
    const keras = join(root, 'keras', 'datasets');
    mkdirSync(keras, { recursive: true });
    copyFileSync(fixture('imdb_p4.npz'), join(keras, 'imdb.npz'));
    const data = await loadImdb({ fetch: fetchFixture });
    expect(data.source).toEqual({ origin: 'keras-cache', path: join(keras, 'imdb.npz') });
    expect(requests).toEqual([]);
    expect(readdirSync(keras)).toEqual(['imdb.npz']);
  });

  it('two loads at once both succeed, with one complete file and no temporary left', async () => {
    const [a, b] = await Promise.all([loadImdb({ fetch: fetchFixture }), loadImdb({ fetch: fetchFixture })]);
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.x).toEqual(expected('imdb_expected.json')[0].x_train);
    expect(readdirSync(join(root, 'dlts', 'datasets'))).toEqual(['imdb.npz']);
  });

  it('a corrupt download leaves nothing a later run would trust', async () => {
    const corrupt: FetchLike = async () => new Response(new Uint8Array(imdbBytes.subarray(0, 5000)).map((v, i) => (i === 100 ? v ^ 1 : v)));
    const error = await caught(loadImdb({ fetch: corrupt }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toMatch(/does not match the expected/);
    expect(existsSync(join(root, 'dlts', 'datasets', 'imdb.npz'))).toBe(false);
    expect(readdirSync(join(root, 'dlts', 'datasets'))).toEqual([]);
  });

  it('with DLTS_OFFLINE=1 and nothing cached, names the URL and the paths that would do', async () => {
    setKerasFileOverride('imdb', undefined);
    process.env.DLTS_OFFLINE = '1';
    const error = await caught(loadReuters({ fetch: fetchFixture }));
    expect(error.code).toBe('DLTS_DOWNLOAD');
    expect(error.message).toContain('https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters.npz');
    expect(error.message).toContain(join(root, 'dlts', 'datasets', 'reuters.npz'));
    expect(error.message).toContain(join(root, 'keras', 'datasets', 'reuters.npz'));
    expect(error.message).toContain('d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916');
    expect(requests).toEqual([]);
  });
});
