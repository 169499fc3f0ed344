// The Markdown pages of the site (generated API pages excluded) and their fenced code blocks.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DOCS_DIR } from './packages.mjs';

const SKIP_DIRS = new Set(['node_modules', 'api', '.vitepress', '.samples', 'scripts', 'proposals', 'public', 'figures']);

/** Paths (relative to docs/) of the hand-written Markdown pages. */
export function markdownFiles(dir = DOCS_DIR) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...markdownFiles(join(dir, entry.name)));
    } else if (entry.name.endsWith('.md')) {
      out.push(relative(DOCS_DIR, join(dir, entry.name)));
    }
  }
  return out.sort();
}

/**
 * Fenced code blocks of a Markdown text: `{lang, attrs, code, line}` where `line` is the
 * 1-based line of the first line of code, `lang` the first word of the info string and `attrs`
 * the rest (`ts no-check` gives lang `ts`, attrs `['no-check']`).
 */
export function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const code = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      if (close.test(lines[j])) break;
      code.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({ lang: lang.toLowerCase(), attrs: rest.split(/\s+/).filter(Boolean), code: code.join('\n'), line: i + 2 });
    i = j;
  }
  return blocks;
}

export function readPage(path) {
  return readFileSync(join(DOCS_DIR, path), 'utf8');
}
