/**
 * A small read-only zip reader for Keras 3 `.keras` archives, driven by the central directory:
 * stored and deflated members, zip64 sizes and offsets, CRC-32 and size checks. Members are read
 * into memory (small ones, with a size limit) or streamed to a file chosen by the caller, so a
 * member name can never make it write anywhere else. Multi-disk and encrypted archives are refused.
 *
 * (@dlts/datasets has a zip reader too; @dlts/layers must not import @dlts/datasets, and this one
 * streams members to disk rather than holding them in memory.)
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { DltsError } from '@dlts/tensors';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipMember {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function readAt(path: string, position: number, length: number, fn: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead !== length) throw new DltsError('DLTS_IO', `${fn}: ${path} is truncated (wanted ${length} bytes at offset ${position})`);
    return buffer;
  } finally {
    await handle.close();
  }
}

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('a zip64 field is too large');
  return Number(value);
}

/**
 * Lists the members of a zip archive from its central directory.
 * @throws DltsError `DLTS_IO` naming the file when it is not a (supported) zip archive.
 */
export async function listZip(path: string, fn: string): Promise<ZipMember[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const bad = (why: string) => new DltsError('DLTS_IO', `${fn}: ${path} is not a valid .keras (zip) archive: ${why}`);
  if (size < 22) throw bad(`too short (${size} bytes)`);
  const tailLength = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(path, size - tailLength, tailLength, fn);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-central-directory record (truncated, or not a zip file)');
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw bad('multi-disk archives are not supported');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const recordOffset = u64(tail, eocd - 20 + 8);
    if (recordOffset + 56 > size) throw bad('the zip64 end record lies outside the file');
    const record = await readAt(path, recordOffset, 56, fn);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw bad('bad zip64 end record');
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdOffset + cdSize > size) throw bad('the central directory lies outside the file (truncated?)');
  if (cdSize > 64 * 1024 * 1024) throw bad(`the central directory is implausibly large (${cdSize} bytes)`);
  const cd = await readAt(path, cdOffset, cdSize, fn);
  const members: ZipMember[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) throw bad(`central directory entry ${i} is corrupt`);
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const crc = cd.readUInt32LE(at + 16);
    let compressedSize = cd.readUInt32LE(at + 20);
    let uncompressed = cd.readUInt32LE(at + 24);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    let localHeaderOffset = cd.readUInt32LE(at + 42);
    const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    // zip64 extended information: the 0xffffffff fields, in order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = cd.readUInt16LE(extra);
      const length = cd.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        if (uncompressed === 0xffffffff) {
          uncompressed = u64(cd, p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, p);
          p += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(cd, p);
      }
      extra += 4 + length;
    }
    members.push({ name, method, flags, crc32: crc, compressedSize, size: uncompressed, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  return members;
}

/** Where a member's bytes start (after its local header), with the checks every read needs. */
async function dataStart(path: string, member: ZipMember, fn: string): Promise<number> {
  const bad = (why: string) => new DltsError('DLTS_IO', `${fn}: cannot read ${member.name} from ${path}: ${why}`);
  if (member.flags & 1) throw bad('encrypted members are not supported');
  if (member.method !== 0 && member.method !== 8) throw bad(`compression method ${member.method} is not supported (stored or deflated only)`);
  const header = await readAt(path, member.localHeaderOffset, 30, fn);
  if (header.readUInt32LE(0) !== LOCAL) throw bad('bad local header (corrupt archive)');
  const start = member.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const { size } = await stat(path);
  if (start + member.compressedSize > size) throw bad('the member runs past the end of the file (truncated archive)');
  return start;
}

/** Counts, bounds and checksums the bytes flowing through. */
function checker(member: ZipMember, path: string, fn: string): Transform & { finish(): void } {
  let bytes = 0;
  let crc = 0;
  const bad = (why: string) => new DltsError('DLTS_IO', `${fn}: ${member.name} in ${path} is corrupt: ${why}`);
  const t = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > member.size) return callback(bad(`more than the declared ${member.size} bytes`));
      crc = crc32(chunk, crc);
      callback(null, chunk);
    },
  }) as Transform & { finish(): void };
  t.finish = () => {
    if (bytes !== member.size) throw bad(`${bytes} bytes instead of the declared ${member.size}`);
    if (crc >>> 0 !== member.crc32 >>> 0) throw bad('CRC-32 mismatch');
  };
  return t;
}

function source(path: string, start: number, member: ZipMember) {
  const raw = member.compressedSize === 0 ? null : createReadStream(path, { start, end: start + member.compressedSize - 1, highWaterMark: 1 << 20 });
  return raw;
}

/**
 * Reads a (small) member into memory.
 * @throws DltsError `DLTS_IO` when it is larger than `maxBytes`, corrupt, or unsupported.
 */
export async function readZipMember(path: string, member: ZipMember, fn: string, maxBytes: number): Promise<Buffer> {
  if (member.size > maxBytes) throw new DltsError('DLTS_IO', `${fn}: ${member.name} in ${path} is too large (${member.size} bytes; at most ${maxBytes})`);
  const start = await dataStart(path, member, fn);
  const check = checker(member, path, fn);
  const parts: Buffer[] = [];
  const raw = source(path, start, member);
  try {
    if (raw) {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          parts.push(chunk);
          callback();
        },
      });
      if (member.method === 8) await pipeline(raw, createInflateRaw(), check, sink);
      else await pipeline(raw, check, sink);
    }
    check.finish();
  } catch (error) {
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: cannot read ${member.name} from ${path}: ${(error as Error).message}`, { cause: error });
  }
  return Buffer.concat(parts);
}

/**
 * Streams a member into `target` (a path the caller chose), checking its size and CRC-32.
 * @throws DltsError `DLTS_IO` when the member is corrupt or unsupported, or the target cannot be written.
 */
export async function extractZipMember(path: string, member: ZipMember, target: string, fn: string): Promise<void> {
  const start = await dataStart(path, member, fn);
  const check = checker(member, path, fn);
  const raw = source(path, start, member);
  try {
    const out = createWriteStream(target, { flags: 'wx' });
    if (raw && member.method === 8) {
      await pipeline(raw, createInflateRaw(), check, out);
    } else if (raw) {
      await pipeline(raw, check, out);
    } else {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    check.finish();
  } catch (error) {
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: cannot extract ${member.name} from ${path}: ${(error as Error).message}`, { cause: error });
  }
}
