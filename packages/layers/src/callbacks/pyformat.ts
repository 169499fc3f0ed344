/**
 * Python's number formatting (`'%.4f' % x`, `f'{x:.2e}'`, `str(x)`), so that text the callbacks
 * write (progress bars, checkpoint names, CSV rows) reads exactly as Keras writes it. JavaScript's
 * `toFixed`/`toExponential` round exact ties away from zero (0.03125 -> "0.0313") where Python
 * rounds them to even ("0.0312"), and write `NaN`/`Infinity` where Python writes `nan`/`inf`.
 */

/** `nan`, `inf`, `-inf` as Python writes them, or undefined for a finite number. */
function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return undefined;
}

/** True when the exact decimal expansion `digits` (no sign) is a tie at the kept position. */
function isTie(rest: string): boolean {
  return /^50*$/.test(rest);
}

/** Python's `'%.{digits}f' % value` (round half to even on the exact binary value). */
export function formatFixed(value: number, digits: number): string {
  const special = nonFinite(value);
  if (special) return special;
  const abs = Math.abs(value);
  if (abs >= 1e21) return value.toFixed(digits);
  const exact = abs.toFixed(100);
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  let text: string;
  const last = digits === 0 ? exact[point - 1] : exact[point + digits];
  if (isTie(rest) && Number(last) % 2 === 0) {
    // A tie with an even last kept digit: Python rounds down, JavaScript would round up.
    text = exact.slice(0, digits === 0 ? point : point + 1 + digits);
  } else {
    text = abs.toFixed(digits);
  }
  return value < 0 || Object.is(value, -0) ? `-${text}` : text;
}

/** Python's `'%.{digits}e' % value`: at least two exponent digits, ties to even. */
export function formatExponential(value: number, digits: number): string {
  const special = nonFinite(value);
  if (special) return special;
  const abs = Math.abs(value);
  let text = abs.toExponential(digits);
  if (abs !== 0) {
    const exact = abs.toExponential(100);
    const [mantissa, exponent] = exact.split('e');
    const point = mantissa.indexOf('.');
    const rest = mantissa.slice(point + 1 + digits);
    const last = digits === 0 ? mantissa[point - 1] : mantissa[point + digits];
    if (isTie(rest) && Number(last) % 2 === 0) {
      text = `${mantissa.slice(0, digits === 0 ? point : point + 1 + digits)}e${exponent}`;
    }
  }
  text = text.replace(/e([+-])(\d)$/, 'e$10$2');
  return value < 0 || Object.is(value, -0) ? `-${text}` : text;
}

/** Python's `'%.{precision}g' % value` (and `{:g}` with precision 6). */
export function formatGeneral(value: number, precision = 6): string {
  const special = nonFinite(value);
  if (special) return special;
  const p = precision === 0 ? 1 : precision;
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exp = Number(formatExponential(value, p - 1).split('e')[1]);
  let text = exp < -4 || exp >= p ? formatExponential(value, p - 1) : formatFixed(value, p - 1 - exp);
  // Strip trailing zeros (and a trailing point) from the significand.
  const [significand, exponent] = text.split('e');
  const stripped = significand.includes('.') ? significand.replace(/0+$/, '').replace(/\.$/, '') : significand;
  text = exponent === undefined ? stripped : `${stripped}e${exponent}`;
  return text;
}

/** Python's `str(value)` / `repr(value)` of a float: shortest round-trip digits, `1.0`, `1e-05`, `1e+16`. */
export function formatRepr(value: number): string {
  const special = nonFinite(value);
  if (special) return special;
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  const [mantissa, expText] = abs.toExponential().split('e');
  const exp = Number(expText);
  let text: string;
  if (exp < -4 || exp >= 16) {
    text = `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else {
    const digits = mantissa.replace('.', '');
    if (exp >= 0) {
      const whole = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `${digits.padEnd(exp + 1, '0')}.0`;
      text = whole;
    } else {
      text = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  }
  return value < 0 ? `-${text}` : text;
}
