import { fileURLToPath } from 'node:url';
import { loadFashionMnist, loadMnist, type MnistData } from '@dlts/datasets';
import type { Ch02Options } from './args';

/** The Fashion-MNIST sample shipped with this app (3,000 training and 1,000 test images). */
export const SAMPLE_DIR = fileURLToPath(new URL('../data/fashion-mnist-sample', import.meta.url));

/** The data the app trains on, and how to describe it. */
export interface ChapterData {
  data: MnistData;
  /** `mnist`, `fashion-mnist`, or `fashion-mnist-sample`. */
  name: string;
  /** One sentence for the user: which data, from where. */
  description: string;
}

/**
 * Loads the data as the flags say. Without `--data-dir`, MNIST comes from the cache (or is
 * downloaded); when that is impossible (offline, empty cache) the app says so and falls back to
 * the embedded Fashion-MNIST sample, so the course's first example always runs.
 */
export async function loadChapterData(options: Ch02Options, log: (line: string) => void): Promise<ChapterData> {
  if (options.offline) process.env.DLTS_OFFLINE = '1';
  const load = options.dataset === 'mnist' ? loadMnist : loadFashionMnist;
  if (options.dataDir) {
    const data = await load({ path: options.dataDir });
    return { data, name: options.dataset, description: `${options.dataset} from ${options.dataDir}` };
  }
  try {
    const data = await load({});
    return { data, name: options.dataset, description: `${options.dataset} (${data.source.origin}: ${data.source.path})` };
  } catch (error) {
    if ((error as { code?: string }).code !== 'DLTS_DOWNLOAD') throw error;
    log(`${options.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST'} is not in any cache and cannot be downloaded now:`);
    log(`  ${(error as Error).message.split('\n')[0]}`);
    log('Falling back to the Fashion-MNIST sample shipped with this app (3,000 training and 1,000 test images, MIT licence).');
    const data = await loadFashionMnist({ path: SAMPLE_DIR });
    return { data, name: 'fashion-mnist-sample', description: `the embedded Fashion-MNIST sample (${SAMPLE_DIR})` };
  }
}
