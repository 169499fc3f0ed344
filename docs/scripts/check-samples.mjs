// Type-checks the TypeScript code samples of the guides against the packages' sources, so a
// sample cannot drift from the API. Every ```ts block of every hand-written page becomes one
// module in docs/.samples/ (top-level await allowed), compiled with the repository's compiler
// settings and the `@dlts/source` condition. A block marked ```ts no-check is a fragment and is
// skipped; the few names samples may use without declaring them (a `model` built earlier, the
// course's folders) are declared in scripts/samples-prelude.d.ts.
// Run: node scripts/check-samples.mjs [--keep]
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { codeBlocks, markdownFiles, readPage } from './markdown-files.mjs';
import { DOCS_DIR, REPO_ROOT, presentPackages } from './packages.mjs';

const started = Date.now();
const OUT = join(DOCS_DIR, '.samples');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const TS_LANGS = new Set(['ts', 'typescript']);
const samples = new Map(); // file in .samples -> {page, line}
let skipped = 0;
for (const page of markdownFiles()) {
  const blocks = codeBlocks(readPage(page)).filter((b) => TS_LANGS.has(b.lang));
  blocks.forEach((block, n) => {
    if (block.attrs.includes('no-check')) {
      skipped++;
      return;
    }
    const name = `${page.replace(/\.md$/, '').replace(/[^a-zA-Z0-9]+/g, '_')}_${n + 1}.ts`;
    writeFileSync(join(OUT, name), block.code + '\n');
    samples.set(join(OUT, name), { page, line: block.line });
  });
}
copyFileSync(join(DOCS_DIR, 'scripts', 'samples-prelude.d.ts'), join(OUT, 'prelude.d.ts'));

const base = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.base.json'), ts.sys.readFile).config;
const { options, errors } = ts.convertCompilerOptionsFromJson(
  {
    ...base.compilerOptions,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    moduleDetection: 'force',
    // Each package resolves to its source, present or not among docs' dependencies
    // (@dlts/backend-native is not one: its install builds a native addon).
    paths: Object.fromEntries(presentPackages().map((p) => [p.name, [join(REPO_ROOT, 'packages', p.dir, 'src', 'index.ts')]])),
  },
  OUT,
);
if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
const program = ts.createProgram([...samples.keys(), join(OUT, 'prelude.d.ts')], options);
const diagnostics = ts.getPreEmitDiagnostics(program);

let failures = 0;
for (const d of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file) {
    console.error(`check-samples: ${message}`);
    failures++;
    continue;
  }
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const sample = samples.get(d.file.fileName);
  const where = sample
    ? `docs/${sample.page}:${sample.line + line}:${character + 1}`
    : `${relative(REPO_ROOT, d.file.fileName)}:${line + 1}:${character + 1}`;
  console.error(`${where}: error TS${d.code}: ${message}`);
  failures++;
}
if (!process.argv.includes('--keep')) rmSync(OUT, { recursive: true, force: true });
console.log(
  `check-samples: ${samples.size} TypeScript samples checked, ${skipped} marked no-check, ` +
    `${failures} errors, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failures > 0 ? 1 : 0);
