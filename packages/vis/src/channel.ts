/**
 * Activation channels as heat-maps, as the course's `plot_channel` draws them:
 *
 * ```r
 * plot_channel <- function(channel) {
 *   rotate <- function(x) t(apply(x, 2, rev))
 *   image(rotate(channel), axes = FALSE, asp = 1, col = terrain.colors(12))
 * }
 * ```
 *
 * `image()` puts the matrix's first index along x and its second along y, bottom to top; the
 * `rotate` before it turns the matrix so that the picture is upright: row 1 at the top, column 1
 * at the left, as the input image. Values are binned into the 12 colours by R's rule
 * (`floor((12 - 1e-5) * (z - min) / (max - min) + 1e-7)`), each channel on its own range.
 */
import { DltsError, received, type tf } from '@dlts/tensors';
import { parseHex, terrainColors } from './colors';
import { RasterCanvas, resizeRgba } from './raster';
import { pictureFormat } from './render';

/** An activation: a tensor `[h, w]`, `[h, w, c]` or `[1, h, w, c]`, or a matrix as nested arrays. */
export type ActivationInput = tf.Tensor | number[][];

/** One channel of an activation. */
export interface ChannelMatrix {
  height: number;
  width: number;
  /** Row-major values. */
  values: Float32Array;
}

/** Palettes for the heat-maps: `'terrain'` is R's `terrain.colors(n)`; or give the colours. */
export type Palette = 'terrain' | string[];

function isTensor(x: unknown): x is tf.Tensor {
  return !!x && typeof x === 'object' && 'shape' in x && typeof (x as tf.Tensor).data === 'function';
}

/** Shape and values of an activation as `[h, w, c]` (channels-last). */
async function readActivation(activation: ActivationInput, fn: string, arg: string): Promise<{ h: number; w: number; c: number; data: Float32Array }> {
  let shape: number[];
  let data: Float32Array;
  if (isTensor(activation)) {
    if (activation.isDisposed) throw new DltsError('DLTS_VALUE', `${fn}: ${arg} is a disposed tensor`);
    shape = activation.shape.slice();
    data = Float32Array.from(await activation.data());
  } else if (Array.isArray(activation) && activation.length > 0 && Array.isArray(activation[0])) {
    shape = [activation.length, activation[0].length];
    const flat = activation.flat();
    if (flat.length !== shape[0] * shape[1] || flat.some((v) => typeof v !== 'number')) {
      throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a rectangular matrix of numbers. Received: ${arg}=${received(activation)}`);
    }
    data = Float32Array.from(flat);
  } else {
    throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a tensor or a matrix (number[][]). Received: ${arg}=${received(activation)}`);
  }
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [...shape, 1];
  if (shape.length !== 3 || shape.some((d) => d < 1)) {
    throw new DltsError('DLTS_SHAPE_MISMATCH', `${fn}: ${arg} must have shape [height, width], [height, width, channels] or [1, height, width, channels]. Received: shape=${received(shape)}`);
  }
  return { h: shape[0], w: shape[1], c: shape[2], data };
}

/** Channel `k` of a channels-last activation. */
function channelOf(a: { h: number; w: number; c: number; data: Float32Array }, k: number): ChannelMatrix {
  const values = new Float32Array(a.h * a.w);
  for (let i = 0; i < a.h * a.w; i++) values[i] = a.data[i * a.c + k];
  return { height: a.h, width: a.w, values };
}

/**
 * The colour index (0-based) of each value, as R's `image()` bins `z` into `n` colours over its
 * finite range; -1 where R draws nothing (non-finite values).
 *
 * @example
 * ```ts
 * imageColourIndex(Float32Array.from([0, 0.5, 1]), 12); // Int32Array [0, 5, 11]
 * ```
 */
export function imageColourIndex(values: ArrayLike<number>, n: number): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const out = new Int32Array(values.length).fill(-1);
  if (lo > hi) return out;
  if (hi - lo === 0) {
    // R: zlim <- if (zlim[1] == 0) c(-1, 1) else zlim[1] + c(-0.4, 0.4) * abs(zlim[1])
    if (lo === 0) {
      lo = -1;
      hi = 1;
    } else {
      const a = Math.abs(lo);
      hi = lo + 0.4 * a;
      lo = lo - 0.4 * a;
    }
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const z = (v - lo) / (hi - lo);
    const zi = Math.floor((n - 1e-5) * z + 1e-7);
    if (zi >= 0 && zi < n) out[i] = zi;
  }
  return out;
}

