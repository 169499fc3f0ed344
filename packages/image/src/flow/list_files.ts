/**
 * Listing the images of a class-per-folder dataset the way Keras does (`_list_valid_filenames_in_directory`
 * and `index_directory`): classes are the sorted sub-folders, files are walked recursively, roots
 * and names sorted, filtered by extension, optionally split by fraction per class. dlts also drops
 * files that cannot be images (empty, unreadable, or not starting like any image format) and says
 * which, once.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { DltsError, received } from '@dlts/tensors';

/** Keras's `DirectoryIterator.white_list_formats` (matched with `endswith`, without the dot, as Keras). */
export const FLOW_FORMATS = ['png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff'] as const;
/** Keras's `image_dataset_from_directory` `ALLOWLIST_FORMATS`. */
export const DATASET_FORMATS = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'] as const;

/** The result of listing a dataset folder. */
export interface ListedFiles {
  /** Class names in index order. */
  classNames: string[];
  /** Paths relative to the dataset folder, `class/file.jpg`, in Keras's order. */
  filenames: string[];
  /** Class index of each file. */
  labels: Int32Array;
  /** Files left out, with the reason. */
  skipped: { path: string; reason: string }[];
}

/** Options of {@link listImageFiles}. */
export interface ListOptions {
  /** Explicit class folders, in index order (default: the sorted sub-folders). */
  classes?: string[] | null;
  /** Extensions to accept (matched case-insensitively with `endsWith`). */
  formats: readonly string[];
  /** Follow symbolic links to sub-folders. Default false. */
  followLinks?: boolean;
  /** `[start, stop)` fractions of each class's files to keep (Keras's `split`). */
  split?: [number, number] | null;
  /** Skip folders starting with "." when inferring classes (image_dataset_from_directory does, flow_from_directory does not). */
  skipHiddenClasses?: boolean;
  /** The function name for messages. */
  fn: string;
}

/**
 * Lists the images under `directory` (one sub-folder per class).
 *
 * @throws DltsError `DLTS_IO` when the folder cannot be read; `DLTS_VALUE` when a named class folder is missing.
 */
export function listImageFiles(directory: string, options: ListOptions): ListedFiles {
  const { fn } = options;
  let entries: string[];
  try {
    entries = readdirSync(directory).sort(byCodePoint);
  } catch (error) {
    throw new DltsError('DLTS_IO', `${fn}: cannot read the folder ${directory}: ${(error as Error).message}`, { cause: error });
  }
  let classNames: string[];
  if (options.classes && options.classes.length > 0) {
    classNames = options.classes.slice();
    for (const c of classNames) {
      if (!isDir(join(directory, c))) {
        throw new DltsError('DLTS_VALUE', `${fn}: the class folder ${join(directory, c)} does not exist. Received: classes=${received(options.classes)}`);
      }
    }
  } else {
    classNames = entries.filter((e) => isDir(join(directory, e)) && !(options.skipHiddenClasses && e.startsWith('.')));
  }
  const filenames: string[] = [];
  const labels: number[] = [];
  const skipped: { path: string; reason: string }[] = [];
  classNames.forEach((className, index) => {
    const classDir = join(directory, className);
    let files = walk(classDir, Boolean(options.followLinks)).filter((f) => matchesFormat(basename(f), options.formats));
    if (options.split) {
      const start = Math.trunc(options.split[0] * files.length);
      const stop = Math.trunc(options.split[1] * files.length);
      files = files.slice(start, stop);
    }
    for (const file of files) {
      const reason = unreadable(file);
      const rel = join(className, relative(classDir, file));
      if (reason) {
        skipped.push({ path: rel, reason });
        continue;
      }
      filenames.push(rel);
      labels.push(index);
    }
  });
  return { classNames, filenames, labels: Int32Array.from(labels), skipped };
}

/** One warning naming the files that were left out (at most 20 by name). */
export function warnSkipped(fn: string, directory: string, skipped: { path: string; reason: string }[]): void {
  if (skipped.length === 0) return;
  const shown = skipped.slice(0, 20).map((s) => `${s.path} (${s.reason})`);
  const more = skipped.length > 20 ? `, and ${skipped.length - 20} more` : '';
  console.warn(`${fn}: skipped ${skipped.length} unreadable or empty image file(s) in ${directory}: ${shown.join(', ')}${more}`);
}

function byCodePoint(a: string, b: string): number {
  // Python's sorted(): by code point (JS's default sort compares UTF-16 units).
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function matchesFormat(name: string, formats: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return formats.some((f) => lower.endsWith(f));
}

/** `os.walk` sorted by folder, files sorted within each folder. */
function walk(root: string, followLinks: boolean): string[] {
  const folders: { dir: string; files: string[] }[] = [];
  const visit = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const name of names) {
      const full = join(dir, name);
      let isLink: boolean;
      try {
        isLink = lstatSync(full).isSymbolicLink();
      } catch {
        continue;
      }
      if (isDir(full)) {
        if (!isLink || followLinks) subdirs.push(full);
      } else files.push(name);
    }
    folders.push({ dir, files: files.sort(byCodePoint) });
    for (const s of subdirs) visit(s);
  };
  visit(root);
  folders.sort((a, b) => byCodePoint(a.dir, b.dir));
  return folders.flatMap((f) => f.files.map((name) => join(f.dir, name)));
}

const SIGNATURES: ((b: Uint8Array) => boolean)[] = [
  (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, // JPEG
  (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47, // PNG
  (b) => b[0] === 0x42 && b[1] === 0x4d, // BMP
  (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38, // GIF8
  (b) => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a), // TIFF
  (b) => b[0] === 0x50 && b[1] >= 0x31 && b[1] <= 0x37, // PNM (P1..P7)
  (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50, // WebP
];

/** Why a file cannot be an image (empty, unreadable, unknown signature), or undefined. */
export function unreadable(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(12);
    const n = readSync(fd, head, 0, 12, 0);
    if (n === 0) return 'empty';
    if (!SIGNATURES.some((s) => s(head))) return 'not an image';
    return undefined;
  } catch (error) {
    return `unreadable: ${(error as { code?: string }).code ?? (error as Error).message}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `directory/relative` with the platform separator. */
export function joinPath(directory: string, rel: string): string {
  return directory.endsWith(sep) ? directory + rel : `${directory}${sep}${rel}`;
}
