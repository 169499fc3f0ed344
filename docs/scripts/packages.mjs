// The packages the docs cover, in the order the guides present them. A package whose
// src/index.ts does not exist (yet) is left out of the API reference with a note, so a new
// package only needs a line here (and a guide).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(DOCS_DIR, '..');

/** Where the repository lives; links to files outside docs/ point here. */
export const REPO_URL = 'https://github.com/dlts/dlts';
export const REPO_BRANCH = 'main';

export const PACKAGES = [
  { dir: 'tensors', name: '@dlts/tensors', guide: 'guide/tensors' },
  { dir: 'layers', name: '@dlts/layers', guide: 'guide/layers' },
  { dir: 'datasets', name: '@dlts/datasets', guide: 'guide/datasets' },
  { dir: 'image', name: '@dlts/image', guide: 'guide/image' },
  { dir: 'zoo', name: '@dlts/zoo', guide: 'guide/zoo' },
  { dir: 'vis', name: '@dlts/vis', guide: 'guide/vis' },
  { dir: 'backend-native', name: '@dlts/backend-native', guide: 'guide/backend-native' },
];

/** The packages whose entry point exists in this checkout. */
export function presentPackages() {
  return PACKAGES.filter((p) => existsSync(join(REPO_ROOT, 'packages', p.dir, 'src', 'index.ts')));
}

/**
 * Re-exports of whole outside modules: TypeDoc does not document them (they are not ours), so
 * the reference gets a page that says what they are and where their own reference lives.
 */
export const EXTERNAL_NAMESPACES = {
  '@dlts/tensors': {
    tf: {
      module: '@tensorflow/tfjs-core',
      version: '4.22.0',
      url: 'https://js.tensorflow.org/api/4.22.0/',
      text:
        'The whole of `@tensorflow/tfjs-core`, re-exported so that every package and every program ' +
        'uses the one engine (and the one kernel registry) that `initBackend` set up. Use its ' +
        'functional ops: `tf.reshape(x, shape)`, `tf.add(a, b)`, `tf.tidy(fn)`, `tf.dispose(t)`; ' +
        'the chained methods (`x.reshape()`) are not registered by tfjs-core 4.22.',
    },
  },
};
