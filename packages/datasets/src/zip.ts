/**
 * A read-only zip reader driven by the central directory: stored and deflated members, data
 * descriptors (sizes come from the central directory), zip64 size fields of single members.
 * Multi-disk archives, encryption and archives needing a zip64 end record are refused clearly.
 * It never writes anything.
 */
import { crc32, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { copyBytes } from './decode';
import { describe, formatError } from './input';

const inflateRawAsync = promisify(inflateRaw);

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** 0 stored, 8 deflated (others are refused on extraction). */
  method: number;
  /** General-purpose flags (bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name). */
  flags: number;
  /** CRC-32 of the uncompressed data. */
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  localHeaderOffset: number;
  /** Whether the entry is a directory (name ends with `/`). */
  isDirectory: boolean;
  /** Unix mode bits when the archive was made on Unix (0 otherwise). */
  unixMode: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Lists the members of a zip archive held in memory.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` naming `file` when the bytes are not a complete zip.
 */
export function listZip(bytes: Uint8Array, file: string, fn: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndRecord(bytes, view);
  if (eocd < 0) {
    const looksZip = bytes.length >= 4 && view.getUint32(0, true) === LOCAL_SIGNATURE;
    throw formatError(
      fn,
      file,
      looksZip
        ? 'truncated zip archive: it starts like a zip, but its end-of-central-directory record is missing (was the file cut short?)'
        : 'not a zip archive (no end-of-central-directory record)',
    );
  }
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const entriesHere = view.getUint16(eocd + 8, true);
  const entries = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const hasLocator = eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE;
    throw formatError(
      fn,
      file,
      hasLocator
        ? 'zip64 archives (over 4 GiB or 65535 members) are not supported'
        : 'corrupt zip archive: saturated end-of-central-directory fields without a zip64 record',
    );
  }
  if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) {
    throw formatError(fn, file, 'multi-disk (split) zip archives are not supported');
  }
  if (cdOffset + cdSize > eocd) {
    throw formatError(fn, file, `truncated or corrupt zip archive: the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${eocd}`);
  }
  const out: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > cdOffset + cdSize || view.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw formatError(fn, file, `corrupt zip archive: central directory entry ${i} is missing or damaged`);
    }
    const madeBy = view.getUint16(p + 4, true);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const externalAttributes = view.getUint32(p + 38, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cdOffset + cdSize) throw formatError(fn, file, `corrupt zip archive: central directory entry ${i} runs past the directory`);
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      // Zip64 extended information (header id 0x0001): only the saturated fields, in this order.
      const zip64 = findExtra(view, p + 46 + nameLength, extraLength, 0x0001);
      if (zip64 === undefined) throw formatError(fn, file, `corrupt zip archive: member ${name} has saturated sizes but no zip64 field`);
      let q = zip64.start;
      const next = (): number => {
        if (q + 8 > zip64.end) throw formatError(fn, file, `corrupt zip archive: the zip64 field of member ${name} is too short`);
        const value = view.getBigUint64(q, true);
        q += 8;
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw formatError(fn, file, `member ${name} is too large`);
        return Number(value);
      };
      if (size === 0xffffffff) size = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
    }
    out.push({
      name,
      method,
      flags,
      crc32: crc,
      compressedSize,
      size,
      localHeaderOffset,
      isDirectory: name.endsWith('/'),
      unixMode: madeBy >> 8 === 3 ? externalAttributes >>> 16 : 0,
    });
    p = end;
  }
  return out;
}

/**
 * Extracts (and CRC-checks) one member of a zip archive held in memory.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` naming `file` and the member on any damage or an
 *   unsupported compression method / encryption.
 */
export async function readZipEntry(bytes: Uint8Array, entry: ZipEntry, file: string, fn: string): Promise<Uint8Array> {
  const where = `${file} (member ${entry.name})`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (entry.flags & 0x1) throw formatError(fn, where, 'encrypted zip members are not supported');
  const p = entry.localHeaderOffset;
  if (p + 30 > bytes.length || view.getUint32(p, true) !== LOCAL_SIGNATURE) {
    throw formatError(fn, where, 'corrupt zip archive: the local header is missing or damaged');
  }
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) {
    throw formatError(fn, where, `truncated: the member needs ${entry.compressedSize} bytes of data, only ${Math.max(0, bytes.length - start)} are there`);
  }
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw formatError(fn, where, 'corrupt zip archive: a stored member whose two sizes differ');
    data = copyBytes(raw, 0, raw.length);
  } else if (entry.method === 8) {
    try {
      const out = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, entry.size) });
      data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (error) {
      throw formatError(fn, where, `the deflate data is corrupt or truncated (${describe(error)})`, error);
    }
  } else {
    throw formatError(fn, where, `unsupported compression method ${entry.method} (supported: 0 stored, 8 deflate)`);
  }
  if (data.length !== entry.size) {
    throw formatError(fn, where, `wrong size: the directory says ${entry.size} bytes, the data holds ${data.length}`);
  }
  const actual = crc32(data) >>> 0;
  if (actual !== entry.crc32 >>> 0) {
    throw formatError(fn, where, `CRC-32 mismatch (expected ${hex32(entry.crc32)}, computed ${hex32(actual)}): the data is corrupt`);
  }
  return data;
}

function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const min = Math.max(0, bytes.length - 22 - 0xffff);
  for (let p = bytes.length - 22; p >= min; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE && p + 22 + view.getUint16(p + 20, true) === bytes.length) return p;
  }
  // Tolerate trailing bytes after the comment: take the last signature whose record fits.
  for (let p = bytes.length - 22; p >= min; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) return p;
  }
  return -1;
}

function findExtra(view: DataView, start: number, length: number, id: number): { start: number; end: number } | undefined {
  let q = start;
  const end = start + length;
  while (q + 4 <= end) {
    const headerId = view.getUint16(q, true);
    const size = view.getUint16(q + 2, true);
    if (headerId === id) return { start: q + 4, end: Math.min(end, q + 4 + size) };
    q += 4 + size;
  }
  return undefined;
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
