/**
 * The cats-vs-dogs data of the course: the Microsoft PetImages archive keras.io uses
 * (`downloadCatsVsDogs`: resumable download, safe extraction, keras.io's JFIF filter) and the
 * course's small 1000/500/500 split (`makeSmallCatsDogs`).
 *
 * They live in @dlts/image because they need image decoding (to drop corrupt files) and the
 * design keeps @dlts/image and @dlts/datasets apart; the download and zip code here is small and
 * streams from disk, which the 790 MB archive needs.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { dataDir, DltsError, isOffline, received } from '@dlts/tensors';
import { decodeImage } from '../io/image';
import { extractZip } from './zip_extract';

/** The archive keras.io's "Image classification from scratch" downloads (Microsoft's Kaggle PetImages). */
export const CATS_VS_DOGS_URL = 'https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip';

/** The fetch used for downloads (the global one by default). */
export type FetchFn = (url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

/** Options of {@link downloadCatsVsDogs}. */
export interface DownloadCatsVsDogsOptions {
  /** Folder for the archive and `PetImages/` (default `$DLTS_DATA_DIR/datasets/cats_vs_dogs`, else `~/.cache/dlts/datasets/cats_vs_dogs`). */
  dir?: string;
  /** Where to download from. Default {@link CATS_VS_DOGS_URL}. */
  url?: string;
  /** Also decode every image and delete those that fail (corrupt or truncated). Default true. */
  verifyDecode?: boolean;
  /** Keep the zip after extraction. Default false. */
  keepArchive?: boolean;
  /** The fetch to use (tests, proxies). Default the global `fetch`. */
  fetch?: FetchFn;
  /** Progress lines on stderr. Default: when stderr is a terminal. */
  progress?: boolean;
  /** Where messages go. Default `console.log`. */
  log?: (line: string) => void;
}

/** What {@link downloadCatsVsDogs} produced. */
export interface CatsVsDogsData {
  /** The `PetImages` folder (with `Cat/` and `Dog/`). */
  dir: string;
  cats: number;
  dogs: number;
  /** Files deleted because they are not JFIF (keras.io's filter). */
  deletedNotJfif: number;
  /** Files deleted because they do not decode (with `verifyDecode`). */
  deletedCorrupt: number;
}

const MARKER = '.dlts-complete.json';

/**
 * The default folder: `$DLTS_DATA_DIR` or `~/.cache/dlts`, then `datasets/cats_vs_dogs`.
 *
 * @example
 * ```ts
 * import { catsVsDogsDir, downloadCatsVsDogs } from '@dlts/image';
 * catsVsDogsDir(); // ~/.cache/dlts/datasets/cats_vs_dogs, or $DLTS_DATA_DIR/datasets/cats_vs_dogs
 * const pets = await downloadCatsVsDogs(); // downloads there by default
 * pets.dir; // join(catsVsDogsDir(), 'PetImages')
 * ```
 */
export function catsVsDogsDir(): string {
  return join(dataDir(), 'datasets', 'cats_vs_dogs');
}

/**
 * Downloads and prepares Microsoft's PetImages (about 790 MB, 25,000 photos), as keras.io's
 * "Image classification from scratch" does: the zip is downloaded into `dir` (resumed with an
 * HTTP range request when a partial file is there), checked, extracted safely (no member may
 * land outside `dir`), and every file whose first buffer (8 KiB, what Python's `peek` returns)
 * lacks the `JFIF` marker is deleted, with the count printed ("Deleted 1590 images." on the
 * current archive); with `verifyDecode` files that do not decode are deleted too. A finished
 * folder is reused. `DLTS_OFFLINE=1` forbids the download.
 *
 * @param options - `dir`, `url`, `verifyDecode` (true), `keepArchive` (false), `fetch`, `progress`, `log`.
 * @returns the `PetImages` folder and the counts.
 * @throws DltsError `DLTS_DOWNLOAD` when the archive is not there and cannot be downloaded (naming
 *   the URL and the path a copy would be used from); `DLTS_DATASET_FORMAT` for a damaged archive.
 * @example
 * ```ts
 * const pets = await downloadCatsVsDogs();
 * await makeSmallCatsDogs({ sourceDir: pets.dir, baseDir: 'cats_and_dogs_small' });
 * ```
 */
export async function downloadCatsVsDogs(options: DownloadCatsVsDogsOptions = {}): Promise<CatsVsDogsData> {
  const dir = options.dir ?? catsVsDogsDir();
  const url = options.url ?? CATS_VS_DOGS_URL;
  const log = options.log ?? console.log;
  const petDir = join(dir, 'PetImages');
  const marker = await readFile(join(dir, MARKER), 'utf8').catch(() => undefined);
  if (marker) {
    const info = JSON.parse(marker) as CatsVsDogsData;
    return { ...info, dir: petDir };
  }
  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, basename(new URL(url).pathname) || 'kagglecatsanddogs.zip');
  if (!(await exists(zipPath))) {
    if (isOffline()) {
      throw new DltsError(
        'DLTS_DOWNLOAD',
        `downloadCatsVsDogs: the archive is not at ${zipPath} and downloads are disabled (DLTS_OFFLINE=${process.env.DLTS_OFFLINE}). It would be downloaded from ${url}; put a copy at ${zipPath}, or unset DLTS_OFFLINE.`,
      );
    }
    await resumableDownload(url, zipPath, options.fetch ?? (globalThis.fetch as FetchFn), options.progress ?? Boolean(process.stderr.isTTY));
  }
  log(`Extracting ${zipPath} ...`);
  const temp = join(dir, `.extract-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  const result = await extractZip(zipPath, temp);
  if (result.skipped.length > 0) log(`Skipped ${result.skipped.length} unsafe archive member(s): ${result.skipped.slice(0, 5).join(', ')}`);
  const extracted = join(temp, 'PetImages');
  if (!(await exists(join(extracted, 'Cat'))) || !(await exists(join(extracted, 'Dog')))) {
    await rm(temp, { recursive: true, force: true });
    throw new DltsError('DLTS_DATASET_FORMAT', `downloadCatsVsDogs: ${zipPath} has no PetImages/Cat and PetImages/Dog folders. Received: a different archive`);
  }
  await rm(petDir, { recursive: true, force: true });
  await rename(extracted, petDir);
  await rm(temp, { recursive: true, force: true });
  const deletedNotJfif = await removeNonJfif(petDir);
  log(`Deleted ${deletedNotJfif} images.`);
  let deletedCorrupt = 0;
  if (options.verifyDecode ?? true) {
    deletedCorrupt = await removeUndecodable(petDir);
    log(`Deleted ${deletedCorrupt} more image(s) that do not decode.`);
  }
  const cats = (await readdir(join(petDir, 'Cat'))).length;
  const dogs = (await readdir(join(petDir, 'Dog'))).length;
  const info: CatsVsDogsData = { dir: petDir, cats, dogs, deletedNotJfif, deletedCorrupt };
  await writeFile(join(dir, MARKER), `${JSON.stringify(info, null, 2)}\n`);
  if (!options.keepArchive) await unlink(zipPath).catch(() => undefined);
  return info;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Downloads into `<target>.part`, resuming it with a Range request, then renames it to `target`. */
export async function resumableDownload(url: string, target: string, doFetch: FetchFn, progress: boolean): Promise<void> {
  const part = `${target}.part`;
  const fail = (why: string, cause?: unknown) =>
    new DltsError('DLTS_DOWNLOAD', `downloadCatsVsDogs: URL fetch failure on ${url} (to ${target}): ${why}. A copy at ${target} would be used instead.`, cause ? { cause } : undefined);
  const have = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  let response: Response;
  try {
    response = await doFetch(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
  } catch (error) {
    throw fail((error as Error).message, error);
  }
  let offset = 0;
  let total: number | undefined;
  if (response.status === 206 && have > 0) {
    const range = /bytes (\d+)-(\d+)\/(\d+)/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== have) throw fail(`the server resumed at an unexpected offset (${received(response.headers.get('content-range'))})`);
    offset = have;
    total = Number(range[3]);
  } else if (response.status === 200) {
    const length = response.headers.get('content-length');
    total = length === null ? undefined : Number(length);
  } else if (response.status === 416 && have > 0) {
    // Nothing left to fetch: the partial file is complete.
    await rename(part, target);
    return;
  } else {
    throw fail(`HTTP ${response.status} ${response.statusText}`);
  }
  if (!response.body) throw fail('empty response body');
  const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
  let written = offset;
  let lastShown = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      written += value.length;
      if (progress && Date.now() - lastShown > 500) {
        lastShown = Date.now();
        process.stderr.write(`\rDownloading ${basename(target)}: ${(written / 2 ** 20).toFixed(1)}${total ? ` / ${(total / 2 ** 20).toFixed(1)}` : ''} MiB`);
      }
    }
  } catch (error) {
    await new Promise((resolve) => out.end(resolve));
    throw fail(`the transfer broke after ${written} bytes (run again to resume): ${(error as Error).message}`, error);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (progress) process.stderr.write('\n');
  if (total !== undefined && written !== total) throw fail(`got ${written} of ${total} bytes (run again to resume)`);
  await rename(part, target);
}

/** keras.io's filter: delete every file without `JFIF` in its first buffered read (8 KiB). */
async function removeNonJfif(petDir: string): Promise<number> {
  let removed = 0;
  const marker = Buffer.from('JFIF');
  for (const folder of ['Cat', 'Dog']) {
    for (const name of await readdir(join(petDir, folder))) {
      const path = join(petDir, folder, name);
      const fh = await open(path, 'r');
      let head: Buffer;
      try {
        const buf = Buffer.alloc(8192);
        const { bytesRead } = await fh.read(buf, 0, 8192, 0);
        head = buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
      if (head.indexOf(marker) < 0) {
        await unlink(path);
        removed++;
      }
    }
  }
  return removed;
}

/** Deletes the images that do not decode (truncated or corrupt JPEGs). */
async function removeUndecodable(petDir: string): Promise<number> {
  let removed = 0;
  for (const folder of ['Cat', 'Dog']) {
    const names = await readdir(join(petDir, folder));
    const queue = names.slice();
    const worker = async () => {
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        const path = join(petDir, folder, name);
        try {
          await decodeImage(await readFile(path), path);
        } catch {
          await unlink(path);
          removed++;
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }
  return removed;
}

/** Options of {@link makeSmallCatsDogs}. */
export interface SmallCatsDogsOptions {
  /** `PetImages` (with `Cat/12.jpg`), its parent, or Kaggle's `train` folder (with `cat.12.jpg`). */
  sourceDir: string;
  /** The folder to create (`train/`, `validation/`, `test/`, each with `cats/` and `dogs/`). */
  baseDir: string;
  /** Training images per class. Default 1000. */
  train?: number;
  /** Validation images per class. Default 500. */
  validation?: number;
  /** Test images per class. Default 500. */
  test?: number;
  /** Replace the split folders when `baseDir` is not empty. Default false. */
  overwrite?: boolean;
  /** Where the course's count lines go. Default `console.log`. */
  log?: (line: string) => void;
}

/** What {@link makeSmallCatsDogs} made. */
export interface SmallCatsDogs {
  trainDir: string;
  validationDir: string;
  testDir: string;
  /** `{train: {cats, dogs}, validation: {...}, test: {...}}` file counts. */
  counts: Record<'train' | 'validation' | 'test', { cats: number; dogs: number }>;
}

/**
 * The course's small dataset: for each class the first `train` images (by number, from 1, as the
 * course's `cat.1.jpg ... cat.1000.jpg`) go to `train/`, the next `validation` to `validation/`,
 * the next `test` to `test/`. Files are named as Kaggle's (`cat.1.jpg`) whatever the source
 * layout. Prints the counts as the course does ("total training cat images: 1000").
 *
 * @param options - `sourceDir`, `baseDir`, `train` (1000), `validation` (500), `test` (500), `overwrite`, `log`.
 * @returns the three folders and the counts.
 * @throws DltsError `DLTS_VALUE` when `baseDir` is not empty (without `overwrite`), the source
 *   layout is not recognised, or there are too few images; `DLTS_IO` when copying fails.
 * @example
 * ```ts
 * const small = await makeSmallCatsDogs({ sourceDir: pets.dir, baseDir: 'cats_and_dogs_small' });
 * ```
 */
export async function makeSmallCatsDogs(options: SmallCatsDogsOptions): Promise<SmallCatsDogs> {
  const fn = 'makeSmallCatsDogs';
  const { baseDir } = options;
  const sizes = { train: options.train ?? 1000, validation: options.validation ?? 500, test: options.test ?? 500 };
  for (const [k, v] of Object.entries(sizes)) {
    if (!(Number.isInteger(v) && v >= 0)) throw new DltsError('DLTS_VALUE', `${fn}: ${k} must be a non-negative integer. Received: ${k}=${received(v)}`);
  }
  const log = options.log ?? console.log;
  const existing = await readdir(baseDir).catch(() => [] as string[]);
  if (existing.length > 0) {
    if (!options.overwrite) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${baseDir} is not empty; pass overwrite: true to replace its train/validation/test folders. Received: baseDir=${received(baseDir)}`);
    }
    for (const split of ['train', 'validation', 'test']) await rm(join(baseDir, split), { recursive: true, force: true });
  }
  const sources = await findSources(options.sourceDir, fn);
  const need = sizes.train + sizes.validation + sizes.test;
  const counts = { train: { cats: 0, dogs: 0 }, validation: { cats: 0, dogs: 0 }, test: { cats: 0, dogs: 0 } };
  for (const [cls, files] of Object.entries(sources) as ['cats' | 'dogs', { number: number; path: string }[]][]) {
    const usable = files.filter((f) => f.number >= 1).sort((a, b) => a.number - b.number);
    if (usable.length < need) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${cls}: ${need} images are needed (${sizes.train} + ${sizes.validation} + ${sizes.test}). Received: ${usable.length} in ${options.sourceDir}`);
    }
    let at = 0;
    for (const split of ['train', 'validation', 'test'] as const) {
      const folder = join(baseDir, split, cls);
      await mkdir(folder, { recursive: true });
      const chosen = usable.slice(at, at + sizes[split]);
      at += sizes[split];
      const stem = cls === 'cats' ? 'cat' : 'dog';
      try {
        await Promise.all(chosen.map((f) => copyFile(f.path, join(folder, `${stem}.${f.number}.jpg`))));
      } catch (error) {
        throw new DltsError('DLTS_IO', `${fn}: cannot copy into ${folder}: ${(error as Error).message}`, { cause: error });
      }
      counts[split][cls] = (await readdir(folder)).length;
    }
  }
  for (const [split, label] of [
    ['train', 'training'],
    ['validation', 'validation'],
    ['test', 'test'],
  ] as const) {
    log(`total ${label} cat images: ${counts[split].cats} `);
    log(`total ${label} dog images: ${counts[split].dogs} `);
  }
  return { trainDir: join(baseDir, 'train'), validationDir: join(baseDir, 'validation'), testDir: join(baseDir, 'test'), counts };
}

/** The cat and dog files of a PetImages or Kaggle layout, with their numbers. */
async function findSources(sourceDir: string, fn: string): Promise<Record<'cats' | 'dogs', { number: number; path: string }[]>> {
  const list = async (dir: string) => readdir(dir).catch(() => undefined);
  for (const root of [sourceDir, join(sourceDir, 'PetImages')]) {
    const cat = await list(join(root, 'Cat'));
    const dog = await list(join(root, 'Dog'));
    if (cat && dog) {
      const parse = (dir: string, names: string[]) =>
        names.flatMap((n) => {
          const m = /^(\d+)\.jpe?g$/i.exec(n);
          return m ? [{ number: Number(m[1]), path: join(dir, n) }] : [];
        });
      return { cats: parse(join(root, 'Cat'), cat), dogs: parse(join(root, 'Dog'), dog) };
    }
  }
  const names = await list(sourceDir);
  if (names) {
    const pick = (prefix: string) =>
      names.flatMap((n) => {
        const m = new RegExp(`^${prefix}\\.(\\d+)\\.jpe?g$`, 'i').exec(n);
        return m ? [{ number: Number(m[1]), path: join(sourceDir, n) }] : [];
      });
    const cats = pick('cat');
    const dogs = pick('dog');
    if (cats.length > 0 && dogs.length > 0) return { cats, dogs };
  }
  throw new DltsError(
    'DLTS_VALUE',
    `${fn}: ${sourceDir} is neither a PetImages folder (Cat/12.jpg, Dog/12.jpg) nor Kaggle's train folder (cat.12.jpg, dog.12.jpg). Received: sourceDir=${received(sourceDir)}`,
  );
}
