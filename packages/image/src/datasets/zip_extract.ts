/**
 * Safe extraction of a large zip archive straight from disk (the 790 MB cats-vs-dogs archive is
 * never held in memory): members are read through the central directory one at a time, inflated
 * with node:zlib, checked against their declared size and CRC-32, and written below the target
 * folder only. Absolute paths, `..` segments, drive letters and symbolic links are skipped and
 * reported; encrypted members, unknown compression methods and zip64 archives are refused.
 *
 * (@dlts/datasets has an in-memory zip reader for small downloads; @dlts/image may not import it.)
 */
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { DltsError } from '@dlts/tensors';

const inflateRawAsync = promisify(inflateRaw);

/** One member of the archive, from its central directory entry. */
export interface ZipMember {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

/** What {@link extractZip} did. */
export interface ExtractResult {
  /** Files written. */
  files: number;
  /** Members skipped as unsafe (absolute, `..`, links), by name. */
  skipped: string[];
}

function formatError(file: string, why: string): DltsError {
  return new DltsError('DLTS_DATASET_FORMAT', `extractZip: ${file}: ${why}`);
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Lists the members of the zip file at `path` from its central directory.
 *
 * @throws DltsError `DLTS_DATASET_FORMAT` naming the file when it is not a complete, supported zip.
 * @example
 * ```ts
 * import { listZipMembers } from '@dlts/image';
 * const members = await listZipMembers('kagglecatsanddogs_5340.zip');
 * const files = members.filter((m) => !m.isDirectory);
 * console.log(files.length, files[0].name, files[0].size); // count, first name, uncompressed bytes
 * ```
 */
export async function listZipMembers(path: string): Promise<ZipMember[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLength = Math.min(size, 65_557);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw formatError(path, 'not a complete zip archive (no end-of-central-directory record; was the download cut short?)');
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw formatError(path, 'zip64 archives are not supported');
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw formatError(path, 'multi-disk zip archives are not supported');
    if (cdOffset + cdSize > size) throw formatError(path, 'truncated zip archive: the central directory runs past the end of the file');
    const cd = await readAt(fh, cdOffset, cdSize);
    const members: ZipMember[] = [];
    let p = 0;
    for (let k = 0; k < entries; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw formatError(path, `corrupt central directory at entry ${k}`);
      const madeBy = cd.readUInt16LE(p + 4) >> 8;
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const usize = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const external = cd.readUInt32LE(p + 38);
      const localHeaderOffset = cd.readUInt32LE(p + 42);
      const rawName = cd.subarray(p + 46, p + 46 + nameLength);
      const name = flags & 0x800 ? rawName.toString('utf8') : rawName.toString('latin1');
      if (compressedSize === 0xffffffff || usize === 0xffffffff || localHeaderOffset === 0xffffffff) throw formatError(path, `zip64 member ${name} is not supported`);
      const unixMode = madeBy === 3 ? external >>> 16 : 0;
      members.push({
        name,
        method,
        flags,
        crc32: crc,
        compressedSize,
        size: usize,
        localHeaderOffset,
        isDirectory: name.endsWith('/') || name.endsWith('\\'),
        isSymlink: (unixMode & 0o170000) === 0o120000,
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return members;
  } finally {
    await fh.close();
  }
}

/** A member name as a safe relative path, or undefined when it is absolute or climbs out. */
export function safeMemberPath(name: string): string | undefined {
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name) || name.includes('\0')) return undefined;
  const kept: string[] = [];
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    kept.push(part);
  }
  return kept.length === 0 ? undefined : kept.join(sep);
}

/**
 * Extracts every safe member of the zip at `path` below `destination`.
 *
 * @param onProgress - called after each member with (done, total).
 * @throws DltsError `DLTS_DATASET_FORMAT` on a damaged or unsupported archive (CRC or size
 *   mismatch, encryption, unknown method); `DLTS_IO` when writing fails.
 * @example
 * ```ts
 * import { extractZip } from '@dlts/image';
 * const { files, skipped } = await extractZip('kagglecatsanddogs_5340.zip', 'data', (done, total) => {
 *   process.stderr.write(`\r${done}/${total} members`);
 * });
 * console.log(`${files} files extracted, ${skipped.length} unsafe members skipped`);
 * ```
 */
export async function extractZip(path: string, destination: string, onProgress?: (done: number, total: number) => void): Promise<ExtractResult> {
  const members = await listZipMembers(path);
  const skipped: string[] = [];
  let files = 0;
  const fh = await open(path, 'r');
  try {
    for (const [i, m] of members.entries()) {
      const rel = safeMemberPath(m.name);
      if (rel === undefined || m.isSymlink) {
        skipped.push(m.name);
        continue;
      }
      const out = join(destination, rel);
      const back = relative(destination, out);
      if (back.startsWith('..') || isAbsolute(back)) {
        skipped.push(m.name);
        continue;
      }
      if (m.isDirectory) {
        await mkdir(out, { recursive: true });
        continue;
      }
      if (m.flags & 1) throw formatError(path, `member ${m.name} is encrypted`);
      const local = await readAt(fh, m.localHeaderOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw formatError(path, `bad local header for ${m.name}`);
      const start = m.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const compressed = await readAt(fh, start, m.compressedSize);
      if (compressed.length !== m.compressedSize) throw formatError(path, `member ${m.name} is truncated`);
      let data: Buffer;
      if (m.method === 0) data = compressed;
      else if (m.method === 8) {
        try {
          // maxOutputLength refuses a member that inflates beyond its declared size (zip bombs).
          data = await inflateRawAsync(compressed, { maxOutputLength: Math.max(1, m.size) });
        } catch (error) {
          throw formatError(path, `member ${m.name} does not inflate: ${(error as Error).message}`);
        }
      } else throw formatError(path, `member ${m.name} uses unsupported compression method ${m.method}`);
      if (data.length !== m.size) throw formatError(path, `member ${m.name} has ${data.length} bytes, its directory entry says ${m.size}`);
      if (crc32(data) >>> 0 !== m.crc32 >>> 0) throw formatError(path, `member ${m.name} fails its CRC-32 check`);
      try {
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, data);
      } catch (error) {
        throw new DltsError('DLTS_IO', `extractZip: cannot write ${out}: ${(error as Error).message}`, { cause: error });
      }
      files++;
      onProgress?.(i + 1, members.length);
    }
  } finally {
    await fh.close();
  }
  return { files, skipped };
}
