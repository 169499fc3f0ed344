/**
 * The non-geometric steps of Keras's `apply_transform` on raw channels-last pixels: channel
 * shift, flips and PIL's brightness enhancement.
 */

/** Keras's `apply_channel_shift`: every channel plus `intensity`, clipped to the image's own min and max. */
export function channelShiftPixels(x: Float32Array, intensity: number): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // numpy adds a Python float to a float32 array in float32.
  const shift = Math.fround(intensity);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.fround(x[i] + shift);
    out[i] = v < min ? min : v > max ? max : v;
  }
  return out;
}

/** Reverses the columns (`horizontal`) or the rows of a channels-last image (Keras's `flip_axis`). */
export function flipPixels(x: Float32Array, h: number, w: number, c: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(x.length);
  const row = w * c;
  for (let i = 0; i < h; i++) {
    const si = horizontal ? i : h - 1 - i;
    for (let j = 0; j < w; j++) {
      const sj = horizontal ? w - 1 - j : j;
      const from = si * row + sj * c;
      const to = i * row + j * c;
      for (let k = 0; k < c; k++) out[to + k] = x[from + k];
    }
  }
  return out;
}

/**
 * Keras's `apply_brightness_shift(x, brightness, scale=False)`: the image goes through PIL
 * (`array_to_img`, truncating to uint8; rescaled to 0..255 first only when its values leave that
 * range), `ImageEnhance.Brightness(img).enhance(brightness)` (PIL's `blend` with black, computed
 * in float32 and truncated, clipped when extrapolating), and back; a rescaled image is mapped back
 * to its original range.
 */
export function brightnessPixels(x: Float32Array, brightness: number): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const localScale = min < 0 || max > 255;
  const alpha = Math.fround(brightness);
  const extrapolate = !(alpha >= 0 && alpha <= 1);
  const out = new Float32Array(x.length);
  // array_to_img(scale=True): (x - min) / (max - min) * 255, in float32.
  const range = Math.fround(max - min);
  for (let i = 0; i < x.length; i++) {
    let v = x[i];
    if (localScale) {
      v = Math.fround(x[i] - min);
      if (range !== 0) v = Math.fround(v / range);
      v = Math.fround(v * 255);
    }
    // astype('uint8') truncates toward zero (values here are in 0..255).
    const u8 = Math.trunc(v) & 0xff;
    const t = Math.fround(alpha * u8);
    let r: number;
    if (!extrapolate) r = Math.trunc(t);
    else r = t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
    out[i] = localScale ? Math.fround(Math.fround(Math.fround(r / 255) * range) + min) : r;
  }
  return out;
}
