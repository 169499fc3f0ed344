import { describe, expect, it } from 'vitest';
import { readNpy, readNpyHeader, setDefaultObjectArrayReader, type NpyArray } from './npy';
import { parsePyLiteral } from './py-literal';
import { elementBytes, npyBytes } from './test-builders';

function numeric(arr: NpyArray) {
  if (arr.dtype === 'object') throw new Error('unexpected object array');
  return arr;
}

function caught(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

const DTYPES: { kind: 'u' | 'i' | 'f' | 'b'; size: number; dtype: string; ctor: string; values: number[] }[] = [
  { kind: 'u', size: 1, dtype: 'uint8', ctor: 'Uint8Array', values: [0, 1, 128, 255, 7, 9] },
  { kind: 'i', size: 1, dtype: 'int8', ctor: 'Int8Array', values: [-128, -1, 0, 1, 127, 5] },
  { kind: 'u', size: 2, dtype: 'uint16', ctor: 'Uint16Array', values: [0, 1, 258, 65535, 1000, 2] },
  { kind: 'i', size: 2, dtype: 'int16', ctor: 'Int16Array', values: [-32768, -2, 0, 258, 32767, 3] },
  { kind: 'i', size: 4, dtype: 'int32', ctor: 'Int32Array', values: [-2147483648, -3, 0, 16909060, 2147483647, 4] },
  { kind: 'u', size: 4, dtype: 'uint32', ctor: 'Uint32Array', values: [0, 1, 16909060, 4294967295, 5, 6] },
  { kind: 'i', size: 8, dtype: 'int64', ctor: 'Float64Array', values: [-(2 ** 53) + 1, -1, 0, 4294967296, 2 ** 53 - 1, 12] },
  { kind: 'u', size: 8, dtype: 'uint64', ctor: 'Float64Array', values: [0, 1, 4294967297, 2 ** 53 - 1, 3, 4] },
  { kind: 'f', size: 4, dtype: 'float32', ctor: 'Float32Array', values: [-1.5, 0, 0.25, 1048576.5, -0, 3] },
  { kind: 'f', size: 8, dtype: 'float64', ctor: 'Float64Array', values: [-1e-300, Math.PI, 0, 1e300, 2.5, -7] },
];

describe('readNpy', () => {
  for (const { kind, size, dtype, ctor, values } of DTYPES) {
    for (const little of [true, false]) {
      const descr = `${size === 1 ? '|' : little ? '<' : '>'}${kind}${size}`;
      it(`decodes ${descr} (${dtype})`, () => {
        const arr = numeric(readNpy(npyBytes(descr, [2, 3], elementBytes(kind, size, values, little))));
        expect(arr.dtype).toBe(dtype);
        expect(arr.shape).toEqual([2, 3]);
        expect(arr.data.constructor.name).toBe(ctor);
        expect(Array.from(arr.data)).toEqual(values);
      });
      if (size === 1) break;
    }
  }

  it('decodes bool (|b1) as 0/1 bytes', () => {
    const arr = numeric(readNpy(npyBytes('|b1', [4], new Uint8Array([0, 1, 0, 2]))));
    expect(arr.dtype).toBe('bool');
    expect(Array.from(arr.data)).toEqual([0, 1, 0, 1]);
  });

  it('returns C order for a Fortran-ordered array (2-D and 3-D, both byte orders)', () => {
    // C-order values of a 2x3 array: [[0,1,2],[3,4,5]]; Fortran stores them column by column.
    const fortran2d = [0, 3, 1, 4, 2, 5];
    for (const little of [true, false]) {
      const arr = numeric(readNpy(npyBytes(little ? '<i4' : '>i4', [2, 3], elementBytes('i', 4, fortran2d, little), { fortran: true })));
      expect(arr.shape).toEqual([2, 3]);
      expect(Array.from(arr.data)).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // 2x3x4: C value at (i, j, k) = 12i + 4j + k; Fortran position = i + 2j + 6k.
    const shape = [2, 3, 4];
    const f = new Array<number>(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) f[i + 2 * j + 6 * k] = 12 * i + 4 * j + k;
    const arr = numeric(readNpy(npyBytes('<f8', shape, elementBytes('f', 8, f, true), { fortran: true })));
    expect(Array.from(arr.data)).toEqual(Array.from({ length: 24 }, (_, n) => n));
    // 1-D Fortran is the same as C.
    const one = numeric(readNpy(npyBytes('|u1', [3], new Uint8Array([9, 8, 7]), { fortran: true })));
    expect(Array.from(one.data)).toEqual([9, 8, 7]);
  });

  it('reads scalars, empty arrays and format versions 2.0 and 3.0', () => {
    const scalar = numeric(readNpy(npyBytes('<f8', [], elementBytes('f', 8, [2.5], true), { headerText: "{'descr': '<f8', 'fortran_order': False, 'shape': (), }" })));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
    const empty = numeric(readNpy(npyBytes('<i4', [0, 5], new Uint8Array(0))));
    expect(empty.shape).toEqual([0, 5]);
    expect(empty.data.length).toBe(0);
    for (const version of [2, 3] as const) {
      const arr = numeric(readNpy(npyBytes('<u2', [2], elementBytes('u', 2, [1, 513], true), { version })));
      expect(Array.from(arr.data)).toEqual([1, 513]);
    }
    expect(readNpyHeader(npyBytes('<u2', [2], new Uint8Array(4))).dataOffset).toBe(128);
  });

  it('does not alias the input buffer (safe to reuse the bytes)', () => {
    const bytes = npyBytes('<i4', [2], elementBytes('i', 4, [1, 2], true));
    const arr = numeric(readNpy(bytes));
    bytes.fill(0, 64);
    expect(Array.from(arr.data)).toEqual([1, 2]);
  });

  it('reads from a Node Buffer that is an offset view into a shared pool', () => {
    const plain = npyBytes('<i4', [2, 2], elementBytes('i', 4, [1, -2, 3, -4], true), { fortran: true });
    const pooled = Buffer.concat([Buffer.alloc(3, 0xee), Buffer.from(plain)]).subarray(3);
    expect(pooled.byteOffset % 4).not.toBe(0);
    const arr = numeric(readNpy(pooled));
    expect(arr.data.constructor.name).toBe('Int32Array');
    expect(Array.from(arr.data)).toEqual([1, 3, -2, -4]);
    const u1 = numeric(readNpy(Buffer.concat([Buffer.alloc(1), Buffer.from(npyBytes('|u1', [2], new Uint8Array([5, 6])))]).subarray(1)));
    expect(u1.data.constructor.name).toBe('Uint8Array');
    expect(Array.from(u1.data)).toEqual([5, 6]);
  });

  it('refuses int64 values beyond 2^53 - 1', () => {
    const body = new Uint8Array(8);
    new DataView(body.buffer).setBigInt64(0, 2n ** 53n, true);
    const error = caught(() => readNpy(npyBytes('<i8', [1], body), { name: 'big.npy' }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toMatch(/big\.npy: element 0 \(9007199254740992\)/);
  });

  it('refuses an object array whose pickle names os.system, without running anything, naming the file', () => {
    const pickle = Uint8Array.from("\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.", (c) => c.charCodeAt(0));
    const error = caught(() => readNpy(npyBytes('|O', [1], pickle), { name: 'evil.npy' }));
    expect(error.code).toBe('DLTS_DATASET_FORMAT');
    expect(error.message).toMatch(/evil\.npy: the pickle refers to the global "os\.system", which is refused.*Nothing from the file was run/);
  });

  it('hands object arrays to an object reader when one is given (the pickle plug-in point)', () => {
    const bytes = npyBytes('|O', [2], new Uint8Array([1, 2, 3]));
    const seen: unknown[] = [];
    const reader = (payload: Uint8Array, info: { shape: number[] }) => {
      seen.push(payload.length, info.shape);
      return ['a', 'b'];
    };
    expect(readNpy(bytes, { objectReader: reader })).toEqual({ dtype: 'object', shape: [2], data: ['a', 'b'] });
    expect(seen).toEqual([3, [2]]);
    setDefaultObjectArrayReader(() => [1, 2]);
    try {
      expect(readNpy(bytes).data).toEqual([1, 2]);
    } finally {
      setDefaultObjectArrayReader(undefined);
    }
    // Back to the safe pickle reader: three bytes are no pickle.
    expect(() => readNpy(bytes, { name: 'three.npy' })).toThrow(/three\.npy: .*pickle/);
  });

  it('rejects bad magic, unknown versions, malformed headers and unsupported dtypes', () => {
    const good = npyBytes('<i4', [2], elementBytes('i', 4, [1, 2], true));
    const badMagic = good.slice();
    badMagic[1] = 0x4f;
    const cases: [Uint8Array, RegExp][] = [
      [badMagic, /bad magic number/],
      [(() => { const b = good.slice(); b[6] = 9; return b; })(), /unsupported NPY format version 9\.0/],
      [good.subarray(0, 40), /truncated: the header says/],
      [good.subarray(0, 5), /truncated: an NPY file is at least 10 bytes/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': '<i4', 'shape': (2,), }" }), /expected the keys/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), " }), /malformed header/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': '<i4', 'fortran_order': False, 'shape': (-2,), }" }), /'shape' must be a tuple of non-negative integers/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': '<i4', 'fortran_order': 0, 'shape': (2,), }" }), /'fortran_order' must be True or False/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': __import__('os'), 'fortran_order': False, 'shape': (2,), }" }), /malformed header/],
      [npyBytes('<U5', [2], new Uint8Array(40)), /unsupported dtype '<U5'/],
      [npyBytes('<f2', [2], new Uint8Array(4)), /unsupported dtype '<f2'/],
      [npyBytes('<i4', [2], new Uint8Array(8), { headerText: "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }" }), /structured arrays are not supported/],
      [npyBytes('<i4', [3], new Uint8Array(8)), /truncated: shape \[3\] of <i4 needs 12 bytes of data, found 8/],
      [npyBytes('<i4', [1], new Uint8Array(8)), /wrong size: .*4 extra/],
    ];
    for (const [bytes, pattern] of cases) {
      const error = caught(() => readNpy(bytes, { name: 'x.npy' }));
      expect(error.code, String(pattern)).toBe('DLTS_DATASET_FORMAT');
      expect(error.message).toMatch(/^readNpy: cannot read x\.npy: /);
      expect(error.message).toMatch(pattern);
    }
  });
});

describe('parsePyLiteral', () => {
  it('parses the literals of NPY headers and nothing else', () => {
    expect(parsePyLiteral("{'descr': '<u1', 'fortran_order': False, 'shape': (1000, 28, 28), }")).toEqual({
      descr: '<u1',
      fortran_order: false,
      shape: [1000, 28, 28],
    });
    expect(parsePyLiteral('("a\\n", [1, -2L], None, True)')).toEqual(['a\n', [1, -2], null, true]);
    expect(() => parsePyLiteral('1.5')).toThrow(SyntaxError);
    expect(() => parsePyLiteral("os.system('x')")).toThrow(SyntaxError);
    expect(() => parsePyLiteral('['.repeat(100) + ']'.repeat(100))).toThrow(/nested too deeply/);
  });
});
