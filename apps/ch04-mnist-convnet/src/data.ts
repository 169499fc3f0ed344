import { loadFashionMnist, loadMnist, type MnistData } from '@dlts/datasets';
import type { Ch04MnistOptions } from './args';

/** The data the app trains on, and how to describe it. */
export interface ChapterData {
  data: MnistData;
  /** `mnist` or `fashion-mnist`. */
  name: string;
  /** One sentence for the user: which data, from where. */
  description: string;
}

/**
 * Loads the data as the flags say: `--data-dir`, else the cache (downloading when allowed); for
 * Fashion-MNIST Debian's copy comes first. When MNIST cannot be had (offline, empty cache) the app
 * says so and uses Fashion-MNIST if a local copy exists.
 */
export async function loadChapterData(options: Ch04MnistOptions, log: (line: string) => void): Promise<ChapterData> {
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
    if (options.dataset !== 'mnist' || (error as { code?: string }).code !== 'DLTS_DOWNLOAD') throw error;
    log('MNIST is not in any cache and cannot be downloaded now:');
    log(`  ${(error as Error).message.split('\n')[0]}`);
    const data = await loadFashionMnist({});
    log('Using Fashion-MNIST instead (same shapes, ten classes of clothing).');
    return { data, name: 'fashion-mnist', description: `fashion-mnist (${data.source.origin}: ${data.source.path})` };
  }
}
