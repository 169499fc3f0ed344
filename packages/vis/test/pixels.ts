/** Test helpers: read a PNG's pixels and count colours (no test logic here). */
import sharp from 'sharp';

export interface Png {
  width: number;
  height: number;
  /** RGBA bytes, row-major. */
  data: Buffer;
}

export async function readPng(file: string): Promise<Png> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Pixels within `tolerance` (per channel) of the `#RRGGBB` colour. */
export function countColour(png: Png, hex: string, tolerance = 6): number {
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance) n++;
  }
  return n;
}

/** The `#RRGGBB` of the pixel at (x, y). */
export function pixel(png: Png, x: number, y: number): string {
  const i = (y * png.width + x) * 4;
  return `#${[png.data[i], png.data[i + 1], png.data[i + 2]].map((v) => v.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

/** Number of distinct colours (a blank picture has one). */
export function distinctColours(png: Png): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return seen.size;
}

/** Pixels darker than `level` on every channel (text, outlines, lines). */
export function countDark(png: Png, level = 80): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < level && png.data[i + 1] < level && png.data[i + 2] < level) n++;
  return n;
}
