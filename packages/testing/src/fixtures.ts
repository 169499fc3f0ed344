import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above `from` holding `pnpm-workspace.yaml`. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`repoRoot: no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/**
 * Path of a file in the shared reference data: `$DLTS_SHARED_DATA` when set, else
 * `<repo root>/../shared/data`.
 *
 * @example
 * ```ts
 * sharedData('fixtures', 'mnist_small.npz');
 * ```
 */
export function sharedData(...segments: string[]): string {
  const base = process.env.DLTS_SHARED_DATA ?? join(repoRoot(), '..', 'shared', 'data');
  return join(base, ...segments);
}

/**
 * Path of a file in the shared course material (`../shared/course`, next to the data folder).
 *
 * @example
 * ```ts
 * readFileSync(sharedCourse('course-zh.txt'), 'utf8');
 * ```
 */
export function sharedCourse(...segments: string[]): string {
  return join(dirname(sharedData()), 'course', ...segments);
}

/** Where Debian's `dataset-fashion-mnist` puts the real Fashion-MNIST IDX files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
