/**
 * Small synthetic two-class image folders (JPEGs drawn with sharp from SVG): round shapes in one
 * class, angular ones in the other, on textured backgrounds of varying size. A convnet can learn
 * them in a few steps, so tests, smoke runs and `--synthetic N` exercise the whole cats-vs-dogs
 * pipeline without any photo.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { check, createRandom, type RandomSource } from '@dlts/tensors';

/** Options of {@link writeSyntheticImages}. */
export interface SyntheticImagesOptions {
  /** Images per class. */
  perClass: number;
  /** Class folder names; the first gets round shapes, the second angular ones (more classes cycle). Default `['cats', 'dogs']`. */
  classes?: string[];
  /** Seed of the drawing. Default 1. */
  seed?: number;
  /** Smallest and largest side in pixels. Default `[96, 200]`. */
  sizeRange?: [number, number];
  /** First file number (files are `<class-singular>.<number>.jpg`, as Kaggle's). Default 1. */
  start?: number;
  /** `'jpeg'` (default) or `'png'`. */
  format?: 'jpeg' | 'png';
}

/**
 * Writes `perClass` synthetic images per class into `dir/<class>/`.
 *
 * @param dir - the folder to fill (created).
 * @param options - `perClass`, `classes`, `seed`, `sizeRange`, `start`, `format`.
 * @returns the paths written, class by class.
 * @throws DltsError `DLTS_VALUE` on bad options.
 * @example
 * ```ts
 * await writeSyntheticImages('/tmp/shapes/train', { perClass: 20 });
 * ```
 */
export async function writeSyntheticImages(dir: string, options: SyntheticImagesOptions): Promise<string[]> {
  const { perClass } = options;
  check(Number.isInteger(perClass) && perClass >= 0, 'writeSyntheticImages', 'perClass must be a non-negative integer', 'perClass', perClass);
  const classes = options.classes ?? ['cats', 'dogs'];
  const [lo, hi] = options.sizeRange ?? [96, 200];
  check(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 16 && hi >= lo, 'writeSyntheticImages', 'sizeRange must be [min, max] pixels, min >= 16', 'sizeRange', options.sizeRange);
  const rng = createRandom(options.seed ?? 1);
  const start = options.start ?? 1;
  const ext = options.format === 'png' ? 'png' : 'jpg';
  const paths: string[] = [];
  for (let c = 0; c < classes.length; c++) {
    const folder = join(dir, classes[c]);
    await mkdir(folder, { recursive: true });
    const stem = classes[c].endsWith('s') ? classes[c].slice(0, -1) : classes[c];
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < perClass; i++) {
      const w = lo + rng.randomInt(hi - lo + 1);
      const h = lo + rng.randomInt(hi - lo + 1);
      const svg = drawSvg(w, h, c % 2 === 0, rng);
      const path = join(folder, `${stem}.${start + i}.${ext}`);
      paths.push(path);
      const img = sharp(Buffer.from(svg));
      jobs.push(ext === 'png' ? img.png().toFile(path) : img.jpeg({ quality: 90 }).toBuffer().then((b) => writeFile(path, withJfifHeader(b))));
    }
    await Promise.all(jobs);
  }
  return paths;
}

/** Options of {@link makeSyntheticCatsDogs}. */
export interface SyntheticCatsDogsOptions {
  /** Training images per class. Default 20. */
  train?: number;
  /** Validation images per class. Default 10. */
  validation?: number;
  /** Test images per class. Default 10. */
  test?: number;
  /** Seed. Default 1. */
  seed?: number;
  /** Side range in pixels. Default `[96, 200]`. */
  sizeRange?: [number, number];
}

/**
 * The course's small cats-vs-dogs layout (`train/cats`, `train/dogs`, `validation/...`,
 * `test/...`) filled with synthetic images instead of photos.
 *
 * @param baseDir - the dataset folder to create.
 * @param options - images per class of each split, `seed`, `sizeRange`.
 * @returns `{trainDir, validationDir, testDir}`.
 * @throws DltsError `DLTS_VALUE` on bad counts.
 * @example
 * ```ts
 * const { trainDir } = await makeSyntheticCatsDogs('/tmp/cats_and_dogs_small', { train: 50 });
 * ```
 */