function paletteColours(palette: Palette | undefined, ncolors: number | undefined, fn: string): [number, number, number][] {
  if (Array.isArray(palette)) {
    if (palette.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: palette must list at least one colour. Received: palette=[]`);
    return palette.map((c) => parseHex(c));
  }
  if (palette !== undefined && palette !== 'terrain') {
    throw new DltsError('DLTS_VALUE', `${fn}: palette must be 'terrain' or an array of #RRGGBB colours. Received: palette=${received(palette)}`);
  }
  const n = ncolors ?? 12;
  if (!(Number.isInteger(n) && n >= 1 && n <= 256)) throw new DltsError('DLTS_VALUE', `${fn}: ncolors must be an integer from 1 to 256. Received: ncolors=${received(n)}`);
  return terrainColors(n).map((c) => parseHex(c));
}

/** A channel as an RGBA heat-map, upright (row 0 at the top), white where R draws nothing. */
export function channelRgba(channel: ChannelMatrix, colours: [number, number, number][]): Buffer {
  const index = imageColourIndex(channel.values, colours.length);
  const out = Buffer.alloc(channel.width * channel.height * 4, 255);
  for (let i = 0; i < index.length; i++) {
    const k = index[i];
    if (k < 0) continue;
    const [r, g, b] = colours[k];
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
  }
  return out;
}

/** Options of {@link plotChannel}. */
export interface PlotChannelOptions {
  /** `.png`, `.svg` or `.html`. */
  file: string;
  /** The colours: `'terrain'` (default, R's `terrain.colors(ncolors)`), or a list of `#RRGGBB`. */
  palette?: Palette;
  /** Number of terrain colours. Default 12, as the course. */
  ncolors?: number;
  /** Which channel (0-based) when the activation has several (`[1, h, w, c]`): R's `x[1,,,5]` is `channel: 4`. */
  channel?: number;
  /** Output pixels per activation value. Default: at least 296 pixels on the longer side. */
  scale?: number;
}

/**
 * Draws one activation channel as a heat-map, as the course's `plot_channel` (R's `image()` of the
 * rotated matrix with `terrain.colors(12)`): low values green, high values near white, the picture
 * upright as the input image. Each value is a square block (no smoothing), as `image()` draws cells.
 *
 * @param activation - `[h, w]`, or `[h, w, c]` / `[1, h, w, c]` with `channel`; not disposed.
 * @param options - `file`, `palette` and the {@link PlotChannelOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for a bad channel, palette or scale; `DLTS_SHAPE_MISMATCH` for a
 *   shape that is not a matrix; `DLTS_IO` when the file cannot be written.
 * @example
 * ```ts
 * // R: plot_channel(first_layer_activation[1,,,5])
 * const [first] = activationModel.predict(imgTensor) as tf.Tensor[];
 * await plotChannel(first, { file: 'channel5.png', channel: 4, palette: 'terrain' });
 * ```
 */
export async function plotChannel(activation: ActivationInput, options: PlotChannelOptions): Promise<string> {
  const fn = 'plotChannel';
  pictureFormat(options?.file, fn);
  const colours = paletteColours(options?.palette, options?.ncolors, fn);
  const a = await readActivation(activation, fn, 'activation');
  const k = options.channel ?? 0;
  if (options.channel === undefined && a.c !== 1) {
    throw new DltsError('DLTS_VALUE', `${fn}: the activation has ${a.c} channels; choose one with channel (0-based). Received: channel=undefined`);
  }
  if (!(Number.isInteger(k) && k >= 0 && k < a.c)) {
    throw new DltsError('DLTS_VALUE', `${fn}: channel must be an integer from 0 to ${a.c - 1}. Received: channel=${received(options.channel)}`);
  }
  const scale = options.scale ?? Math.max(1, Math.ceil(296 / Math.max(a.h, a.w)));
  if (!(Number.isInteger(scale) && scale >= 1 && scale <= 64)) throw new DltsError('DLTS_VALUE', `${fn}: scale must be an integer from 1 to 64. Received: scale=${received(scale)}`);
  const rgba = channelRgba(channelOf(a, k), colours);
  const w = a.w * scale;
  const h = a.h * scale;
  const canvas = new RasterCanvas(w, h);
  canvas.paste(await resizeRgba(rgba, a.w, a.h, w, h, false), w, h, 0, 0);
  return canvas.write(options.file, fn, 'plot_channel');
}

/** Options of {@link activationGrid}. */
export interface ActivationGridOptions {
  /** `.png`, `.svg` or `.html`. */
  file: string;
  /** A name per activation (the layer names), written above its block. */
  layerNames?: string[];
  /** Channels per row. Default 16, as the book. */
  imagesPerRow?: number;
  /** Side of each channel's cell in pixels. Default 64 (the R book draws 58). */
  cellSize?: number;
  /** Colours, as {@link plotChannel}. Default `'terrain'`. */
  palette?: Palette;
  /** Number of terrain colours. Default 12. */
  ncolors?: number;
}

/**
 * Tiles every channel of every layer's activation, as the book does after `plot_channel` (16
 * channels per row, one block per layer with the layer's name above it), each channel drawn with
 * `plot_channel`'s colours on its own range.
 *
 * @param activations - one activation per layer, each `[1, h, w, c]` or `[h, w, c]` (as
 *   `activationModel.predict(img)` returns them); not disposed.
 * @param options - `file`, `layerNames` and the {@link ActivationGridOptions}.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for no activations, names of the wrong length or bad options;
 *   `DLTS_SHAPE_MISMATCH` for an activation that is not `[.., h, w, c]`; `DLTS_IO` on a write error.
 * @example
 * ```ts
 * const activations = activationModel.predict(imgTensor) as tf.Tensor[];
 * await activationGrid(activations, { file: 'activations.png', layerNames: model.layers.slice(0, 8).map((l) => l.name) });
 * ```
 */
export async function activationGrid(activations: ActivationInput[], options: ActivationGridOptions): Promise<string> {
  const fn = 'activationGrid';
  pictureFormat(options?.file, fn);
  if (!Array.isArray(activations) || activations.length === 0) {
    throw new DltsError('DLTS_VALUE', `${fn}: activations must be a non-empty array. Received: activations=${received(activations)}`);
  }
  if (options?.layerNames !== undefined && (!Array.isArray(options.layerNames) || options.layerNames.length !== activations.length)) {
    throw new DltsError('DLTS_VALUE', `${fn}: layerNames must have one name per activation (${activations.length}). Received: layerNames=${received(options.layerNames)}`);
  }
  const perRow = options.imagesPerRow ?? 16;
  const cell = options.cellSize ?? 64;
  if (!(Number.isInteger(perRow) && perRow >= 1)) throw new DltsError('DLTS_VALUE', `${fn}: imagesPerRow must be a positive integer. Received: imagesPerRow=${received(perRow)}`);
  if (!(Number.isInteger(cell) && cell >= 2 && cell <= 1024)) throw new DltsError('DLTS_VALUE', `${fn}: cellSize must be an integer from 2 to 1024. Received: cellSize=${received(cell)}`);
  const colours = paletteColours(options.palette, options.ncolors, fn);
  const layers = [];
  for (let i = 0; i < activations.length; i++) layers.push(await readActivation(activations[i], fn, `activations[${i}]`));
  const gap = 2;
  const titleHeight = 22;
  const width = perRow * cell + (perRow - 1) * gap;
  let height = 0;
  for (const a of layers) height += titleHeight + Math.ceil(a.c / perRow) * (cell + gap) + 6;
  const canvas = new RasterCanvas(width, height);
  let y = 0;
  for (let i = 0; i < layers.length; i++) {
    const a = layers[i];
    const name = options.layerNames?.[i] ?? `activation ${i + 1}`;
    canvas.texts.push({ x: 2, y: y + 16, text: `${name}  (${a.h} x ${a.w} x ${a.c})`, size: 13, anchor: 'start' });
    y += titleHeight;
    const fit = cell / Math.max(a.h, a.w);
    const w = Math.max(1, Math.round(a.w * fit));
    const h = Math.max(1, Math.round(a.h * fit));
    for (let k = 0; k < a.c; k++) {
      const rgba = await resizeRgba(channelRgba(channelOf(a, k), colours), a.w, a.h, w, h, false);
      canvas.paste(rgba, w, h, (k % perRow) * (cell + gap), y + Math.floor(k / perRow) * (cell + gap));
    }
    y += Math.ceil(a.c / perRow) * (cell + gap) + 6;
  }
  return canvas.write(options.file, fn, 'activations');
}
