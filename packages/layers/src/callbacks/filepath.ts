import type { Logs } from './callback';
import { formatExponential, formatFixed, formatGeneral, formatRepr } from './pyformat';

/**
 * Fills Keras-style fields in a checkpoint path, as Python's `str.format` does:
 * `{epoch:02d}`, `{val_loss:.2f}`, `{loss}`, `{acc:.4e}`. `epoch` is 1-based, as Keras writes it.
 * Fields that name no log value are left as they are.
 *
 * @example
 * ```ts
 * import { formatFilepath } from '@dlts/layers';
 * formatFilepath('model-{epoch:02d}-{val_loss:.2f}.h5', 3, { val_loss: 0.41726 }); // 'model-03-0.42.h5'
 * formatFilepath('model-{epoch}-{acc}', 1, {}); // 'model-1-{acc}' (no acc in the logs)
 * ```
 */
export function formatFilepath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g, (whole, name: string, spec: string | undefined) => {
    const isEpoch = name === 'epoch';
    const value = isEpoch ? epoch : logs[name];
    if (value === undefined) return whole;
    return formatNumber(value, spec, isEpoch);
  });
}

/** Python's format spec `[0][width][.precision][type]` for a number (`isInt`: a Python int). */
function formatNumber(value: number, spec: string | undefined, isInt: boolean): string {
  const plain = () => (isInt ? String(value) : formatRepr(value));
  if (!spec) return plain();
  const m = /^(0?)(\d*)(?:\.(\d+))?([dfFeEgG%]?)$/.exec(spec);
  if (!m) return plain();
  const [, zero, width, precisionText, type] = m;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let text: string;
  switch (type) {
    case 'd':
      text = String(Math.trunc(value));
      break;
    case 'f':
    case 'F':
      text = formatFixed(value, precision ?? 6);
      if (type === 'F') text = text.toUpperCase();
      break;
    case 'e':
    case 'E':
      text = formatExponential(value, precision ?? 6);
      if (type === 'E') text = text.toUpperCase();
      break;
    case 'g':
    case 'G':
      text = formatGeneral(value, precision ?? 6);
      if (type === 'G') text = text.toUpperCase();
      break;
    case '%':
      text = `${formatFixed(value * 100, precision ?? 6)}%`;
      break;
    default:
      if (precision === undefined) {
        text = plain();
      } else {
        // No type with a precision: like 'g', but a float keeps at least one digit after the point.
        text = formatGeneral(value, precision);
        if (!isInt && !/[.e]|nan|inf/.test(text)) text += '.0';
      }
  }
  const w = width ? Number(width) : 0;
  if (text.length < w) {
    const negative = text.startsWith('-');
    const body = negative ? text.slice(1) : text;
    text = zero ? `${negative ? '-' : ''}${body.padStart(w - (negative ? 1 : 0), '0')}` : text.padStart(w, ' ');
  }
  return text;
}