export async function makeSyntheticCatsDogs(
  baseDir: string,
  options: SyntheticCatsDogsOptions = {},
): Promise<{ trainDir: string; validationDir: string; testDir: string }> {
  const seed = options.seed ?? 1;
  const splits: [string, number][] = [
    ['train', options.train ?? 20],
    ['validation', options.validation ?? 10],
    ['test', options.test ?? 10],
  ];
  let start = 1;
  for (const [i, [name, count]] of splits.entries()) {
    await writeSyntheticImages(join(baseDir, name), { perClass: count, seed: seed * 7919 + i, start, sizeRange: options.sizeRange });
    start += count;
  }
  return { trainDir: join(baseDir, 'train'), validationDir: join(baseDir, 'validation'), testDir: join(baseDir, 'test') };
}

/**
 * Inserts the JFIF APP0 segment that cameras and most encoders write (libvips does not), so
 * synthetic JPEGs pass keras.io's `b"JFIF" in header` filter like real photos.
 */
export function withJfifHeader(jpeg: Uint8Array): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || (jpeg[2] === 0xff && jpeg[3] === 0xe0)) return jpeg;
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const out = new Uint8Array(jpeg.length + app0.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(app0, 2);
  out.set(jpeg.subarray(2), 2 + app0.length);
  return out;
}

function colour(rng: RandomSource, light: boolean): string {
  const base = light ? 140 : 20;
  const c = () => base + rng.randomInt(100);
  return `rgb(${c()},${c()},${c()})`;
}

function drawSvg(w: number, h: number, round: boolean, rng: RandomSource): string {
  const parts: string[] = [];
  parts.push(`<rect width="${w}" height="${h}" fill="${colour(rng, true)}"/>`);
  // Background texture: thin random stripes.
  const stripes = 4 + rng.randomInt(8);
  for (let i = 0; i < stripes; i++) {
    const x = rng.random() * w;
    parts.push(`<line x1="${x.toFixed(1)}" y1="0" x2="${(x + (rng.random() - 0.5) * w).toFixed(1)}" y2="${h}" stroke="${colour(rng, true)}" stroke-width="${1 + rng.randomInt(4)}" opacity="0.6"/>`);
  }
  const m = Math.min(w, h);
  const size = m * (0.3 + rng.random() * 0.35);
  const cx = size / 2 + rng.random() * (w - size);
  const cy = size / 2 + rng.random() * (h - size);
  const fill = colour(rng, false);
  if (round) {
    const rx = size / 2;
    const ry = rx * (0.7 + rng.random() * 0.3);
    parts.push(`<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="${fill}"/>`);
    parts.push(`<circle cx="${(cx - rx / 3).toFixed(1)}" cy="${(cy - ry / 4).toFixed(1)}" r="${(rx / 8).toFixed(1)}" fill="${colour(rng, true)}"/>`);
  } else {
    const angle = rng.random() * 90;
    const half = size / 2;
    if (rng.random() < 0.5) {
      parts.push(`<rect x="${(cx - half).toFixed(1)}" y="${(cy - half).toFixed(1)}" width="${size.toFixed(1)}" height="${size.toFixed(1)}" fill="${fill}" transform="rotate(${angle.toFixed(1)} ${cx.toFixed(1)} ${cy.toFixed(1)})"/>`);
    } else {
      const pts = [0, 120, 240].map((a) => {
        const r = ((a + angle) * Math.PI) / 180;
        return `${(cx + half * Math.cos(r)).toFixed(1)},${(cy + half * Math.sin(r)).toFixed(1)}`;
      });
      parts.push(`<polygon points="${pts.join(' ')}" fill="${fill}"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
}
