/**
 * Rendering: Vega-Lite -> Vega -> SVG (with Vega's headless renderer), SVG -> PNG with sharp
 * (librsvg; text is drawn with the fonts fontconfig finds), and writing a picture as `.png`,
 * `.svg` or `.html` by the file's extension.
 *
 * Vega, Vega-Lite and sharp are loaded on first use with `import()`: they are ESM-only (Vega) or
 * native (sharp), and the CJS build keeps `import()` so both builds work.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { DltsError, received } from '@dlts/tensors';

/** A Vega-Lite specification (kept loose: the charts build them as plain objects). */
export type VegaLiteSpec = Record<string, unknown>;
/** A Vega specification. */
export type VegaSpec = Record<string, unknown>;

/** The picture formats the plot functions write, chosen by the file's extension. */
export type PictureFormat = 'png' | 'svg' | 'html';

/** Options shared by the functions that write pictures. */
export interface RenderOptions {
  /** Pixels per point in PNG output. Default 2 (a 504 x 360 pt chart becomes 1008 x 720 px). */
  scale?: number;
  /** Title of the HTML page when writing `.html`. */
  pageTitle?: string;
}

/**
 * The format of a picture file from its extension.
 * @throws DltsError `DLTS_VALUE` for any extension but `.png`, `.svg` and `.html`.
 */
export function pictureFormat(file: string, fn: string): PictureFormat {
  if (typeof file !== 'string' || file.length === 0) {
    throw new DltsError('DLTS_VALUE', `${fn}: file must be a path ending in .png, .svg or .html. Received: file=${received(file)}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.png' || ext === '.svg' || ext === '.html') return ext.slice(1) as PictureFormat;
  if (ext === '.htm') return 'html';
  throw new DltsError('DLTS_VALUE', `${fn}: file must end in .png, .svg or .html. Received: file=${received(file)}`);
}

/**
 * Compiles a Vega-Lite spec to a Vega spec.
 *
 * @example
 * ```ts
 * import { compileVegaLite, historySpec, vegaToSvg } from '@dlts/vis';
 * const vegaSpec = await compileVegaLite(historySpec(history)); // a Vega spec (data, scales, marks, ...)
 * const svg = await vegaToSvg(vegaSpec);
 * ```
 */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<VegaSpec> {
  const vl = await import('vega-lite');
  return vl.compile(spec as never).spec as unknown as VegaSpec;
}

/**
 * Renders a Vega spec to an SVG document (no browser: Vega's headless view).
 *
 * @example
 * ```ts
 * const svg = await vegaToSvg(await compileVegaLite(historySpec(history)));
 * ```
 */
export async function vegaToSvg(spec: VegaSpec): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(spec as never), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite spec to an SVG document.
 *
 * @example
 * ```ts
 * const svg = await vegaLiteToSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } });
 * ```
 */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  return vegaToSvg(await compileVegaLite(spec));
}

/**
 * Rasterizes an SVG document to PNG bytes with sharp (`scale` pixels per SVG unit).
 *
 * @example
 * ```ts
 * const png = await svgToPng(svg, { scale: 2 });
 * ```
 */
export async function svgToPng(svg: string, options: { scale?: number } = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new DltsError('DLTS_VALUE', `svgToPng: scale must be in (0, 16]. Received: scale=${received(scale)}`);
  const sharp = (await import('sharp')).default;
  return sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
}

/** Escapes text for HTML and XML. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A self-contained HTML page showing one SVG picture (no scripts, nothing fetched). */
export function svgPage(svg: string, title: string): string {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>body{margin:16px;background:#fff;font-family:'DejaVu Sans',Helvetica,Arial,sans-serif}figure{margin:0}svg{max-width:100%;height:auto}</style>
</head>
<body>
<figure class="dlts-picture">${body}</figure>
</body>
</html>
`;
}

/**
 * Writes an SVG picture to `file` as PNG, SVG or HTML (by the extension), creating the folder.
 *
 * @returns the absolute path written.
 */
export async function writeSvgPicture(svg: string, file: string, fn: string, options: RenderOptions = {}): Promise<string> {
  const format = pictureFormat(file, fn);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  try {
    if (format === 'svg') await writeFile(path, svg);
    else if (format === 'html') await writeFile(path, svgPage(svg, options.pageTitle ?? fn));
    else await writeFile(path, await svgToPng(svg, { scale: options.scale }));
  } catch (error) {
    if (error instanceof DltsError) throw error;
    throw new DltsError('DLTS_IO', `${fn}: could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
  return path;
}

/** Renders a Vega-Lite spec and writes it to `file` (PNG, SVG or HTML by the extension). */
export async function writeVegaLite(spec: VegaLiteSpec, file: string, fn: string, options: RenderOptions = {}): Promise<string> {
  pictureFormat(file, fn);
  return writeSvgPicture(await vegaLiteToSvg(spec), file, fn, options);
}

/** Renders a Vega spec and writes it to `file` (PNG, SVG or HTML by the extension). */
export async function writeVega(spec: VegaSpec, file: string, fn: string, options: RenderOptions = {}): Promise<string> {
  pictureFormat(file, fn);
  return writeSvgPicture(await vegaToSvg(spec), file, fn, options);
}
