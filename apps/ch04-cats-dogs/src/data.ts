import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSyntheticCatsDogs } from '@dlts/image';
import type { CatsDogsOptions } from './args';

/** The three folders of the small dataset. */
export interface SmallDirs {
  trainDir: string;
  validationDir: string;
  testDir: string;
}

/** Folders of `baseDir`. */
export function smallDirs(baseDir: string): SmallDirs {
  return { trainDir: join(baseDir, 'train'), validationDir: join(baseDir, 'validation'), testDir: join(baseDir, 'test') };
}

/**
 * The dataset a training command uses: `--base-dir` as it is, or, with `--synthetic N` and no
 * such folder yet, a synthetic one made there first.
 *
 * @throws Error when the folder does not exist and no `--synthetic` was given.
 */
export async function ensureDataset(options: CatsDogsOptions, log: (line: string) => void): Promise<SmallDirs> {
  const present = (await readdir(options.baseDir).catch(() => [])).length > 0;
  if (!present) {
    if (options.synthetic === undefined) {
      throw new Error(
        `${options.baseDir} does not exist: run "prepare" first (--source DIR or --download), or pass --synthetic N to generate a stand-in dataset`,
      );
    }
    await makeSynthetic(options, log);
  } else if (options.synthetic !== undefined) {
    log(`Using the existing ${options.baseDir} (--synthetic only creates a dataset where none exists).`);
  }
  return smallDirs(options.baseDir);
}

/** Writes the synthetic stand-in: N training images per class, N/2 for validation and test. */
export async function makeSynthetic(options: CatsDogsOptions, log: (line: string) => void): Promise<SmallDirs> {
  const n = options.synthetic!;
  const half = Math.max(1, Math.ceil(n / 2));
  log(`Generating a synthetic dataset in ${options.baseDir}: ${n} training, ${half} validation and ${half} test images per class (round shapes are "cats", angular ones "dogs").`);
  return makeSyntheticCatsDogs(options.baseDir, { train: n, validation: half, test: half, seed: options.seed ?? 1 });
}
