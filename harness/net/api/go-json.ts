/**
 * JSON read the way Toxiproxy reads it: Go's encoding/json Decoder, whose error texts Toxiproxy's
 * API returns as they are ("bad request body: " + err). Reproduced here so that a drop-in says
 * what Toxiproxy says (texts checked against Go's encoding/json, src/encoding/json/scanner.go and
 * decode.go): the first value only (trailing bytes are never read), EOF for an empty body,
 * "unexpected EOF" for a truncated one, the scanner's "invalid character ..." messages, and the
 * decoder's "cannot unmarshal ..." type errors. Object keys match struct fields case-insensitively
 * and null leaves a field as it was, as in Go.
 */

/** A parsed JSON value; numbers keep their literal, which Go's integer parsing looks at. */
export type GoJsonValue =
  | { kind: 'object'; entries: [string, GoJsonValue][] }
  | { kind: 'array'; items: GoJsonValue[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** An error with Go's exact text. */
export class GoJsonError extends Error {
  override name = 'GoJsonError';
}

/** Parses the first JSON value of `text` as Go's json.Decoder does, or throws its error text. */
export function parseGoJson(text: string): GoJsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  if (parser.atEnd()) throw new GoJsonError('EOF');
  return parser.value();
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && ' \t\r\n'.includes(this.text[this.at]!)) this.at++;
  }

  /** The next character, or "unexpected EOF" when the body stops in the middle of a value. */
  private peek(): string {
    if (this.atEnd()) throw new GoJsonError('unexpected EOF');
    return this.text[this.at]!;
  }

  private fail(c: string, context: string): never {
    throw new GoJsonError(`invalid character ${quoteChar(c)} ${context}`);
  }

  value(): GoJsonValue {
    this.skipSpace();
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return { kind: 'number', raw: this.number() };
    for (const [word, value] of [['true', { kind: 'bool', value: true }], ['false', { kind: 'bool', value: false }], ['null', { kind: 'null' }]] as const) {
      if (c === word[0]) {
        this.literal(word);
        return value;
      }
    }
    return this.fail(c, 'looking for beginning of value');
  }

  private literal(word: string): void {
    this.at++;
    for (let i = 1; i < word.length; i++) {
      const c = this.peek();
      if (c !== word[i]) this.fail(c, `in literal ${word} (expecting ${quoteChar(word[i]!)})`);
      this.at++;
    }
  }

  private object(): GoJsonValue {
    this.at++;
    const entries: [string, GoJsonValue][] = [];
    this.skipSpace();
    if (this.peek() === '}') {
      this.at++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c !== '"') this.fail(c, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== ':') this.fail(this.peek(), 'after object key');
      this.at++;
      entries.push([key, this.value()]);
      this.skipSpace();
      const next = this.peek();
      this.at++;
      if (next === '}') return { kind: 'object', entries };
      if (next !== ',') this.fail(next, 'after object key:value pair');
    }
  }

  private array(): GoJsonValue {
    this.at++;
    const items: GoJsonValue[] = [];
    this.skipSpace();
    if (this.peek() === ']') {
      this.at++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const next = this.peek();
      this.at++;
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') this.fail(next, 'after array element');
    }
  }

  private string(): string {
    const start = this.at;
    this.at++;
    for (;;) {
      const c = this.peek();
      if (c === '"') break;
      if (c < ' ') this.fail(c, 'in string literal');
      if (c === '\\') {
        this.at++;
        const e = this.peek();
        if (e === 'u') {
          for (let i = 0; i < 4; i++) {
            this.at++;
            const h = this.peek();
            if (!/[0-9a-fA-F]/.test(h)) this.fail(h, 'in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          this.fail(e, 'in string escape code');
        }
      }
      this.at++;
    }
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  /** A number literal: Go's scanner states for sign, integer part, fraction and exponent. */
  private number(): string {
    const start = this.at;
    const digits = () => {
      while (!this.atEnd() && this.text[this.at]! >= '0' && this.text[this.at]! <= '9') this.at++;
    };
    const digit = (context: string) => {
      const c = this.peek();
      if (c < '0' || c > '9') this.fail(c, context);
    };
    if (this.text[this.at] === '-') {
      this.at++;
      digit('in numeric literal');
    }
    if (this.text[this.at] === '0') this.at++;
    else digits();
    if (this.text[this.at] === '.') {
      this.at++;
      digit('after decimal point in numeric literal');
      digits();
    }
    if (this.text[this.at] === 'e' || this.text[this.at] === 'E') {
      this.at++;
      if (this.text[this.at] === '+' || this.text[this.at] === '-') this.at++;
      digit('in exponent of numeric literal');
      digits();
    }
    return this.text.slice(start, this.at);
  }
}

/** Go's quoteChar: the character as a Go rune literal. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x07': '\\a', '\\': '\\\\' };
  if (escapes[c]) return `'${escapes[c]}'`;
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

/** The Go types Toxiproxy's request bodies decode into, as far as their error texts need them. */
export type GoType =
  | { kind: 'string' | 'bool' | 'int64' | 'int' | 'float32' }
  /** `name` is the type as Go prints it (toxiproxy.Proxy); `short` its Name() ("" when anonymous). */
  | { kind: 'struct'; name: string; short: string; fields: Record<string, GoType> }
  | { kind: 'slice'; name: string; elem: GoType }
  /** A pointer: null sets it to nil (undefined); errors name the type it points to. */
  | { kind: 'pointer'; elem: GoType };

export type GoDecoded = string | boolean | number | undefined | GoDecoded[] | { [field: string]: GoDecoded };

const INT_RANGE = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Decodes `value` into `type` over `into` (the Go value before decoding: fields absent or null in
 * the JSON keep what it holds), or throws Go's first "json: cannot unmarshal ..." error.
 */
export function decodeGo(value: GoJsonValue, type: GoType, into?: GoDecoded): GoDecoded {
  const errors: string[] = [];
  const result = decodeValue(value, type, into, { struct: undefined, path: [] }, errors);
  if (errors.length > 0) throw new GoJsonError(errors[0]!);
  return result;
}

interface Context {
  /** The innermost struct a field of which is being decoded. */
  struct: string | undefined;
  path: string[];
}

function typeName(type: GoType): string {
  if (type.kind === 'struct' || type.kind === 'slice') return type.name;
  if (type.kind === 'pointer') return typeName(type.elem);
  return type.kind;
}

function typeError(what: string, type: GoType, ctx: Context, errors: string[]): undefined {
  const target = ctx.struct !== undefined || ctx.path.length > 0 ? `Go struct field ${ctx.struct ?? ''}.${ctx.path.join('.')}` : 'Go value';
  errors.push(`json: cannot unmarshal ${what} into ${target} of type ${typeName(type)}`);
  return undefined;
}

function decodeValue(value: GoJsonValue, type: GoType, into: GoDecoded, ctx: Context, errors: string[]): GoDecoded {
  if (value.kind === 'null') return type.kind === 'pointer' || type.kind === 'slice' ? undefined : into;
  if (type.kind === 'pointer') return decodeValue(value, type.elem, into, ctx, errors);
  switch (type.kind) {
    case 'struct': {
      if (value.kind !== 'object') return typeError(value.kind, type, ctx, errors) ?? into;
      const out: Record<string, GoDecoded> = { ...(into as Record<string, GoDecoded> | undefined) };
      const names = Object.keys(type.fields);
      for (const [key, item] of value.entries) {
        const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
        if (field === undefined) continue; // Go ignores unknown fields
        const inner = { struct: type.short, path: [...ctx.path, field] };
        const decoded = decodeValue(item, type.fields[field]!, out[field], inner, errors);
        if (decoded === undefined && type.fields[field]!.kind !== 'pointer') continue;
        out[field] = decoded;
      }
      return out;
    }
    case 'slice': {
      if (value.kind !== 'array') return typeError(value.kind, type, ctx, errors);
      return value.items.map((item) => decodeValue(item, type.elem, undefined, ctx, errors));
    }
    case 'string':
      return value.kind === 'string' ? value.value : (typeError(value.kind, type, ctx, errors) ?? into);
    case 'bool':
      return value.kind === 'bool' ? value.value : (typeError(value.kind, type, ctx, errors) ?? into);
    case 'int':
    case 'int64': {
      if (value.kind !== 'number') return typeError(value.kind, type, ctx, errors) ?? into;
      const n = /^-?\d+$/.test(value.raw) ? BigInt(value.raw) : undefined;
      if (n === undefined || n < INT_RANGE.min || n > INT_RANGE.max) return typeError(`number ${value.raw}`, type, ctx, errors) ?? into;
      return Number(n);
    }
    case 'float32': {
      if (value.kind !== 'number') return typeError(value.kind, type, ctx, errors) ?? into;
      const n = Number(value.raw);
      if (Math.abs(n) > FLOAT32_MAX) return typeError(`number ${value.raw}`, type, ctx, errors) ?? into;
      return n;
    }
  }
}
