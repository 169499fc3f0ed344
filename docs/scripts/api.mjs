// Generates the API reference (docs/api/) from the TSDoc of every package's public exports,
// with TypeDoc and typedoc-plugin-markdown, then checks that every export of every package's
// src/index.ts has a page (scripts/check-api.mjs). Run: node scripts/api.mjs [--strict]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, LogLevel, ReflectionKind } from 'typedoc';
import { DOCS_DIR, EXTERNAL_NAMESPACES, PACKAGES, REPO_ROOT, presentPackages } from './packages.mjs';
import { checkApi } from './check-api.mjs';

const OUT = join(DOCS_DIR, 'api');
const started = Date.now();
const present = presentPackages();
const missing = PACKAGES.filter((p) => !present.includes(p));
for (const p of missing) console.log(`api: ${p.name} has no src/index.ts in this checkout; left out of the reference`);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const app = await Application.bootstrapWithPlugins({
  entryPointStrategy: 'packages',
  entryPoints: present.map((p) => join(REPO_ROOT, 'packages', p.dir)),
  packageOptions: {
    entryPoints: ['src/index.ts'],
    readme: 'none',
    excludeExternals: true,
    disableSources: true,
    validation: { notExported: process.argv.includes('--strict'), invalidLink: true, notDocumented: false },
  },
  plugin: ['typedoc-plugin-markdown'],
  out: OUT,
  readme: 'none',
  name: 'API reference',
  excludePrivate: true,
  excludeProtected: false,
  excludeInternal: true,
  disableSources: true,
  disableGit: true,
  sourceLinkTemplate: 'https://example.invalid/{path}',
  logLevel: LogLevel.Warn,
  // Types that public signatures use but the packages do not export are listed with --strict
  // (they are worth exporting, or hiding, but they do not break the reference).
  validation: { notExported: process.argv.includes('--strict'), invalidLink: true, notDocumented: false },
  // typedoc-plugin-markdown, set for VitePress
  entryFileName: 'index',
  excludeScopesInPaths: true,
  hideBreadcrumbs: true,
  hidePageHeader: true,
  useHTMLEncodedBrackets: true,
  sanitizeComments: true,
  parametersFormat: 'table',
  interfacePropertiesFormat: 'table',
  classPropertiesFormat: 'table',
  typeDeclarationFormat: 'table',
  indexFormat: 'table',
  navigationJson: join(OUT, 'navigation.json'),
});

const project = await app.convert();
if (!project) {
  console.error('api: TypeDoc could not convert the packages');
  process.exit(1);
}
await app.generateOutputs(project);
reportTsdoc(project, process.argv.includes('--strict'));
if (app.logger.hasErrors()) {
  console.error('api: TypeDoc reported errors');
  process.exit(1);
}

// Pages for re-exported outside modules (the `tf` namespace of @dlts/tensors).
for (const p of present) {
  const extra = EXTERNAL_NAMESPACES[p.name];
  if (!extra) continue;
  const index = join(OUT, p.dir, 'index.md');
  let text = readFileSync(index, 'utf8');
  let list = '\n## Re-exported modules\n\n| Name | Description |\n| ------ | ------ |\n';
  for (const [name, info] of Object.entries(extra)) {
    mkdirSync(join(OUT, p.dir, 'namespaces'), { recursive: true });
    writeFileSync(
      join(OUT, p.dir, 'namespaces', `${name}.md`),
      `# ${name}\n\n\`\`\`ts no-check\nimport { ${name} } from '${p.name}';\n\`\`\`\n\n` +
        `Re-export of [\`${info.module}\`](${info.url}) ${info.version}.\n\n${info.text}\n\n` +
        `Its reference is TensorFlow.js's own: <${info.url}>.\n`,
    );
    list += `| [${name}](namespaces/${name}.md) | Re-export of \`${info.module}\` ${info.version} |\n`;
  }
  text += list;
  writeFileSync(index, text);
}

