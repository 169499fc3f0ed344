/**
 * A tiny parser for the Python literals of an NPY header, such as
 * `{'descr': '<u1', 'fortran_order': False, 'shape': (1000, 28, 28), }`.
 * It understands strings, integers, True/False/None, tuples, lists and dicts, nothing else, and
 * never evaluates anything.
 */

/** A parsed Python literal. Tuples and lists both become arrays. */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | { [key: string]: PyLiteral };

/** Parses one literal; throws `SyntaxError` with a short reason on anything else. */
export function parsePyLiteral(text: string): PyLiteral {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) parser.fail('unexpected text after the literal');
  return value;
}

const MAX_DEPTH = 32;

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(reason: string): never {
    const near = this.text.slice(this.pos, this.pos + 20);
    throw new SyntaxError(`${reason} at character ${this.pos}${near ? ` (near ${JSON.stringify(near)})` : ''}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  value(depth: number): PyLiteral {
    if (depth > MAX_DEPTH) this.fail('literal nested too deeply');
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of the literal');
    if (c === "'" || c === '"') return this.string();
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail('expected a string, number, True, False, None, tuple, list or dict');
  }

  string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.fail('unterminated string');
      if (c === quote) return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        if (e === undefined) this.fail('unterminated string');
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e in simple) out += simple[e];
        else if (e === 'x' || e === 'u') {
          const len = e === 'x' ? 2 : 4;
          const hex = this.text.slice(this.pos, this.pos + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape in string');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += len;
        } else this.fail('unsupported escape in string');
      } else out += c;
    }
  }

  number(): number {
    const match = /^[-+]?\d+L?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('bad number');
    const next = this.text[this.pos + match[0].length];
    if (next === '.' || next === 'e' || next === 'E') this.fail('only integers are allowed');
    this.pos += match[0].length;
    const value = Number(match[0].replace('L', ''));
    if (!Number.isSafeInteger(value)) this.fail('integer too large');
    return value;
  }

  sequence(close: ')' | ']', depth: number): PyLiteral[] {
    this.pos++;
    const items: PyLiteral[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  dict(depth: number): { [key: string]: PyLiteral } {
    this.pos++;
    const out: { [key: string]: PyLiteral } = Object.create(null);
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const c = this.text[this.pos];
      if (c !== "'" && c !== '"') this.fail('dict keys must be strings');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      out[key] = this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') this.pos++;
      else if (next !== '}') this.fail("expected ',' or '}'");
    }
  }
}
