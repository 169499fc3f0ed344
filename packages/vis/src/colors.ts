/**
 * Colours as R draws them: `hsv()`, `hcl()` and `terrain.colors()` from grDevices, and ggplot2's
 * default discrete hue palette (`scales::hue_pal()`). Computed with R's own formulas (grDevices
 * `colors.c`: `hsv2rgb`, `hcl2rgb`, `ScaleColor`), so the hex strings are the ones R prints.
 */
import { DltsError, received } from '@dlts/tensors';

/** `#RRGGBB` from channel values in [0, 1], rounded as R's `ScaleColor`: `(int)(255 * x + 0.5)`. */
function hex(r: number, g: number, b: number): string {
  const byte = (x: number) => Math.trunc(255 * Math.min(1, Math.max(0, x)) + 0.5);
  return `#${[r, g, b].map((x) => byte(x).toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

/** R's `hsv2rgb` (Foley and Van Dam): h, s, v in [0, 1]. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const scaled = h * 6;
  const whole = Math.trunc(scaled);
  const f = scaled - whole;
  const i = whole % 6;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  switch (i) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/**
 * R's `hsv(h, s, v)`: a `#RRGGBB` colour.
 *
 * @example
 * ```ts
 * hsv(1 / 3, 1, 0.65); // '#00A600', the first of terrain.colors(12)
 * ```
 */
export function hsv(h: number, s: number, v: number): string {
  for (const [name, x] of [['h', h], ['s', s], ['v', v]] as const) {
    if (!(x >= 0 && x <= 1)) throw new DltsError('DLTS_VALUE', `hsv: ${name} must be in [0, 1]. Received: ${name}=${received(x)}`);
  }
  return hex(...hsvToRgb(h, s, v));
}

/** R's `seq.int(from, to, length.out = n)`: n evenly spaced values, the last exactly `to`. */
function seqLen(from: number, to: number, n: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [from];
  const by = (to - from) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? to : from + i * by));
}

/**
 * R's `terrain.colors(n)`: green through yellow and tan to near-white, interpolated in HSV
 * (hue 4/12 -> 2/12 -> 0, saturation 1 -> 1 -> 0, value 0.65 -> 0.9 -> 0.95), the palette the
 * course's `plot_channel` gives to `image()`.
 *
 * @param n - number of colours (the course uses 12).
 * @returns `n` colours as `#RRGGBB`, as R prints them.
 * @throws DltsError `DLTS_VALUE` when `n` is not a non-negative integer.
 * @example
 * ```ts
 * terrainColors(3); // ['#00A600', '#ECB176', '#F2F2F2']
 * ```
 */
export function terrainColors(n: number): string[] {
  if (!(Number.isInteger(n) && n >= 0)) throw new DltsError('DLTS_VALUE', `terrainColors: n must be a non-negative integer. Received: n=${received(n)}`);
  if (n === 0) return [];
  const k = Math.floor(n / 2);
  const h = [4 / 12, 2 / 12, 0];
  const s = [1, 1, 0];
  const v = [0.65, 0.9, 0.95];
  const out: string[] = [];
  const first = [seqLen(h[0], h[1], k), seqLen(s[0], s[1], k), seqLen(v[0], v[1], k)];
  for (let i = 0; i < k; i++) out.push(hsv(first[0][i], first[1][i], first[2][i]));
  const m = n - k + 1;
  const second = [seqLen(h[1], h[2], m), seqLen(s[1], s[2], m), seqLen(v[1], v[2], m)];
  for (let i = 1; i < m; i++) out.push(hsv(second[0][i], second[1][i], second[2][i]));
  return out;
}

const WHITE_Y = 100;
const WHITE_U = 0.1978398;
const WHITE_V = 0.4683363;

/** R's sRGB transfer function in `hcl2rgb` (`gtrans`). */
function gtrans(u: number): number {
  return u > 0.00304 ? 1.055 * Math.pow(u, 1 / 2.4) - 0.055 : 12.92 * u;
}

/**
 * R's `hcl(h, c, l)`: a polar CIE-LUV colour (hue in degrees, chroma, luminance) as `#RRGGBB`,
 * clamped into the sRGB gamut as `hcl(fixup = TRUE)` does.
 *
 * @example
 * ```ts
 * hcl(15, 100, 65); // '#F8766D', ggplot's first hue
 * ```
 */
export function hcl(h: number, c: number, l: number): string {
  if (l <= 0) return '#000000';
  const rad = (h * Math.PI) / 180;
  const U = c * Math.cos(rad);
  const V = c * Math.sin(rad);
  const Y = WHITE_Y * (l > 7.999592 ? Math.pow((l + 16) / 116, 3) : l / 903.3);
  const u = U / (13 * l) + WHITE_U;
  const v = V / (13 * l) + WHITE_V;
  const X = (9 * Y * u) / (4 * v);
  const Z = -X / 3 - 5 * Y + (3 * Y) / v;
  const r = gtrans((3.240479 * X - 1.53715 * Y - 0.498535 * Z) / WHITE_Y);
  const g = gtrans((-0.969256 * X + 1.875992 * Y + 0.041556 * Z) / WHITE_Y);
  const b = gtrans((0.055648 * X - 0.204043 * Y + 1.057311 * Z) / WHITE_Y);
  return hex(r, g, b);
}

/**
 * ggplot2's default colours for `n` groups (`scales::hue_pal()(n)`): hues evenly spaced from 15
 * degrees at chroma 100 and luminance 65. Two groups give `#F8766D` (training) and `#00BFC4`
 * (validation), the colours of R keras's `plot(history)`.
 *
 * @example
 * ```ts
 * hueColors(2); // ['#F8766D', '#00BFC4']
 * ```
 */
export function hueColors(n: number): string[] {
  if (!(Number.isInteger(n) && n >= 0)) throw new DltsError('DLTS_VALUE', `hueColors: n must be a non-negative integer. Received: n=${received(n)}`);
  if (n === 0) return [];
  const start = 15;
  let end = 375;
  if ((end - start) % 360 < 1) end -= 360 / n;
  return seqLen(start, end, n).map((h) => hcl(h, 100, 65));
}

/** Parses `#RRGGBB` into `[r, g, b]` bytes. */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(color);
  if (!m) throw new DltsError('DLTS_VALUE', `parseHex: expected a #RRGGBB colour. Received: color=${received(color)}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}
