/**
 * scipy.ndimage's boundary handling (`map_coordinate` in ni_interpolation.c), which Keras's
 * `apply_affine_transform` inherits: how a coordinate outside `[0, len - 1]` is mapped back.
 *
 * scipy's names are kept: `'reflect'` is half-sample symmetric (d c b a | a b c d | d c b a),
 * `'mirror'` whole-sample symmetric (d c b | a b c d | c b a), `'wrap'` is scipy's legacy wrap
 * whose period is `len - 1` (the first and last samples coincide; not `'grid-wrap'`), `'nearest'`
 * repeats the edge, and `'constant'` gives `cval` for any point outside `[0, len - 1]` (no
 * interpolation with `cval` beyond the edge, unlike `'grid-constant'`).
 */

/** scipy's extension modes used by the affine transform. */
export type ScipyMode = 'nearest' | 'wrap' | 'reflect' | 'mirror' | 'constant';

/** Marks a coordinate that falls outside the input under `'constant'`. */
export const OUTSIDE = -1;

/**
 * Maps `coord` into the input of length `len` as scipy's `map_coordinate` does; `'constant'`
 * returns {@link OUTSIDE} (-1) for a point outside `[0, len - 1]`.
 */
export function mapCoordinate(coord: number, len: number, mode: ScipyMode): number {
  let c = coord;
  if (c < 0) {
    switch (mode) {
      case 'mirror':
        if (len <= 1) return 0;
        {
          const sz2 = 2 * len - 2;
          c = sz2 * Math.trunc(-c / sz2) + c;
          c = c <= 1 - len ? c + sz2 : -c;
        }
        return c;
      case 'reflect':
        if (len <= 1) return 0;
        {
          const sz2 = 2 * len;
          if (c < -sz2) c = sz2 * Math.trunc(-c / sz2) + c;
          // scipy's guard against (-c - 1) == -1 for a tiny negative c.
          c = c < -len ? c + sz2 : (c > -1e-15 ? 1e-15 : -c) - 1;
        }
        return c;
      case 'wrap':
        if (len <= 1) return 0;
        {
          const sz = len - 1;
          c += sz * (Math.trunc(-c / sz) + 1);
        }
        return c;
      case 'nearest':
        return 0;
      case 'constant':
        return OUTSIDE;
    }
  } else if (c > len - 1) {
    switch (mode) {
      case 'mirror':
        if (len <= 1) return 0;
        {
          const sz2 = 2 * len - 2;
          c -= sz2 * Math.trunc(c / sz2);
          if (c >= len) c = sz2 - c;
        }
        return c;
      case 'reflect':
        if (len <= 1) return 0;
        {
          const sz2 = 2 * len;
          c -= sz2 * Math.trunc(c / sz2);
          if (c >= len) c = sz2 - c - 1;
        }
        return c;
      case 'wrap':
        if (len <= 1) return 0;
        {
          const sz = len - 1;
          c -= sz * Math.trunc(c / sz);
        }
        return c;
      case 'nearest':
        return len - 1;
      case 'constant':
        return OUTSIDE;
    }
  }
  return c;
}

/**
 * The mode scipy uses for the interpolation footprint at the edge (`_get_spline_boundary_mode`):
 * `'constant'` and `'wrap'` have no exact footprint rule and use `'mirror'`.
 */
export function footprintMode(mode: ScipyMode): ScipyMode {
  return mode === 'constant' || mode === 'wrap' ? 'mirror' : mode;
}
