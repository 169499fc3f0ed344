/**
 * Pixel pictures: reading images and activations out of tensors, scaling them, and writing a
 * raster (with optional text labels) as PNG, SVG or HTML.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DltsError, received, type tf } from '@dlts/tensors';
import { escapeXml, pictureFormat, svgPage } from './render';
import { FONT } from './theme';

/** An image or a matrix: a tensor, or nested arrays (`number[][]` rows, `number[][][]` rows of pixels). */
export type ImageInput = tf.Tensor | number[][] | number[][][];

/** Values of an image, channels-last. */
export interface Pixels {
  height: number;
  width: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: Float32Array;
}

function isTensor(x: unknown): x is tf.Tensor {
  return !!x && typeof x === 'object' && 'shape' in x && 'dtype' in x && typeof (x as tf.Tensor).data === 'function';
}

/**
 * Reads an image (`[h, w]`, `[h, w, c]` or `[1, h, w, c]`, c = 1, 3 or 4) into a flat array.
 * The tensor is not disposed: it stays the caller's.
 */
export async function readPixels(image: ImageInput, fn: string, arg = 'image'): Promise<Pixels> {
  let shape: number[];
  let data: Float32Array;
  if (isTensor(image)) {
    shape = image.shape.slice();
    if (image.isDisposed) throw new DltsError('DLTS_VALUE', `${fn}: ${arg} is a disposed tensor`);
    data = Float32Array.from(await image.data());
  } else if (Array.isArray(image) && image.length > 0 && Array.isArray(image[0])) {
    const rows = image as unknown[][];
    const deep = Array.isArray(rows[0][0]);
    shape = deep ? [rows.length, rows[0].length, (rows[0][0] as number[]).length] : [rows.length, rows[0].length];
    const flat = (rows as unknown[]).flat(deep ? 2 : 1) as number[];
    if (flat.length !== shape.reduce((a, b) => a * b, 1) || flat.some((v) => typeof v !== 'number')) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a rectangular array of numbers. Received: ${arg}=${received(image)}`);
    }
    data = Float32Array.from(flat);
  } else {
    throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a tensor or a nested array of numbers. Received: ${arg}=${received(image)}`);
  }
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [...shape, 1];
  if (shape.length !== 3 || ![1, 3, 4].includes(shape[2]) || shape[0] < 1 || shape[1] < 1) {
    throw new DltsError(
      'DLTS_SHAPE_MISMATCH',
      `${fn}: ${arg} must have shape [height, width], [height, width, 1|3|4] or [1, height, width, 1|3|4]. Received: shape=${received(isTensor(image) ? image.shape : shape)}`,
    );
  }
  return { height: shape[0], width: shape[1], channels: shape[2], data };
}

/**
 * Pixels to 8-bit RGBA, as R's `as.raster(x, max = max)`: values are divided by `max` (values
 * outside [0, max] are clipped, where R would refuse them); grey repeats over R, G and B.
 */
export function toRgba(p: Pixels, max: number): Buffer {
  const out = Buffer.alloc(p.width * p.height * 4);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v / max : 0)) * 255);
  for (let i = 0; i < p.width * p.height; i++) {
    const at = i * p.channels;
    if (p.channels === 1) {
      const g = byte(p.data[at]);
      out[i * 4] = g;
      out[i * 4 + 1] = g;
      out[i * 4 + 2] = g;
    } else {
      out[i * 4] = byte(p.data[at]);
      out[i * 4 + 1] = byte(p.data[at + 1]);
      out[i * 4 + 2] = byte(p.data[at + 2]);
    }
    out[i * 4 + 3] = p.channels === 4 ? byte(p.data[at + 3]) : 255;
  }
  return out;
}

/** The `max` R's `as.raster` would need: 255 for integer images or values above 1, else 1. */
export function autoMax(p: Pixels, dtype?: string): number {
  if (dtype === 'int32') return 255;
  for (const v of p.data) if (v > 1) return 255;
  return 1;
}

/** Resizes an RGBA raster with sharp (`nearest` keeps pixels square, `linear` interpolates as R's rasterImage). */
export async function resizeRgba(rgba: Buffer, width: number, height: number, outWidth: number, outHeight: number, interpolate: boolean): Promise<Buffer> {
  if (outWidth === width && outHeight === height) return rgba;
  const sharp = (await import('sharp')).default;
  return sharp(rgba, { raw: { width, height, channels: 4 } })
    .resize(outWidth, outHeight, { kernel: interpolate ? 'linear' : 'nearest', fit: 'fill' })
    .raw()
    .toBuffer();
}

/** A text label drawn over a raster. */
export interface RasterText {
  x: number;
  y: number;
  text: string;
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
}

/** A white RGBA canvas that pictures are pasted into, with text labels on top. */
export class RasterCanvas {
  readonly data: Buffer;
  readonly texts: RasterText[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4, 255);
  }

  /** Copies an RGBA raster with its top-left corner at (x, y). */
  paste(rgba: Buffer, width: number, height: number, x: number, y: number): void {
    for (let r = 0; r < height; r++) {
      const ty = y + r;
      if (ty < 0 || ty >= this.height) continue;
      for (let c = 0; c < width; c++) {
        const tx = x + c;
        if (tx < 0 || tx >= this.width) continue;
        rgba.copy(this.data, (ty * this.width + tx) * 4, (r * width + c) * 4, (r * width + c) * 4 + 4);
      }
    }
  }

  /** The text labels as an SVG fragment. */
  private textSvg(): string {
    return this.texts
      .map(
        (t) =>
          `<text x="${t.x}" y="${t.y}" font-family="${FONT}" font-size="${t.size ?? 12}" text-anchor="${t.anchor ?? 'middle'}" font-weight="${t.weight ?? 'normal'}" fill="black">${escapeXml(t.text)}</text>`,
      )
      .join('');
  }

  /** The picture as PNG bytes. */
  async png(): Promise<Buffer> {
    const sharp = (await import('sharp')).default;
    let img = sharp(this.data, { raw: { width: this.width, height: this.height, channels: 4 } });
    if (this.texts.length > 0) {
      const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}">${this.textSvg()}</svg>`;
      img = sharp(await img.png().toBuffer()).composite([{ input: Buffer.from(overlay), top: 0, left: 0 }]);
    }
    return img.png().toBuffer();
  }

  /** The picture as an SVG document: the raster embedded as PNG, the labels as text. */
  async svg(): Promise<string> {
    const sharp = (await import('sharp')).default;
    const png = await sharp(this.data, { raw: { width: this.width, height: this.height, channels: 4 } }).png().toBuffer();
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">` +
      `<image width="${this.width}" height="${this.height}" style="image-rendering:pixelated" xlink:href="data:image/png;base64,${png.toString('base64')}"/>` +
      `${this.textSvg()}</svg>`
    );
  }

  /** Writes the picture as PNG, SVG or HTML (by the extension); returns the absolute path. */
  async write(file: string, fn: string, title = fn): Promise<string> {
    const format = pictureFormat(file, fn);
    const path = resolve(file);
    const bytes = format === 'png' ? await this.png() : format === 'svg' ? await this.svg() : svgPage(await this.svg(), title);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    } catch (error) {
      throw new DltsError('DLTS_IO', `${fn}: could not write ${path}: ${(error as Error).message}`, { cause: error });
    }
    return path;
  }
}
