// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The dependency direction of DESIGN.md, enforced: which @dlts packages each folder may import.
 * `vis` may import only types from `layers`; nothing imports apps/, bench/ or docs/; no package
 * reaches into another's dist/ or src/ by path.
 */
const allowed = {
  tensors: [],
  layers: ['tensors'],
  datasets: ['tensors'],
  image: ['tensors'],
  zoo: ['tensors', 'layers', 'image'],
  vis: ['tensors'],
  testing: ['tensors'],
  // A tfjs backend on tfjs-core alone; @dlts/tensors loads it (dynamic import, an optional peer).
  'backend-native': [],
};
const all = ['tensors', 'layers', 'datasets', 'image', 'zoo', 'vis', 'testing', 'backend-native'];

const common = [
  { group: ['**/apps/**', '**/bench/**', '**/docs/**'], message: 'Packages never import apps/, bench/ or docs/.' },
  { group: ['@dlts/*/dist', '@dlts/*/dist/**', '@dlts/*/src', '@dlts/*/src/**'], message: 'Import a package by its name, not its dist/ or src/.' },
  { group: ['../../*/src/**', '../../../*/src/**', '**/packages/*/**'], message: 'Import other packages by name, not by relative path.' },
];

function rulesFor(pkg) {
  // vis's access to the types of layers is checked by the type-aware rule below.
  const forbidden = all.filter((p) => p !== pkg && !allowed[pkg].includes(p) && !(pkg === 'vis' && p === 'layers'));
  const patterns = [...common];
  if (forbidden.length > 0) {
    patterns.push({
      group: forbidden.map((p) => `@dlts/${p}`),
      message: `@dlts/${pkg} may import only ${allowed[pkg].map((p) => `@dlts/${p}`).join(', ') || 'no other @dlts package'} (DESIGN.md dependency direction).`,
    });
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'docs/.vitepress/cache/**', 'docs/.vitepress/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...Object.keys(allowed).map((pkg) => ({
    files: [`packages/${pkg}/src/**/*.ts`],
    ignores: [`packages/${pkg}/src/**/*.test.ts`],
    rules: rulesFor(pkg),
  })),
  {
    // vis may use the *types* of @dlts/layers only.
    files: ['packages/vis/src/**/*.ts'],
    ignores: ['packages/vis/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@dlts/layers', message: '@dlts/vis may use only types from @dlts/layers (import type).', allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: common.slice(0, 2) }] },
  },
);
