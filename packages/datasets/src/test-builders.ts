/**
 * Builders of small IDX, NPY, zip and tar files for the tests of this package (not exported from
 * the package index).
 */
import { gzipSync } from 'node:zlib';

/** An IDX file: type code, dimensions, values written big-endian. */
export function idxBytes(typeCode: number, dims: number[], values: ArrayLike<number>, options: { gzip?: boolean } = {}): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[typeCode] ?? 1;
  const out = new Uint8Array(4 + 4 * dims.length + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  let p = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++, p += size) {
    const v = values[i];
    if (typeCode === 0x08) view.setUint8(p, v);
    else if (typeCode === 0x09) view.setInt8(p, v);
    else if (typeCode === 0x0b) view.setInt16(p, v, false);
    else if (typeCode === 0x0c) view.setInt32(p, v, false);
    else if (typeCode === 0x0d) view.setFloat32(p, v, false);
    else view.setFloat64(p, v, false);
  }
  return options.gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** An NPY file with the given header fields and raw data bytes (header padded as NumPy does). */
export function npyBytes(
  descr: string,
  shape: number[],
  body: Uint8Array,
  options: { fortran?: boolean; version?: 1 | 2 | 3; headerText?: string } = {},
): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = options.headerText ?? `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const text = new TextEncoder().encode(dict);
  const total = Math.ceil((pre + text.length + 1) / 64) * 64;
  const header = new Uint8Array(total - pre).fill(0x20);
  header.set(text, 0);
  header[header.length - 1] = 0x0a;
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0], 0);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, pre);
  out.set(body, total);
  return out;
}

/** Raw element bytes of `values` for a NumPy kind/size and byte order. */
export function elementBytes(kind: 'u' | 'i' | 'f' | 'b', size: number, values: number[], littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const p = i * size;
    if (kind === 'f') {
      if (size === 4) view.setFloat32(p, v, littleEndian);
      else view.setFloat64(p, v, littleEndian);
    } else if (kind === 'b' || size === 1) {
      if (kind === 'i') view.setInt8(p, v);
      else view.setUint8(p, v);
    } else if (size === 2) {
      if (kind === 'i') view.setInt16(p, v, littleEndian);
      else view.setUint16(p, v, littleEndian);
    } else if (size === 4) {
      if (kind === 'i') view.setInt32(p, v, littleEndian);
      else view.setUint32(p, v, littleEndian);
    } else if (kind === 'i') view.setBigInt64(p, BigInt(v), littleEndian);
    else view.setBigUint64(p, BigInt(v), littleEndian);
  });
  return out;
}

/** A tar member for {@link tarBytes}. */
export interface TarMember {
  name: string;
  data?: Uint8Array;
  /** '0' file (default), '5' directory, '2' symlink. */
  type?: '0' | '5' | '2';
  linkName?: string;
}

/** A ustar archive (names up to 100 bytes), optionally gzipped. */
export function tarBytes(members: TarMember[], options: { gzip?: boolean } = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    const h = new Uint8Array(512);
    const put = (text: string, at: number) => h.set(enc.encode(text), at);
    put(m.name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('00000000000\0', 136);
    h[156] = (m.type ?? '0').charCodeAt(0);
    if (m.linkName) put(m.linkName, 157);
    put('ustar\0', 257);
    put('00', 263);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((s, b) => s + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const tar = concat(blocks);
  return options.gzip ? new Uint8Array(gzipSync(tar)) : tar;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * A CIFAR batch as the python-version tarball holds it: a dict pickled by Python 2 at protocol 2
 * (`{'batch_label': str, 'labels': [int], 'data': uint8 ndarray (n, 3072)}`, strings as
 * SHORT_BINSTRING/BINSTRING, the array rebuilt by `numpy.core.multiarray._reconstruct`).
 * `extraGlobal` inserts a `GLOBAL module\nname` reference (for refusal tests).
 */
export function cifarBatchPickle(data: Uint8Array, labels: number[], options: { extraGlobal?: string } = {}): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [0x80, 0x02];
  const bytes = (b: ArrayLike<number>) => {
    for (let i = 0; i < b.length; i++) parts.push(b[i]);
  };
  const shortStr = (s: string) => {
    parts.push(0x55, s.length);
    bytes(enc.encode(s));
  };
  const u32 = (n: number) => parts.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  const global = (module: string, name: string) => bytes(enc.encode(`c${module}\n${name}\n`));
  parts.push(0x7d, 0x28); // EMPTY_DICT MARK
  shortStr('batch_label');
  shortStr('testing batch 1 of 1');
  shortStr('labels');
  parts.push(0x5d, 0x28); // EMPTY_LIST MARK
  for (const l of labels) parts.push(0x4b, l);
  parts.push(0x65); // APPENDS
  shortStr('data');
  global('numpy.core.multiarray', '_reconstruct');
  global('numpy', 'ndarray');
  parts.push(0x4b, 0, 0x85); // (0,)
  shortStr('b');
  parts.push(0x87, 0x52); // TUPLE3 REDUCE
  parts.push(0x28, 0x4b, 1); // MARK 1
  parts.push(0x4a);
  u32(labels.length);
  parts.push(0x4d, 0x00, 0x0c, 0x86); // (n, 3072)
  global('numpy', 'dtype');
  shortStr('u1');
  parts.push(0x89, 0x88, 0x87, 0x52); // (False, True) REDUCE
  parts.push(0x28, 0x4b, 3);
  shortStr('|');
  parts.push(0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0, 0x74, 0x62); // dtype state, BUILD
  parts.push(0x89); // not Fortran
  parts.push(0x54);
  u32(data.length);
  bytes(data);
  parts.push(0x74, 0x62); // TUPLE BUILD
  if (options.extraGlobal) {
    shortStr('extra');
    const [module, name] = options.extraGlobal.split(' ');
    global(module, name);
  }
  parts.push(0x75, 0x2e); // SETITEMS STOP
  return Uint8Array.from(parts);
}
