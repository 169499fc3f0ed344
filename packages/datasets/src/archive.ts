/**
 * Extracting a downloaded tar / tar.gz / zip archive into a folder, the way `get_file(extract=True)`
 * does, but safely: members whose path is absolute or climbs out with `..` are skipped, links are
 * skipped, and the folder appears atomically (extracted beside it, then renamed), so a half
 * extraction is never mistaken for a complete one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute, sep } from 'node:path';
import { DltsError } from '@dlts/tensors';
import { describe, formatError, gunzipIfNeeded } from './input';
import { isTar, listTar } from './tar';
import { listZip, readZipEntry } from './zip';

/** Archive formats `getFile` can extract; `'auto'` tries tar (plain or gzipped), then zip. */
export type ArchiveFormat = 'auto' | 'tar' | 'zip';

interface Member {
  name: string;
  kind: 'file' | 'directory' | 'link';
  mode: number;
  read: () => Promise<Uint8Array>;
}

/**
 * Extracts `archivePath` into `destination`.
 *
 * @returns the names of the members that were skipped as unsafe (absolute paths, `..`, links).
 * @throws DltsError `DLTS_DATASET_FORMAT` when the file is not a supported archive or is damaged;
 *   `DLTS_IO` when the folder cannot be written.
 */
export async function extractArchive(
  archivePath: string,
  destination: string,
  options: { format?: ArchiveFormat; replace?: boolean } = {},
): Promise<string[]> {
  const fn = 'getFile';
  const format = options.format ?? 'auto';
  let raw: Uint8Array;
  try {
    raw = await readFile(archivePath);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot open ${archivePath}: ${describe(error)}`, { cause: error });
  }
  const members = await listMembers(raw, archivePath, fn, format);

  const temp = `${destination}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const skipped: string[] = [];
  try {
    await mkdir(temp, { recursive: true });
    for (const member of members) {
      const rel = safeRelative(member.name);
      if (rel === undefined || member.kind === 'link') {
        skipped.push(member.name);
        continue;
      }
      const out = join(temp, rel);
      const back = relative(temp, out);
      if (back.startsWith('..') || isAbsolute(back)) {
        skipped.push(member.name);
        continue;
      }
      if (member.kind === 'directory') {
        await mkdir(out, { recursive: true });
        continue;
      }
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, await member.read(), { mode: member.mode & 0o111 ? 0o755 : 0o644 });
    }
    await swapIn(temp, destination, options.replace ?? false);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: cannot extract ${archivePath} into ${destination}: ${describe(error)}`, { cause: error });
  }
  if (skipped.length > 0) {
    process.emitWarning(`getFile: skipped ${skipped.length} unsafe archive member(s) of ${archivePath}: ${skipped.slice(0, 5).join(', ')}`);
  }
  return skipped;
}

async function listMembers(raw: Uint8Array, file: string, fn: string, format: ArchiveFormat): Promise<Member[]> {
  const zipMagic = raw.length >= 4 && raw[0] === 0x50 && raw[1] === 0x4b && (raw[2] === 3 || raw[2] === 5);
  if ((format === 'auto' || format === 'zip') && zipMagic) {
    return listZip(raw, file, fn).map((e) => ({
      name: e.name,
      // A Unix symlink stored in a zip has file type 0o120000 in its mode bits.
      kind: (e.unixMode & 0o170000) === 0o120000 ? 'link' : e.isDirectory ? 'directory' : 'file',
      mode: e.unixMode,
      read: () => readZipEntry(raw, e, file, fn),
    }));
  }
  if (format === 'auto' || format === 'tar') {
    if (raw.length >= 3 && raw[0] === 0x42 && raw[1] === 0x5a && raw[2] === 0x68) {
      throw formatError(fn, file, 'bzip2-compressed archives are not supported (use a .tar.gz or .zip)');
    }
    const tar = await gunzipIfNeeded(raw, fn, file);
    if (isTar(tar)) {
      // Links and special files are never created: they count as unsafe and are skipped.
      return listTar(tar, file, fn).map((e) => ({
        name: e.name,
        kind: e.type === 'file' ? 'file' : e.type === 'directory' ? 'directory' : 'link',
        mode: e.mode,
        read: async () => e.data,
      }));
    }
  }
  throw formatError(fn, file, `not a ${format === 'auto' ? 'tar, tar.gz or zip' : format} archive`);
}

/** A member path as a safe relative path, or `undefined` when it is absolute or climbs out. */
function safeRelative(name: string): string | undefined {
  const parts = name.replace(/\\/g, '/').split('/');
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name)) return undefined;
  const kept: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    kept.push(part);
  }
  return kept.length === 0 ? undefined : kept.join(sep);
}

async function swapIn(temp: string, destination: string, replace: boolean): Promise<void> {
  const existing = await stat(destination).catch(() => undefined);
  if (existing && !replace) {
    // Another process finished first: keep its copy.
    await rm(temp, { recursive: true, force: true });
    return;
  }
  if (existing) {
    const old = `${destination}.${process.pid}.${randomBytes(6).toString('hex')}.old`;
    await rename(destination, old);
    await rename(temp, destination);
    await rm(old, { recursive: true, force: true });
    return;
  }
  try {
    await rename(temp, destination);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
      await rm(temp, { recursive: true, force: true });
      return;
    }
    throw error;
  }
}