// The reference's front page, and the sidebar (written as JSON for .vitepress/config.ts).
let front = '# API reference\n\nGenerated from the TSDoc comments of each package\'s public exports ' +
  '(`src/index.ts`) by TypeDoc. The guides explain the concepts; this is the exact signature, ' +
  'defaults and errors of each export.\n\n| package | guide |\n|---|---|\n';
for (const p of present) front += `| [${p.name}](./${p.dir}/index.md) | [guide](../${p.guide}.md) |\n`;
for (const p of missing) front += `| ${p.name} (not in this checkout) | |\n`;
writeFileSync(join(OUT, 'index.md'), front);

// One sidebar per package: the kinds of export (classes, functions, ...) link to the package's
// index, whose tables list every export with its summary; the local search finds any export by
// name. (VitePress renders the sidebar into every page: a sidebar of all ~480 exports would make
// each page of the reference several times larger.)
const nav = JSON.parse(readFileSync(join(OUT, 'navigation.json'), 'utf8'));
const link = (path) => '/api/' + path.replace(/\.md$/, '').replace(/(^|\/)index$/, '$1');
const slug = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const packageLinks = nav.map((pkg) => ({ text: pkg.title, link: link(pkg.path) }));
const sidebars = { '/api/': [{ text: 'API reference', link: '/api/' }, { text: 'Packages', items: packageLinks }] };
for (const pkg of nav) {
  const p = present.find((x) => x.name === pkg.title);
  if (!p) continue;
  const groups = (pkg.children ?? []).map((group) => ({
    text: `${group.title} (${group.children?.length ?? 0})`,
    link: `${link(pkg.path)}#${slug(group.title)}`,
  }));
  if (EXTERNAL_NAMESPACES[pkg.title]) groups.push({ text: 'Re-exported modules', link: `${link(pkg.path)}#re-exported-modules` });
  sidebars[`/api/${p.dir}/`] = [
    { text: 'API reference', link: '/api/' },
    { text: pkg.title, link: link(pkg.path), items: groups },
    { text: 'Guide', link: `/${p.guide}` },
    { text: 'Other packages', collapsed: true, items: packageLinks.filter((l) => l.text !== pkg.title) },
  ];
}
writeFileSync(join(OUT, 'sidebar.json'), JSON.stringify(sidebars, null, 1));

/**
 * The TSDoc rule (summary, params, returns, throws, an example): counts the exports whose
 * comment has no summary, and the functions and classes without an @example; --strict lists them.
 */
function reportTsdoc(project, list) {
  const noSummary = [];
  const noExample = [];
  const visit = (container, prefix) => {
    for (const child of container.children ?? []) {
      const name = `${prefix}${child.name}`;
      if (child.kind === ReflectionKind.Namespace || child.kind === ReflectionKind.Module) {
        visit(child, `${name}.`);
        continue;
      }
      if (child.kind === ReflectionKind.Reference) continue; // documented where it is declared
      const comment = child.signatures?.[0]?.comment ?? child.comment;
      const summary = comment?.summary?.map((part) => part.text).join('').trim();
      if (!summary) noSummary.push(name);
      const wantsExample = child.kind === ReflectionKind.Function || child.kind === ReflectionKind.Class;
      if (wantsExample && !comment?.blockTags?.some((tag) => tag.tag === '@example')) noExample.push(name);
    }
  };
  for (const mod of project.children ?? []) visit(mod, `${mod.name}: `);
  console.log(`api: TSDoc: ${noSummary.length} exports without a summary, ${noExample.length} functions or classes without an @example` +
    (list ? '' : ' (node scripts/api.mjs --strict lists them)'));
  if (list) {
    for (const n of noSummary) console.log(`  no summary: ${n}`);
    for (const n of noExample) console.log(`  no @example: ${n}`);
  }
}

const problems = checkApi();
console.log(`api: reference for ${present.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (problems > 0) process.exit(1);
