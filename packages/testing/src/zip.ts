/**
 * A zip writer for tests (the readers under test are in @dlts/tensors and @dlts/datasets).
 *
 * @packageDocumentation
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A member of a test archive made by {@link zipBytes}. */
export interface ZipSpecMember {
  name: string;
  /** The bytes (default: none, e.g. for a directory entry `dir/`). */
  data?: Uint8Array;
  /** 0 stored (default) or 8 deflated. */
  method?: 0 | 8;
  /** Write sizes and CRC in a data descriptor after the data, zeros in the local header. */
  descriptor?: boolean;
  /** Unix mode (e.g. 0o120777 for a symlink). */
  unixMode?: number;
}

/**
 * A zip archive for tests, built from the members: local headers, data (stored or deflated, sizes
 * and CRC-32 in the header or in a data descriptor), a central directory (Unix mode bits, no extra
 * fields) and the end record.
 *
 * @example
 * ```ts
 * writeFileSync(path, zipBytes([{ name: 'dir/' }, { name: 'dir/a.txt', data: Buffer.from('hi'), method: 8 }]));
 * ```
 */
export function zipBytes(members: ZipSpecMember[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const spec of members) {
    const m = { ...spec, data: spec.data ?? new Uint8Array(0) };
    const name = new TextEncoder().encode(m.name);
    const method = m.method ?? 0;
    const payload = method === 8 ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    const crc = crc32(m.data) >>> 0;
    const flags = (m.descriptor ? 0x8 : 0) | 0x800;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    if (!m.descriptor) {
      lv.setUint32(14, crc, true);
      lv.setUint32(18, payload.length, true);
      lv.setUint32(22, m.data.length, true);
    }
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    chunks.push(local, payload);
    let size = local.length + payload.length;
    if (m.descriptor) {
      const dd = new Uint8Array(16);
      const dv = new DataView(dd.buffer);
      dv.setUint32(0, 0x08074b50, true);
      dv.setUint32(4, crc, true);
      dv.setUint32(8, payload.length, true);
      dv.setUint32(12, m.data.length, true);
      chunks.push(dd);
      size += dd.length;
    }
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, (3 << 8) | 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, payload.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, ((m.unixMode ?? 0o100644) << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    central.push(cd);
    offset += size;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  // A fresh Uint8Array of its own (not a pooled Buffer): callers slice it and view its .buffer.
  const parts = [...chunks, ...central, eocd];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
