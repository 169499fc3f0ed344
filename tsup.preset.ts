import { defineConfig, type Options } from 'tsup';

/**
 * The one build preset every package uses: ESM + CJS + .d.ts from `src/index.ts`,
 * dependencies left external (so tfjs-core stays a single shared instance).
 */
export function preset(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    shims: true,
    ...overrides,
  });
}
