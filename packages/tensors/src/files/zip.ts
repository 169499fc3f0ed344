/**
 * A read-only zip reader for archives on disk, driven by the central directory: stored and
 * deflated members, zip64 sizes and offsets, size and CRC-32 checks while the bytes flow. Members
 * are read into memory (with a size limit) or streamed to a file the caller chose, so a member
 * name can never make it write anywhere else; large archives are never held in memory.
 * Multi-disk and encrypted archives are refused.
 *
 * Used by @dlts/layers (Keras 3 `.keras` files) and @dlts/image (the cats-vs-dogs download).
 * (@dlts/datasets reads small archives it already holds in memory with its own reader.)
 *
 * @packageDocumentation
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { DltsError, type DltsErrorCode } from '../errors';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipMember {
  /** Path inside the archive, `/`-separated as written (not checked: see {@link ZipArchive.extract}'s callers). */
  name: string;
  /** 0 stored, 8 deflated (others are refused when read). */
  method: number;
  /** General-purpose flags (bit 0: encrypted, bit 11: UTF-8 name). */
  flags: number;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  localHeaderOffset: number;
  /** Whether the entry is a directory (its name ends with `/` or `\`). */
  isDirectory: boolean;
  /** Whether the entry is a symbolic link (Unix mode bits of an archive made on Unix). */
  isSymlink: boolean;
}

/** Options of {@link ZipArchive.open}. */
export interface ZipOptions {
  /** The caller's name, first in every error message (`loadKerasModel`, `extractZip`). */
  fn: string;
  /** What the archive is, in messages: `"${path} is not a valid ${what}"`. Default `'zip archive'`. */
  what?: string;
  /** Code of the errors about a damaged or unsupported archive. Default `'DLTS_IO'`. */
  code?: DltsErrorCode;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('a zip64 field is too large');
  return Number(value);
}

/**
 * An open zip archive on disk. Open it, list or read its members, close it.
 *
 * @example
 * ```ts
 * const zip = await ZipArchive.open('model.keras', { fn: 'loadKerasModel', what: '.keras (zip) archive' });
 * try {
 *   const members = await zip.members();
 *   const config = members.find((m) => m.name === 'config.json')!;
 *   const json = JSON.parse((await zip.read(config, 64 << 20)).toString('utf8'));
 *   await zip.extract(members.find((m) => m.name === 'model.weights.h5')!, '/tmp/weights.h5');
 * } finally {
 *   await zip.close();
 * }
 * ```
 */
export class ZipArchive {
  private constructor(
    /** The archive's path. */
    readonly path: string,
    private readonly handle: FileHandle,
    /** The archive's size in bytes. */
    readonly size: number,
    private readonly options: Required<ZipOptions>,
  ) {}

