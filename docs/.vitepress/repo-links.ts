// A markdown-it plugin: a relative link to a file that is not a page of the site, either outside
// docs/ (`../../apps/ch02-mnist`, `../../packages/image/README.md`) or a non-Markdown file inside
// it (`../proposals/changeset-config.json`), works when the Markdown is read on GitHub or in an
// editor, but not on the site. On the site it becomes a link to the file in the repository;
// scripts/check-links.mjs checks that the file exists.
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { MarkdownRenderer } from 'vitepress';

export function repoLinks(md: MarkdownRenderer, opts: { docsDir: string; repoRoot: string; repoUrl: string; branch: string }) {
  md.core.ruler.push('dlts_repo_links', (state) => {
    const env = state.env as { relativePath?: string };
    if (!env.relativePath) return;
    const fileDir = dirname(resolve(opts.docsDir, env.relativePath));
    const visit = (tokens: typeof state.tokens) => {
      for (const token of tokens) {
        if (token.children) visit(token.children);
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) continue;
        const [path, hash = ''] = href.split('#');
        const target = resolve(fileDir, decodeURI(path));
        const inDocs = !relative(opts.docsDir, target).startsWith('..');
        const isPage = path === '' || path.endsWith('.md') || path.endsWith('/') || existsSync(resolve(target, 'index.md'));
        if (inDocs && isPage) continue;
        const repoPath = relative(opts.repoRoot, target).split(sep).join('/');
        const kind = existsSync(target) && statSync(target).isDirectory() ? 'tree' : 'blob';
        token.attrSet('href', `${opts.repoUrl}/${kind}/${opts.branch}/${repoPath}${hash ? '#' + hash : ''}`);
      }
    };
    visit(state.tokens);
  });
}
