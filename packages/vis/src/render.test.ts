import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { pictureFormat, svgPage, svgToPng, vegaLiteToSvg } from './render';

describe('rendering', () => {
  it('draws text in PNGs with a real font (fontconfig finds one: Debian fonts-dejavu-core)', async () => {
    /** Width in pixels of the dark ink of `text` drawn at 40 px. */
    const inkWidth = async (text: string) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><rect width="300" height="60" fill="white"/><text x="10" y="45" font-family="DejaVu Sans, sans-serif" font-size="40">${text}</text></svg>`;
      const { data, info } = await sharp(await svgToPng(svg, { scale: 1 })).raw().toBuffer({ resolveWithObject: true });
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < data.length; i += info.channels) {
        if (data[i] < 128) {
          const x = (i / info.channels) % info.width;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
      return hi >= lo ? hi - lo + 1 : 0;
    };
    const narrow = await inkWidth('llll');
    const wide = await inkWidth('mmmm');
    // Real glyphs: 'l' is a thin stem (advance 0.28 em), 'm' is wide (0.97 em). Without a font the
    // text is missing or drawn as equal "missing glyph" boxes, and this fails.
    expect(narrow).toBeGreaterThan(10);
    expect(wide).toBeGreaterThan(2.5 * narrow);
  });

  it('renders Vega-Lite to SVG without a browser', async () => {
    const svg = await vegaLiteToSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
    expect(svg).toMatch(/^<svg/);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(2);
  });

  it('picks the format from the extension and wraps SVG in a script-free page', () => {
    expect(pictureFormat('a/b.PNG', 'f')).toBe('png');
    expect(pictureFormat('b.svg', 'f')).toBe('svg');
    expect(pictureFormat('b.html', 'f')).toBe('html');
    expect(() => pictureFormat('b.pdf', 'plotX')).toThrow('plotX: file must end in .png, .svg or .html. Received: file="b.pdf"');
    expect(() => pictureFormat(undefined as unknown as string, 'plotX')).toThrow('plotX: file must be a path ending in .png, .svg or .html. Received: file=undefined');
    const page = svgPage('<svg></svg>', 'a <b>');
    expect(page).toContain('<title>a &lt;b&gt;</title>');
    expect(page).not.toContain('<script');
  });
});