  /**
   * Opens the archive at `path` (nothing is read yet).
   *
   * @throws DltsError `DLTS_IO` when the file cannot be opened.
   */
  static async open(path: string, options: ZipOptions): Promise<ZipArchive> {
    const all: Required<ZipOptions> = { what: 'zip archive', code: 'DLTS_IO', ...options };
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new DltsError('DLTS_IO', `${all.fn}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return new ZipArchive(path, handle, (await handle.stat()).size, all);
    } catch (error) {
      await handle.close();
      throw new DltsError('DLTS_IO', `${all.fn}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /**
   * The members, from the central directory.
   *
   * @throws DltsError (the archive's `code`) naming the file when it is not a complete, supported zip archive.
   */
  async members(): Promise<ZipMember[]> {
    const { size } = this;
    const bad = (why: string) => new DltsError(this.options.code, `${this.options.fn}: ${this.path} is not a valid ${this.options.what}: ${why}`);
    if (size < 22) throw bad(`too short (${size} bytes)`);
    const tailLength = Math.min(size, 22 + 0xffff + 20);
    const tail = await this.readAt(size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw bad('not a complete zip archive (no end-of-central-directory record: the file is truncated, or not a zip file)');
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw bad('multi-disk archives are not supported');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
      const recordOffset = u64(tail, eocd - 20 + 8);
      if (recordOffset + 56 > size) throw bad('the zip64 end record lies outside the file');
      const record = await this.readAt(recordOffset, 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) throw bad('bad zip64 end record');
      count = u64(record, 32);
      cdSize = u64(record, 40);
      cdOffset = u64(record, 48);
    }
    if (cdOffset + cdSize > size) throw bad('the central directory lies outside the file (truncated?)');
    if (cdSize > 64 * 1024 * 1024) throw bad(`the central directory is implausibly large (${cdSize} bytes)`);
    const cd = await this.readAt(cdOffset, cdSize);
    const members: ZipMember[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) throw bad(`central directory entry ${i} is corrupt`);
      const madeBy = cd.readUInt16LE(at + 4) >> 8;
      const flags = cd.readUInt16LE(at + 8);
      const method = cd.readUInt16LE(at + 10);
      const crc = cd.readUInt32LE(at + 16);
      let compressedSize = cd.readUInt32LE(at + 20);
      let uncompressed = cd.readUInt32LE(at + 24);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const external = cd.readUInt32LE(at + 38);
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
      const unixMode = madeBy === 3 ? external >>> 16 : 0;
      members.push({
        name,
        method,
        flags,
        crc32: crc,
        compressedSize,
        size: uncompressed,
        localHeaderOffset,
        isDirectory: name.endsWith('/') || name.endsWith('\\'),
        isSymlink: (unixMode & 0o170000) === 0o120000,
      });
      at = extraEnd + commentLength;
    }
    return members;
  }

  /**
   * Reads a (small) member into memory, checking its size and CRC-32.
   *
   * @throws DltsError (the archive's `code`) when it is larger than `maxBytes`, corrupt, or unsupported.
   */
  async read(member: ZipMember, maxBytes: number): Promise<Buffer> {
    const { fn } = this.options;
    if (member.size > maxBytes) throw new DltsError(this.options.code, `${fn}: ${member.name} in ${this.path} is too large (${member.size} bytes; at most ${maxBytes})`);
    const parts: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        parts.push(chunk);
        callback();
      },
    });
    await this.copy(member, sink, 'read');
    return Buffer.concat(parts);
  }

  /**
   * Streams a member into `target` (a path the caller chose), checking its size and CRC-32.
   *
   * @param overwrite - replace an existing file (default: fail if `target` exists).
   * @throws DltsError (the archive's `code`) when the member is corrupt or unsupported; `DLTS_IO`
   *   when the target cannot be written.
   */
  async extract(member: ZipMember, target: string, { overwrite = false } = {}): Promise<void> {
    let out: Writable;
    try {
      out = createWriteStream(target, { flags: overwrite ? 'w' : 'wx' });
    } catch (error) {
      throw new DltsError('DLTS_IO', `${this.options.fn}: cannot write ${target}: ${(error as Error).message}`, { cause: error });
    }
    await this.copy(member, out, 'extract');
  }

  /** Inflates (or copies) a member's bytes into `sink`, counting, bounding and checksumming them. */
  private async copy(member: ZipMember, sink: Writable, verb: 'read' | 'extract'): Promise<void> {
    const { fn, code } = this.options;
    const corrupt = (why: string) => new DltsError(code, `${fn}: ${member.name} in ${this.path} is corrupt: ${why}`);
    const start = await this.dataStart(member);
    let bytes = 0;
    let crc = 0;
    const check = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > member.size) return callback(corrupt(`more than the declared ${member.size} bytes`));
        crc = crc32(chunk, crc);
        callback(null, chunk);
      },
    });
    try {
      if (member.compressedSize === 0) {
        await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
      } else {
        // A stream of its own per member: a failed pipeline destroys its source, and with it the
        // archive's handle were it the handle's stream.
        const raw = createReadStream(this.path, { start, end: start + member.compressedSize - 1, highWaterMark: 1 << 20 });
        if (member.method === 8) {
          // A deflate stream that does not decode (zlib's Z_* errors) is damage, not an I/O failure.
          await pipeline(raw, createInflateRaw(), check, sink).catch((error: unknown) => {
            const e = error as NodeJS.ErrnoException;
            throw e.code?.startsWith('Z_') ? corrupt(`it does not inflate (${e.message})`) : error;
          });
        } else {
          await pipeline(raw, check, sink);
        }
      }
    } catch (error) {
      if (error instanceof DltsError) throw error;
      throw new DltsError('DLTS_IO', `${fn}: cannot ${verb} ${member.name} from ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    if (bytes !== member.size) throw corrupt(`${bytes} bytes instead of the declared ${member.size}`);
    if (crc >>> 0 !== member.crc32 >>> 0) throw corrupt('CRC-32 mismatch');
  }

  /** Where a member's bytes start (after its local header), with the checks every read needs. */
  private async dataStart(member: ZipMember): Promise<number> {
    const bad = (why: string) => new DltsError(this.options.code, `${this.options.fn}: cannot read ${member.name} from ${this.path}: ${why}`);
    if (member.flags & 1) throw bad('encrypted members are not supported');
    if (member.method !== 0 && member.method !== 8) throw bad(`compression method ${member.method} is not supported (stored or deflated only)`);
    if (member.localHeaderOffset + 30 > this.size) throw bad('the member runs past the end of the file (truncated archive)');
    const header = await this.readAt(member.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL) throw bad('bad local header (corrupt archive)');
    const start = member.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + member.compressedSize > this.size) throw bad('the member runs past the end of the file (truncated archive)');
    return start;
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== length) throw new DltsError('DLTS_IO', `${this.options.fn}: ${this.path} is truncated (wanted ${length} bytes at offset ${position})`);
    return buffer;
  }
}
