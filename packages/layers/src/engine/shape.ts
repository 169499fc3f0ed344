/** A shape with the batch dimension (or any unknown dimension) as `null`, as Keras's `(None, 28, 28, 1)`. */
export type Shape = (number | null)[];

/**
 * Formats a shape as Keras prints it: `(None, 26, 26, 32)`, `(None, 576)`.
 *
 * @example
 * ```ts
 * import { formatShape } from '@dlts/layers';
 * formatShape([null, 26, 26, 32]); // '(None, 26, 26, 32)'
 * formatShape([null]); // '(None,)'
 * ```
 */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** True when two shapes agree wherever both are known. */
export function shapesCompatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/** The product of the known dimensions after the batch axis; null if one is unknown. */
export function featureSize(shape: Shape): number | null {
  let n = 1;
  for (const d of shape.slice(1)) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}
