/**
 * Safe extraction of a large zip archive straight from disk (the 790 MB cats-vs-dogs archive is
 * never held in memory), on @dlts/tensors' `ZipArchive`: members are streamed one at a time and
 * checked against their declared size and CRC-32, and written below the target folder only.
 * Absolute paths, `..` segments, drive letters and symbolic links are skipped and reported;
 * encrypted members and unknown compression methods are refused.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { DltsError, ZipArchive, type ZipMember } from '@dlts/tensors';

export type { ZipMember } from '@dlts/tensors';

/** What {@link extractZip} did. */
export interface ExtractResult {
  /** Files written. */
  files: number;
  /** Members skipped as unsafe (absolute, `..`, links), by name. */
  skipped: string[];
}

/** Opens `path` with extractZip's error wording (damage: `DLTS_DATASET_FORMAT`). */
function openZip(path: string, fn: string): Promise<ZipArchive> {
  return ZipArchive.open(path, { fn, code: 'DLTS_DATASET_FORMAT' });
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
  const zip = await openZip(path, 'listZipMembers');
  try {
    return await zip.members();
  } finally {
    await zip.close();
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
  const zip = await openZip(path, 'extractZip');
  try {
    const members = await zip.members();
    const skipped: string[] = [];
    let files = 0;
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
      try {
        await mkdir(dirname(out), { recursive: true });
      } catch (error) {
        throw new DltsError('DLTS_IO', `extractZip: cannot write ${out}: ${(error as Error).message}`, { cause: error });
      }
      await zip.extract(m, out, { overwrite: true });
      files++;
      onProgress?.(i + 1, members.length);
    }
    return { files, skipped };
  } finally {
    await zip.close();
  }
}
