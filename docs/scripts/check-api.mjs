// Checks that every public export of every package (the names its src/index.ts exports, as
// the TypeScript compiler sees them) has an entry in the generated reference (docs/api/<pkg>/
// index.md) whose page exists. Run after scripts/api.mjs (which calls it);
// `node scripts/check-api.mjs` runs it alone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DOCS_DIR, EXTERNAL_NAMESPACES, REPO_ROOT, presentPackages } from './packages.mjs';

/** Export names of each package's src/index.ts, keyed by package name. */
export function packageExports(packages = presentPackages()) {
  const roots = packages.map((p) => join(REPO_ROOT, 'packages', p.dir, 'src', 'index.ts'));
  const base = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.base.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, REPO_ROOT);
  const program = ts.createProgram(roots, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const result = new Map();
  packages.forEach((p, i) => {
    const sf = program.getSourceFile(roots[i]);
    const symbol = sf && checker.getSymbolAtLocation(sf);
    if (!symbol) throw new Error(`check-api: cannot read the exports of ${roots[i]}`);
    result.set(p.name, checker.getExportsOfModule(symbol).map((s) => s.getName()).sort());
  });
  return result;
}

/** Names listed in the reference's page for a package, with the page each links to. */
export function documentedNames(p) {
  const index = join(DOCS_DIR, 'api', p.dir, 'index.md');
  if (!existsSync(index)) return null;
  const text = readFileSync(index, 'utf8');
  const names = new Map();
  for (const m of text.matchAll(/\[([^\][\n]+)\]\(([^)\s]+\.md)\)/g)) {
    const name = m[1].replace(/\\/g, '').replace(/`/g, '');
    names.set(name, join(dirname(index), m[2]));
  }
  return names;
}

/** Returns the number of problems found, after printing them. */
export function checkApi() {
  const packages = presentPackages();
  const exports = packageExports(packages);
  let problems = 0;
  let total = 0;
  for (const p of packages) {
    const documented = documentedNames(p);
    if (!documented) {
      console.error(`check-api: ${p.name}: no reference page (run node scripts/api.mjs first)`);
      problems++;
      continue;
    }
    const external = EXTERNAL_NAMESPACES[p.name] ?? {};
    for (const name of exports.get(p.name)) {
      total++;
      const page = documented.get(name);
      if (!page) {
        console.error(`check-api: ${p.name} exports ${name}, which the reference does not list` +
          (name in external ? '' : ' (is it @internal or @hidden, or re-exported from outside?)'));
        problems++;
      } else if (!existsSync(page)) {
        console.error(`check-api: ${p.name}: the page of ${name} (${page}) is missing`);
        problems++;
      }
    }
  }
  console.log(`check-api: ${total} exports of ${packages.length} packages, ${problems} without a reference page`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(checkApi() > 0 ? 1 : 0);
}
