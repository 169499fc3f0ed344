/**
 * A read-only tar reader (ustar, pax and GNU long names) over bytes in memory. It lists members
 * with their data; it does not write anything.
 */
import { formatError } from './input';

/** One tar member. */
export interface TarEntry {
  /** Path inside the archive, as stored (pax / GNU long names applied). */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** Unix permission bits. */
  mode: number;
  /** File contents (a view into the archive bytes); empty for non-files. */
  data: Uint8Array;
  /** Link target for links. */
  linkName: string;
}

const BLOCK = 512;

/** Whether the bytes look like a tar archive (valid first header checksum). */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= BLOCK && !isZeroBlock(bytes, 0) && checksumOk(bytes, 0);
}

/**
 * Lists the members of a tar archive.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` naming `file` on a bad header checksum or truncation.
 */
export function listTar(bytes: Uint8Array, file: string, fn: string): TarEntry[] {
  const out: TarEntry[] = [];
  let p = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  const globalPax: Record<string, string> = {};
  while (p + BLOCK <= bytes.length) {
    if (isZeroBlock(bytes, p)) break;
    if (!checksumOk(bytes, p)) throw formatError(fn, file, `corrupt tar archive: bad header checksum at offset ${p}`);
    const size = readNumber(bytes, p + 124, 12);
    const typeflag = String.fromCharCode(bytes[p + 156] || 0x30);
    const dataStart = p + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length) {
      throw formatError(fn, file, `truncated tar archive: a member needs ${size} bytes at offset ${dataStart}, the archive ends at ${bytes.length}`);
    }
    const data = bytes.subarray(dataStart, dataEnd);
    p = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'L') {
      longName = cString(data);
      continue;
    }
    if (typeflag === 'K') {
      longLink = cString(data);
      continue;
    }
    if (typeflag === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (typeflag === 'g') {
      Object.assign(globalPax, parsePax(data));
      continue;
    }
    const headerAt = dataStart - BLOCK;
    const magic = cString(bytes.subarray(headerAt + 257, headerAt + 263));
    let name = cString(bytes.subarray(headerAt, headerAt + 100));
    if (magic.startsWith('ustar')) {
      const prefix = cString(bytes.subarray(headerAt + 345, headerAt + 500));
      if (prefix) name = `${prefix}/${name}`;
    }
    name = pax.path ?? longName ?? globalPax.path ?? name;
    const linkName = pax.linkpath ?? longLink ?? cString(bytes.subarray(headerAt + 157, headerAt + 257));
    const type: TarEntry['type'] =
      typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : 'other';
    out.push({
      name,
      type: type === 'file' && name.endsWith('/') ? 'directory' : type,
      mode: readNumber(bytes, headerAt + 100, 8) & 0o7777,
      data: type === 'file' ? data : new Uint8Array(0),
      linkName,
    });
    longName = undefined;
    longLink = undefined;
    pax = {};
  }
  return out;
}

function isZeroBlock(bytes: Uint8Array, p: number): boolean {
  for (let i = p; i < p + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}

function checksumOk(bytes: Uint8Array, p: number): boolean {
  const stored = readNumber(bytes, p + 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[p + i];
  return sum === stored;
}

function readNumber(bytes: Uint8Array, p: number, length: number): number {
  if (bytes[p] & 0x80) {
    // GNU base-256 for large values.
    let value = bytes[p] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + bytes[p + i];
    return value;
  }
  const text = cString(bytes.subarray(p, p + length)).trim();
  return text ? parseInt(text, 8) || 0 : 0;
}

function cString(bytes: Uint8Array): string {
  const zero = bytes.indexOf(0);
  return new TextDecoder('utf-8').decode(zero >= 0 ? bytes.subarray(0, zero) : bytes);
}

/** Pax records are `"<length> <key>=<value>\n"`, the length counting bytes of the whole record. */
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const decoder = new TextDecoder('utf-8');
  let p = 0;
  while (p < data.length) {
    const space = data.indexOf(0x20, p);
    if (space < 0) break;
    const length = parseInt(decoder.decode(data.subarray(p, space)), 10);
    if (!(length > 0) || p + length > data.length) break;
    const record = decoder.decode(data.subarray(space + 1, p + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    p += length;
  }
  return out;
}
