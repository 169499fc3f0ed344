import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';
import { repoLinks } from './repo-links';
import { REPO_BRANCH, REPO_URL } from '../scripts/packages.mjs';

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(docsDir, '..');

// Written by scripts/api.mjs; absent until the reference has been generated.
const apiSidebarFile = resolve(docsDir, 'api/sidebar.json');
const apiSidebars: Record<string, DefaultTheme.SidebarItem[]> = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : { '/api/': [{ text: 'API reference (run pnpm --filter @dlts/docs api)', link: '/api/' }] };

function guideSidebar(): DefaultTheme.SidebarItem[] {
  return [
    {
      text: 'Start here',
      items: [
        { text: 'Getting started', link: '/guide/getting-started' },
        { text: 'Backends', link: '/guide/backends' },
      ],
    },
    {
      text: 'The course, chapter by chapter',
      items: [
        { text: '2 · Hello world: MNIST', link: '/guide/ch02-mnist' },
        { text: '3 · IMDB, Reuters, Boston', link: '/guide/ch03' },
        { text: '4 · Convnets, cats vs dogs', link: '/guide/ch04-convnets' },
        { text: '4 · A pretrained VGG16', link: '/guide/ch04-vgg16' },
        { text: '4 · Visualising activations', link: '/guide/ch04-activations' },
      ],
    },
    {
      text: 'Packages',
      items: [
        { text: '@dlts/tensors', link: '/guide/tensors' },
        { text: '@dlts/layers', link: '/guide/layers' },
        { text: '@dlts/datasets', link: '/guide/datasets' },
        { text: '@dlts/image', link: '/guide/image' },
        { text: '@dlts/zoo', link: '/guide/zoo' },
        { text: '@dlts/vis', link: '/guide/vis' },
        { text: '@dlts/backend-native', link: '/guide/backend-native' },
      ],
    },
    {
      text: 'Coming from elsewhere',
      items: [
        { text: 'R keras → dlts', link: '/guide/r-keras' },
        { text: 'Keras / TF.js → dlts', link: '/guide/keras-tfjs' },
      ],
    },
    {
      text: 'Project',
      items: [
        { text: 'Benchmarks', link: '/benchmarks' },
        { text: 'Contributing', link: '/guide/contributing' },
        { text: 'API reference', link: '/api/' },
      ],
    },
  ];
}

function zhSidebar(): DefaultTheme.SidebarItem[] {
  return [
    {
      text: '开始',
      items: [
        { text: '快速上手', link: '/zh/guide/getting-started' },
        { text: '后端（英文）', link: '/guide/backends' },
      ],
    },
    {
      text: '课程各章',
      items: [
        { text: '2 · Hello world：MNIST', link: '/zh/guide/ch02-mnist' },
        { text: '3 · IMDB、路透社、波士顿房价', link: '/zh/guide/ch03' },
        { text: '4 · 卷积网络、猫狗分类', link: '/zh/guide/ch04-convnets' },
        { text: '4 · 预训练的 VGG16', link: '/zh/guide/ch04-vgg16' },
        { text: '4 · 可视化中间激活', link: '/zh/guide/ch04-activations' },
      ],
    },
    {
      text: '对照表',
      items: [{ text: 'R keras → dlts', link: '/zh/guide/r-keras' }],
    },
    {
      text: '包与参考（英文）',
      items: [
        { text: '@dlts/tensors', link: '/guide/tensors' },
        { text: '@dlts/layers', link: '/guide/layers' },
        { text: '@dlts/datasets', link: '/guide/datasets' },
        { text: '@dlts/image', link: '/guide/image' },
        { text: '@dlts/zoo', link: '/guide/zoo' },
        { text: '@dlts/vis', link: '/guide/vis' },
        { text: '@dlts/backend-native', link: '/guide/backend-native' },
        { text: 'API 参考', link: '/api/' },
      ],
    },
  ];
}

export default defineConfig({
  title: 'dlts',
  description: 'Deep learning with TypeScript: the R/Keras course on TensorFlow.js',
  cleanUrls: true,
  // the page-to-chunk map of ~650 pages goes into one file instead of every page's HTML
  metaChunk: true,
  lastUpdated: false,
  srcExclude: ['scripts/**', 'proposals/**', '**/node_modules/**'],
  // Every internal link must resolve (VitePress fails the build on a dead link);
  // links that leave docs/ are rewritten to the repository and checked by scripts/check-links.mjs.
  ignoreDeadLinks: false,
  vite: {
    // the local search index of ~650 pages is one chunk
    build: { chunkSizeWarningLimit: 4096 },
  },
  markdown: {
    config(md) {
      repoLinks(md, { docsDir, repoRoot, repoUrl: REPO_URL, branch: REPO_BRANCH });
    },
  },
  locales: {
    root: {
      label: 'English',
      lang: 'en',
      themeConfig: {
        nav: [
          { text: 'Guide', link: '/guide/getting-started' },
          { text: 'Course', link: '/guide/ch02-mnist' },
          { text: 'R → dlts', link: '/guide/r-keras' },
          { text: 'API', link: '/api/' },
        ],
        sidebar: { '/guide/': guideSidebar(), '/benchmarks': guideSidebar(), ...apiSidebars },
      },
    },
    zh: {
      label: '简体中文',
      lang: 'zh-CN',
      link: '/zh/',
      title: 'dlts',
      description: '用 TypeScript 学深度学习：在 TensorFlow.js 上重现 R/Keras 课程',
      themeConfig: {
        nav: [
          { text: '指南', link: '/zh/guide/getting-started' },
          { text: '课程', link: '/zh/guide/ch02-mnist' },
          { text: 'R → dlts', link: '/zh/guide/r-keras' },
          { text: 'API', link: '/api/' },
        ],
        sidebar: { '/zh/': zhSidebar() },
        outline: { label: '本页目录' },
        docFooter: { prev: '上一页', next: '下一页' },
        darkModeSwitchLabel: '外观',
        sidebarMenuLabel: '菜单',
        returnToTopLabel: '回到顶部',
        langMenuLabel: '语言',
      },
    },
  },
  themeConfig: {
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: REPO_URL }],
    outline: { level: [2, 3] },
  },
});
