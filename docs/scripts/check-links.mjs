// Checks the hand-written pages without building the site (VitePress's build checks links between
// pages, but not the rest):
//  - every relative link and image resolves to a file (links that leave docs/ become repository
//    links on the site, so the file must exist in the repository);
//  - every #anchor names a heading of its page (VitePress's slugs);
//  - every chapter guide (and the other pages listed in TRANSLATED) has its Chinese translation
//    under docs/zh/, with as many code blocks as the English page.
// Links into the generated API reference are checked when docs/api exists (after
// scripts/api.mjs); the build checks them in any case. Run: node scripts/check-links.mjs
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { codeBlocks, markdownFiles, readPage } from './markdown-files.mjs';
import { DOCS_DIR } from './packages.mjs';

/** Pages that must exist in both languages: every chapter guide, and the learner's entry points. */
export const TRANSLATED = [
  'index.md',
  'guide/getting-started.md',
  'guide/ch02-mnist.md',
  'guide/ch03.md',
  'guide/ch04-convnets.md',
  'guide/ch04-vgg16.md',
  'guide/ch04-activations.md',
  'guide/r-keras.md',
];

/**
 * Anchors that point at sections other people are writing. Each entry is `page#anchor` and says
 * who owes it; keep this list empty when you can.
 */
/** Anchors allowed to be missing for now (`'page.md#anchor'` -> why); empty when all resolve. */
const PENDING_ANCHORS = new Map([]);

// VitePress's heading ids: @mdit-vue/shared's slugify, made unique as markdown-it-anchor does.
const rControl = /[\u0000-\u001f]/g;
const rSpecial = /[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g;
const rCombining = /[\u0300-\u036F]/g;
export function slugify(text) {
  return text
    .normalize('NFKD')
    .replace(rCombining, '')
    .replace(rControl, '')
    .replace(rSpecial, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase();
}

/** Lines of a page outside fenced code blocks, with their numbers. */
function proseLines(text) {
  const out = [];
  let fence = null;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1];
      else if (line.trim().startsWith(fence[0].repeat(fence.length)) && line.trim().replace(/[`~]/g, '') === '') fence = null;
      return;
    }
    if (!fence) out.push({ line: line.replace(/`[^`]*`/g, (c) => ' '.repeat(c.length)), raw: line, n: i + 1 });
  });
  return out;
}

const anchorCache = new Map();
export function anchorsOf(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const ids = new Set();
  const seen = new Map();
  for (const { raw } of proseLines(readFileSync(file, 'utf8'))) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    if (!h) continue;
    let text = h[1];
    const custom = /\{#([^}]+)\}\s*$/.exec(text);
    if (custom) {
      ids.add(custom[1]);
      continue;
    }
    text = text
      .replace(/`([^`]*)`/g, '$1')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/\*([^*]+)\*/g, '$1')
      .replace(/<[^>]+>/g, '');
    const base = slugify(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  anchorCache.set(file, ids);
  return ids;
}

export function checkLinks() {
  const problems = [];
  const apiBuilt = existsSync(join(DOCS_DIR, 'api', 'index.md'));
  let checked = 0;
  let skippedApi = 0;
  for (const page of markdownFiles()) {
    const file = join(DOCS_DIR, page);
    for (const { line, n } of proseLines(readPage(page))) {
      for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const href = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // http:, https:, mailto:
        checked++;
        const [path, anchor] = href.split('#');
        let target = file;
        if (path) {
          target = path.startsWith('/') ? join(DOCS_DIR, path) : resolve(dirname(file), decodeURI(path));
          if (!path.startsWith('/') && !existsSync(target) && existsSync(target + '.md')) target += '.md';
          const inApi = !relative(join(DOCS_DIR, 'api'), target).startsWith('..');
          if (inApi && !apiBuilt) {
            skippedApi++;
            continue;
          }
          if (!existsSync(target)) {
            problems.push(`docs/${page}:${n}: ${href}: no such file (${relative(DOCS_DIR, target)})`);
            continue;
          }
          if (statSync(target).isDirectory()) continue;
        }
        if (anchor !== undefined && target.endsWith('.md')) {
          const key = `${relative(DOCS_DIR, target)}#${anchor}`;
          if (!anchorsOf(target).has(decodeURIComponent(anchor)) && !PENDING_ANCHORS.has(key)) {
            problems.push(`docs/${page}:${n}: ${href}: no heading with id "${anchor}" in ${relative(DOCS_DIR, target)}`);
          }
        }
      }
    }
  }
  for (const page of TRANSLATED) {
    const zh = join('zh', page);
    if (!existsSync(join(DOCS_DIR, page))) {
      problems.push(`docs/${page}: missing`);
    } else if (!existsSync(join(DOCS_DIR, zh))) {
      problems.push(`docs/${zh}: missing (every chapter guide has a Chinese translation)`);
    } else {
      const en = codeBlocks(readPage(page)).length;
      const cn = codeBlocks(readPage(zh)).length;
      if (en !== cn) problems.push(`docs/${zh}: ${cn} code blocks, the English page has ${en} (out of date?)`);
    }
  }
  for (const p of problems) console.error(p);
  for (const [key, why] of PENDING_ANCHORS) console.log(`check-links: not checked yet: ${key} (${why})`);
  console.log(
    `check-links: ${checked} links in ${markdownFiles().length} pages, ${TRANSLATED.length} translated pages, ` +
      `${problems.length} problems${skippedApi ? `; ${skippedApi} links into the API reference left to the build (not generated yet)` : ''}`,
  );
  return problems.length;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(DOCS_DIR, 'scripts', 'check-links.mjs')) {
  process.exit(checkLinks() > 0 ? 1 : 0);
}
