import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData, zipBytes } from '@dlts/testing';
import { readNpz } from './npz';
import { readNpy } from './npy';
import { ALLOWED_PICKLE_GLOBALS, parsePickle, readPickle } from './pickle';
import { cifarBatchPickle, npyBytes } from './test-builders';

const tmp = mkdtempSync(join(tmpdir(), 'dlts-pickle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Pickles written by CPython 3.12 + numpy 2.4, e.g.
 * `base64.b64encode(pickle.dumps(obj, protocol=p))` with
 * obj = {'ints': [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31-1, 2**31, 2**62, -2**70],
 *        'float': [1.5, -0.0, 1e300], 'text': 'héllo ✓', 'bytes': b'\x00\xff',
 *        'tuple': (1, (2, 3), ()), 'none': None, 'bools': [True, False]}
 * (protocols 4 and 5 also with 'set': {1, 2}, 'fs': frozenset([3])).
 */
const PY = {
  mixed_p2:
    'gAJ9cQAoWAQAAABpbnRzcQFdcQIoSwBLAUr/////S/9NAAFN//9KAAABAEoAAACASv///3+KBQAAAIAAiggAAAAAAAAAQIoJAAAAAAAAAADAZVgFAAAAZmxvYXRxA11xBChHP/gAAAAAAABHgAAAAAAAAABHfjfkPIgAdZxlWAQAAAB0ZXh0cQVYCgAAAGjDqWxsbyDinJNxBlgFAAAAYnl0ZXNxB2NfY29kZWNzCmVuY29kZQpxCFgDAAAAAMO/cQlYBgAAAGxhdGluMXEKhnELUnEMWAUAAAB0dXBsZXENSwFLAksDhnEOKYdxD1gEAAAAbm9uZXEQTlgFAAAAYm9vbHNxEV1xEiiIiWV1Lg==',
  mixed_p3:
    'gAN9cQAoWAQAAABpbnRzcQFdcQIoSwBLAUr/////S/9NAAFN//9KAAABAEoAAACASv///3+KBQAAAIAAiggAAAAAAAAAQIoJAAAAAAAAAADAZVgFAAAAZmxvYXRxA11xBChHP/gAAAAAAABHgAAAAAAAAABHfjfkPIgAdZxlWAQAAAB0ZXh0cQVYCgAAAGjDqWxsbyDinJNxBlgFAAAAYnl0ZXNxB0MCAP9xCFgFAAAAdHVwbGVxCUsBSwJLA4ZxCimHcQtYBAAAAG5vbmVxDE5YBQAAAGJvb2xzcQ1dcQ4oiIlldS4=',
  mixed_p4:
    'gASV1QAAAAAAAAB9lCiMBGludHOUXZQoSwBLAUr/////S/9NAAFN//9KAAABAEoAAACASv///3+KBQAAAIAAiggAAAAAAAAAQIoJAAAAAAAAAADAZYwFZmxvYXSUXZQoRz/4AAAAAAAAR4AAAAAAAAAAR3435DyIAHWcZYwEdGV4dJSMCmjDqWxsbyDinJOUjAVieXRlc5RDAgD/lIwFdHVwbGWUSwFLAksDhpQph5SMBG5vbmWUTowFYm9vbHOUXZQoiIlljANzZXSUj5QoSwFLApCMAmZzlChLA5GUdS4=',
  mixed_p5:
    'gAWV1QAAAAAAAAB9lCiMBGludHOUXZQoSwBLAUr/////S/9NAAFN//9KAAABAEoAAACASv///3+KBQAAAIAAiggAAAAAAAAAQIoJAAAAAAAAAADAZYwFZmxvYXSUXZQoRz/4AAAAAAAAR4AAAAAAAAAAR3435DyIAHWcZYwEdGV4dJSMCmjDqWxsbyDinJOUjAVieXRlc5RDAgD/lIwFdHVwbGWUSwFLAksDhpQph5SMBG5vbmWUTowFYm9vbHOUXZQoiIlljANzZXSUj5QoSwFLApCMAmZzlChLA5GUdS4=',
  // {'a': [1, 2.5, 'x', None, True]} at protocol 0, and with 2**40 at protocol 1.
  mixed_p0: 'KGRwMApWYQpwMQoobHAyCkkxCmFGMi41CmFWeApwMwphTmFJMDEKYXMu',
  mixed_p1: 'fXEAWAEAAABhcQFdcQIoSwFHQAQAAAAAAABYAQAAAHhxA05JMDEKTDEwOTk1MTE2Mjc3NzZMCmVzLg==',
  // np.arange(6, dtype='<i4').reshape(2, 3), protocol 2 (raw data through _codecs.encode).
  arr_c_i4_p2:
    'gAJjbnVtcHkuX2NvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQBjbnVtcHkKbmRhcnJheQpxAUsAhXECY19jb2RlY3MKZW5jb2RlCnEDWAEAAABicQRYBgAAAGxhdGluMXEFhnEGUnEHh3EIUnEJKEsBSwJLA4ZxCmNudW1weQpkdHlwZQpxC1gCAAAAaTRxDImIh3ENUnEOKEsDWAEAAAA8cQ9OTk5K/////0r/////SwB0cRBiiWgDWBgAAAAAAAAAAQAAAAIAAAADAAAABAAAAAUAAABxEWgFhnESUnETdHEUYi4=',
  // np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3) / 4), protocol 4.
  arr_f_f8_p4:
    'gASVuwAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsCSwOGlGgDjAVkdHlwZZSTlIwCZjiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYohDMAAAAAAAAAAAAAAAAAAA6D8AAAAAAADQPwAAAAAAAPA/AAAAAAAA4D8AAAAAAAD0P5R0lGIu',
  // np.array([[1, 2], [250, 255]], dtype=np.uint8), protocol 3.
  arr_u1_p3:
    'gANjbnVtcHkuX2NvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQBjbnVtcHkKbmRhcnJheQpxAUsAhXECQwFicQOHcQRScQUoSwFLAksChnEGY251bXB5CmR0eXBlCnEHWAIAAAB1MXEIiYiHcQlScQooSwNYAQAAAHxxC05OTkr/////Sv////9LAHRxDGKJQwQBAvr/cQ10cQ5iLg==',
  // np.array([True, False, True]), protocol 4.
  arr_bool_p4:
    'gASVjAAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsDhZRoA4wFZHR5cGWUk5SMAmIxlImIh5RSlChLA4wBfJROTk5K/////0r/////SwB0lGKJQwMBAAGUdJRiLg==',
  // An object array [[1, 2], np.array([3, 4]), []], protocol 4.
  objarr_p4:
    'gASV5gAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsDhZRoA4wFZHR5cGWUk5SMAk84lImIh5RSlChLA4wBfJROTk5K/////0r/////Sz90lGKJXZQoXZQoSwFLAmVoAmgFSwCFlGgHh5RSlChLAUsChZRoDIwCaTiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYolDEAMAAAAAAAAABAAAAAAAAACUdJRiXZRldJRiLg==',
  // l = [1]; l.append(l), protocol 2.
  selfref_p2: 'gAJdcQAoSwFoAGUu',
  // np.arange(3) at protocol 5 uses numpy.core.numeric._frombuffer (refused, as Keras refuses it).
  arr_p5:
    'gAWVjAAAAAAAAACME251bXB5Ll9jb3JlLm51bWVyaWOUjAtfZnJvbWJ1ZmZlcpSTlCiWGAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAACUjAVudW1weZSMBWR0eXBllJOUjAJpOJSJiIeUUpQoSwOMATyUTk5OSv////9K/////0sAdJRiSwOFlIwBQ5R0lFKULg==',
  // Objects whose __reduce__ returns builtins.eval("1+1") (protocol 2) and subprocess.Popen(["true"]) (protocol 4).
  eval_p2: 'gAJjX19idWlsdGluX18KZXZhbApxAFgDAAAAMSsxcQGFcQJScQMu',
  popen_p4: 'gASVJgAAAAAAAACMCnN1YnByb2Nlc3OUjAVQb3BlbpSTlF2UjAR0cnVllGGFlFKULg==',
  // {1, 2} at protocol 2: __builtin__.set([1, 2]) (refused: a set is not numpy data).
  set_p2: 'gAJjX19idWlsdGluX18Kc2V0CnEAXXEBKEsBSwJlhXECUnEDLg==',
};
const py = (key: keyof typeof PY) => new Uint8Array(Buffer.from(PY[key], 'base64'));

function caught(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

async function caughtAsync(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('parsePickle: the data of protocols 0 to 5', () => {
  const expected = new Map<unknown, unknown>([
    ['ints', [0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2n ** 62n, -(2n ** 70n)]],
    ['float', [1.5, -0, 1e300]],
    ['text', 'héllo ✓'],
    ['bytes', new Uint8Array([0, 255])],
    ['tuple', [1, [2, 3], []]],
    ['none', null],
    ['bools', [true, false]],
  ]);
  for (const p of [2, 3, 4, 5] as const) {
    it(`reads CPython's protocol ${p}`, () => {
      const value = parsePickle(py(`mixed_p${p}`)) as Map<string, unknown>;
      const want = new Map(expected);
      if (p >= 4) {
        want.set('set', new Set([1, 2]));
        want.set('fs', new Set([3]));
      }
      expect(value).toEqual(want);
      expect(Object.is((value.get('float') as number[])[1], -0)).toBe(true);
    });
  }

  it('reads the text opcodes of protocols 0 and 1', () => {
    expect(parsePickle(py('mixed_p0'))).toEqual(new Map([['a', [1, 2.5, 'x', null, true]]]));
    expect(parsePickle(py('mixed_p1'))).toEqual(new Map([['a', [1, 2.5, 'x', null, true, 2 ** 40]]]));
  });

  it('rebuilds numeric numpy arrays: C and Fortran order, both byte orders, bool', () => {
    expect(parsePickle(py('arr_c_i4_p2'))).toEqual({ dtype: 'int32', shape: [2, 3], data: new Int32Array([0, 1, 2, 3, 4, 5]) });
    // Fortran-ordered big-endian float64 comes back in C order.
    expect(parsePickle(py('arr_f_f8_p4'))).toEqual({ dtype: 'float64', shape: [2, 3], data: new Float64Array([0, 0.25, 0.5, 0.75, 1, 1.25]) });
    expect(parsePickle(py('arr_u1_p3'))).toEqual({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array([1, 2, 250, 255]) });
    expect(parsePickle(py('arr_bool_p4'))).toEqual({ dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) });
  });

  it('rebuilds object arrays, with lists and nested arrays as elements', () => {
    expect(parsePickle(py('objarr_p4'))).toEqual({
      dtype: 'object',
      shape: [3],
      data: [[1, 2], { dtype: 'int64', shape: [2], data: new Float64Array([3, 4]) }, []],
    });
  });

  it('reads Python 2 strings as latin-1 (a CIFAR batch pickled by Python 2)', () => {
    const data = Uint8Array.from({ length: 2 * 3072 }, (_, i) => (i * 7) % 256);
    const batch = parsePickle(cifarBatchPickle(data, [3, 9])) as Map<string, unknown>;
    expect([...batch.keys()]).toEqual(['batch_label', 'labels', 'data']);
    expect(batch.get('batch_label')).toBe('testing batch 1 of 1');
    expect(batch.get('labels')).toEqual([3, 9]);
    expect(batch.get('data')).toEqual({ dtype: 'uint8', shape: [2, 3072], data });
    const latin = parsePickle(new Uint8Array([0x80, 0x02, 0x55, 0x02, 0xe9, 0xff, 0x2e]));
    expect(latin).toBe('éÿ');
  });

  it('handles a self-referencing list and deep nesting without recursion', () => {
    const value = parsePickle(py('selfref_p2')) as unknown[];
    expect(value[0]).toBe(1);
    expect(value[1]).toBe(value);
    // 200,000 nested lists: EMPTY_LIST x n, then APPEND x (n - 1).
    const n = 200_000;
    const bytes = new Uint8Array(2 + n + (n - 1) + 1);
    bytes.set([0x80, 0x02]);
    bytes.fill(0x5d, 2, 2 + n);
    bytes.fill(0x61, 2 + n, 2 + n + n - 1);
    bytes[bytes.length - 1] = 0x2e;
    let depth = 0;
    for (let v = parsePickle(bytes) as unknown[]; v.length > 0; v = v[0] as unknown[]) depth++;
    expect(depth).toBe(n - 1);
  });

  it('reads a file from a path (readPickle) and never writes', async () => {
    const path = join(tmp, 'batch.pkl');
    writeFileSync(path, cifarBatchPickle(new Uint8Array(3072), [1]));
    const before = readdirSync(tmp);
    const value = (await readPickle(path)) as Map<string, unknown>;
    expect(value.get('labels')).toEqual([1]);
    expect(readdirSync(tmp)).toEqual(before);
    expect((await caughtAsync(readPickle(join(tmp, 'missing.pkl')))).code).toBe('DLTS_IO');
  });
});

describe('parsePickle: refusals (nothing from the file is ever run)', () => {
  it('allows exactly the numpy globals Keras allows', () => {
    expect(ALLOWED_PICKLE_GLOBALS).toEqual([
      'numpy.ndarray',
      'numpy.dtype',
      'numpy.core.multiarray._reconstruct',
      'numpy._core.multiarray._reconstruct',
    ]);
  });

  for (const [key, global] of [
    ['eval_p2', '__builtin__.eval'],
    ['popen_p4', 'subprocess.Popen'],
    ['set_p2', '__builtin__.set'],
    ['arr_p5', 'numpy._core.numeric._frombuffer'],
  ] as const) {
    it(`refuses ${global}, naming it and the data`, () => {
      const error = caught(() => parsePickle(py(key), { name: `${key}.pkl` }));
      expect(error.code).toBe('DLTS_DATASET_FORMAT');
      expect(error.message).toContain(`parsePickle: cannot read ${key}.pkl: the pickle refers to the global "${global}", which is refused`);
      expect(error.message).toMatch(/Nothing from the file was run$/);
    });
  }

  it('refuses a global hidden in an otherwise valid CIFAR batch', () => {
    const bytes = cifarBatchPickle(new Uint8Array(3072), [0], { extraGlobal: 'os system' });
    expect(caught(() => parsePickle(bytes, { name: 'data_batch_1' })).message).toMatch(/data_batch_1: the pickle refers to the global "os\.system"/);
  });

  it('refuses the opcodes that create arbitrary objects', () => {
    const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
    const cases: [Uint8Array, RegExp][] = [
      [enc('\x80\x02(inumpy\nndarray\n.'), /refused pickle opcode INST .*numpy\.ndarray/],
      [enc('(ios\nsystem\n.'), /global "os\.system"/],
      [enc('\x80\x02cnumpy\ndtype\n)\x81.'), /refused pickle opcode NEWOBJ/],
      [enc('\x80\x02\x82\x01.'), /refused pickle opcode EXT1/],
      [enc('\x80\x02N\x51.'), /refused pickle opcode BINPERSID/],
      [enc('\x80\x05\x97.'), /refused pickle opcode NEXT_BUFFER/],
    ];
    for (const [bytes, message] of cases) {
      const error = caught(() => parsePickle(bytes, { name: 'x.pkl' }));
      expect(error.code).toBe('DLTS_DATASET_FORMAT');
      expect(error.message).toMatch(message);
    }
  });

  it('refuses allowed globals used for anything but rebuilding an array', () => {
    const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
    expect(caught(() => parsePickle(enc('\x80\x02cnumpy\nndarray\nK\x01\x85R.'))).message).toMatch(/numpy\.ndarray is called/);
    expect(caught(() => parsePickle(enc('\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00V8\x85R.'))).message).toMatch(/unsupported dtype "V8"/);
    expect(caught(() => parsePickle(enc('\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.'))).message).toMatch(
      /_codecs\.encode .* latin-1/,
    );
    expect(caught(() => parsePickle(enc('\x80\x02cnumpy\ndtype\n.'))).message).toMatch(/global numpy\.dtype appears as data/);
  });

  it('fails clearly on truncated and corrupt streams', () => {
    const good = py('arr_c_i4_p2');
    for (const cut of [1, 10, 40, good.length - 1]) {
      const error = caught(() => parsePickle(good.subarray(0, cut), { name: 'cut.pkl' }));
      expect(error.code).toBe('DLTS_DATASET_FORMAT');
      expect(error.message).toMatch(/cut\.pkl: truncated/);
    }
    const cases: [number[], RegExp][] = [
      [[0x80, 0x06, 0x4e, 0x2e], /unsupported pickle protocol 6/],
      [[0x80, 0x02, 0xff, 0x2e], /unknown opcode 0xff at byte 2/],
      [[0x80, 0x02, 0x68, 0x05, 0x2e], /memo key 5 .* never stored/],
      [[0x80, 0x02, 0x61, 0x2e], /stack underflow/],
      [[0x80, 0x02, 0x4b, 0x01, 0x4b, 0x02, 0x61, 0x2e], /APPEND at byte 6 on a number/],
      [[0x80, 0x02, 0x65, 0x2e], /APPENDS at byte 2 without a MARK/],
      [[0x80, 0x02, 0x2e], /STOP with an empty stack/],
      [[0x80, 0x02, 0x54, 0xff, 0xff, 0xff, 0xff, 0x2e], /negative length/],
      [[0x80, 0x02, 0x8b, 0x00, 0x10, 0x00, 0x00, ...new Array<number>(4096).fill(1), 0x2e], /an integer of 4096 bytes/],
    ];
    for (const [bytes, message] of cases) {
      const error = caught(() => parsePickle(Uint8Array.from(bytes)));
      expect(error.code).toBe('DLTS_DATASET_FORMAT');
      expect(error.message).toMatch(message);
    }
    // An array whose raw data does not fit its shape: (2, 2) of uint8 turned into (3, 2).
    const u1 = py('arr_u1_p3');
    const at = Buffer.from(u1).indexOf(Buffer.from([0x4b, 2, 0x4b, 2, 0x86]));
    expect(at).toBeGreaterThan(0);
    const bad = u1.slice();
    bad[at + 1] = 3;
    expect(caught(() => parsePickle(bad)).message).toMatch(/an array of shape \(3, 2\) of uint8 needs 6 bytes, found 4/);
  });
});

describe('object arrays in .npy / .npz', () => {
  it('reads the Keras IMDB layout in both Python 2 style (protocol 2) and numpy 2 style (protocol 4)', async () => {
    const a = await readNpz(sharedData('fixtures', 'imdb_py2.npz'));
    const b = await readNpz(sharedData('fixtures', 'imdb_p4.npz'));
    for (const key of ['x_train', 'x_test']) {
      const x = a.get(key)!;
      expect(x.dtype).toBe('object');
      expect(x.data.length).toBe(key === 'x_train' ? 120 : 80);
      expect(b.get(key)).toEqual(x);
    }
    expect((a.get('x_train')!.data as unknown[][])[0].slice(0, 6)).toEqual([1, 2, 107, 12, 1, 1]);
    expect(a.get('y_train')!.dtype).toBe('int64');
  });

  it('fails clearly on a truncated pickle payload and on a shape mismatch', () => {
    const payload = py('objarr_p4');
    const cut = npyBytes('|O', [3], payload.subarray(0, payload.length - 5));
    expect(caught(() => readNpy(cut, { name: 'cut.npy' })).message).toMatch(/cut\.npy: truncated/);
    const wrong = npyBytes('|O', [4], payload);
    expect(caught(() => readNpy(wrong, { name: 'w.npy' })).message).toMatch(/w\.npy: the pickled array has shape \[3\], but the header says \[4\]/);
    const notArray = npyBytes('|O', [1], py('mixed_p4'));
    expect(caught(() => readNpy(notArray, { name: 'd.npy' })).message).toMatch(/d\.npy: the object array's pickle holds a dict/);
    const zip = zipBytes([{ name: 'x.npy', data: npyBytes('|O', [1], py('eval_p2')), method: 8 }]);
    return expect(readNpz(zip, { name: 'z.npz' })).rejects.toThrow(/z\.npz \(member x\.npy\): the pickle refers to the global "__builtin__\.eval"/);
  });
});
