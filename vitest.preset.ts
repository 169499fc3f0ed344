import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./packages/testing/src/setup.ts', import.meta.url));

/**
 * Shared vitest settings: tests run against package sources (the `@dlts/source` condition), on
 * the backend chosen in packages/testing/src/setup.ts.
 */
export function preset() {
  return defineConfig({
    resolve: { conditions: ['@dlts/source'] },
    ssr: { resolve: { conditions: ['@dlts/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [setup],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
    },
  });
}
