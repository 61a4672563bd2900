// A small RFC 9651 structured-field parser (items, lists, dictionaries, parameters) that returns results, never throws.

/** A bare item value, tagged with its RFC 9651 type. */
export type BareItem =
  | { type: 'integer'; value: number }
  | { type: 'decimal'; value: number }
  | { type: 'string'; value: string }
  | { type: 'token'; value: string }
  | { type: 'binary'; value: Uint8Array }
  | { type: 'boolean'; value: boolean }
  | { type: 'date'; value: number }
  | { type: 'displaystring'; value: string };

/** Parameters in order, as `[name, value]` pairs (later duplicates overwrite earlier ones in place). */
export type Parameters = [string, BareItem][];

/** An item with its parameters. */
export interface SfItem {
  value: BareItem;
  params: Parameters;
}

/** An inner list `(a b);p` with its parameters. */
export interface SfInnerList {
  items: SfItem[];
  params: Parameters;
}

export type SfMember = SfItem | SfInnerList;

/** A parse result: the value, or why the text is not a valid structured field. */
export type SfResult<T> = { ok: true; value: T } | { ok: false; error: string };

class SfFail extends Error {}

const DIGIT = /[0-9]/;
const ALPHA = /[A-Za-z]/;
const LCALPHA = /[a-z]/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Cursor over the input text; every parse step consumes from the front, as RFC 9651 §4.2 describes. */
class Input {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  next(): string {
    const c = this.s[this.pos] ?? '';
    this.pos += 1;
    return c;
  }
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  skipSP(): void {
    while (this.peek() === ' ') this.pos += 1;
  }
  skipOWS(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }
}

function fail(msg: string): never {
  throw new SfFail(msg);
}

function parseBareItem(inp: Input): BareItem {
  const c = inp.peek();
  if (c === '-' || DIGIT.test(c)) return parseNumber(inp);
  if (c === '"') return { type: 'string', value: parseString(inp) };
  if (c === '*' || ALPHA.test(c)) return { type: 'token', value: parseToken(inp) };
  if (c === ':') return { type: 'binary', value: parseBinary(inp) };
  if (c === '?') return { type: 'boolean', value: parseBoolean(inp) };
  if (c === '@') return parseDate(inp);
  if (c === '%') return { type: 'displaystring', value: parseDisplayString(inp) };
  return fail(c === '' ? 'unexpected end of value' : `unexpected character ${JSON.stringify(c)}`);
}

function parseNumber(inp: Input): { type: 'integer' | 'decimal'; value: number } {
  let sign = 1;
  let num = '';
  let isDecimal = false;
  if (inp.peek() === '-') {
    inp.next();
    sign = -1;
  }
  if (!DIGIT.test(inp.peek())) fail('a number must start with a digit');
  while (!inp.done) {
    const c = inp.peek();
    if (DIGIT.test(c)) {
      num += inp.next();
    } else if (c === '.' && !isDecimal) {
      if (num.length > 12) fail('too many integer digits in a decimal');
      num += inp.next();
      isDecimal = true;
    } else break;
    if (!isDecimal && num.length > 15) fail('integer has more than 15 digits');
    if (isDecimal && num.length > 16) fail('decimal has too many digits');
  }
  if (!isDecimal) return { type: 'integer', value: sign * Number(num) || 0 };
  if (num.endsWith('.')) fail('decimal must not end with "."');
  if (num.length - num.indexOf('.') - 1 > 3) fail('decimal has more than 3 fractional digits');
  return { type: 'decimal', value: sign * Number(num) || 0 };
}

function parseDate(inp: Input): BareItem {
  inp.next(); // '@'
  const n = parseNumber(inp);
  if (n.type !== 'integer') fail('a date must be an integer number of seconds');
  return { type: 'date', value: n.value };
}

function parseString(inp: Input): string {
  inp.next(); // '"'
  let out = '';
  for (;;) {
    if (inp.done) fail('unterminated string');
    const c = inp.next();
    if (c === '\\') {
      if (inp.done) fail('unterminated escape');
      const e = inp.next();
      if (e !== '"' && e !== '\\') fail('invalid escape in string');
      out += e;
    } else if (c === '"') {
      return out;
    } else {
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) fail('invalid character in string');
      out += c;
    }
  }
}

function parseToken(inp: Input): string {
  let out = inp.next();
  while (!inp.done && (TCHAR.test(inp.peek()) || inp.peek() === ':' || inp.peek() === '/')) out += inp.next();
  return out;
}

function parseBinary(inp: Input): Uint8Array {
  inp.next(); // ':'
  const end = inp.s.indexOf(':', inp.pos);
  if (end < 0) fail('unterminated byte sequence');
  const b64 = inp.s.slice(inp.pos, end);
  inp.pos = end + 1;
  if (!BASE64.test(b64)) fail('invalid base64 in byte sequence');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function parseBoolean(inp: Input): boolean {
  inp.next(); // '?'
  const c = inp.next();
  if (c === '1') return true;
  if (c === '0') return false;
  return fail('a boolean is ?0 or ?1');
}

function parseDisplayString(inp: Input): string {
  inp.next(); // '%'
  if (inp.next() !== '"') fail('a display string starts with %"');
  const bytes: number[] = [];
  for (;;) {
    if (inp.done) fail('unterminated display string');
    const c = inp.next();
    const code = c.charCodeAt(0);
    if (code <= 0x1f || code >= 0x7f) fail('invalid character in display string');
    if (c === '%') {
      const hex = inp.s.slice(inp.pos, inp.pos + 2);
      if (!/^[0-9a-f]{2}$/.test(hex)) fail('invalid percent-encoding in display string');
      inp.pos += 2;
      bytes.push(parseInt(hex, 16));
    } else if (c === '"') {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
      } catch {
        return fail('display string is not valid UTF-8');
      }
    } else bytes.push(code);
  }
}

function parseKey(inp: Input): string {
  const c = inp.peek();
  if (!(LCALPHA.test(c) || c === '*')) fail('a key starts with a lower-case letter or "*"');
  let out = '';
  while (!inp.done && KEY_CHAR.test(inp.peek())) out += inp.next();
  return out;
}

function parseParameters(inp: Input): Parameters {
  const params: Parameters = [];
  while (inp.peek() === ';') {
    inp.next();
    inp.skipSP();
    const key = parseKey(inp);
    let value: BareItem = { type: 'boolean', value: true };
    if (inp.peek() === '=') {
      inp.next();
      value = parseBareItem(inp);
    }
    const existing = params.find((p) => p[0] === key);
    if (existing) existing[1] = value;
    else params.push([key, value]);
  }
  return params;
}

function parseItemInner(inp: Input): SfItem {
  const value = parseBareItem(inp);
  return { value, params: parseParameters(inp) };
}

function parseInnerList(inp: Input): SfInnerList {
  inp.next(); // '('
  const items: SfItem[] = [];
  for (;;) {
    inp.skipSP();
    if (inp.peek() === ')') {
      inp.next();
      return { items, params: parseParameters(inp) };
    }
    if (inp.done) fail('unterminated inner list');
    items.push(parseItemInner(inp));
    const c = inp.peek();
    if (c !== ' ' && c !== ')') fail('inner list items are separated by spaces');
  }
}

function parseMember(inp: Input): SfMember {
  return inp.peek() === '(' ? parseInnerList(inp) : parseItemInner(inp);
}

function run<T>(raw: string | readonly string[], body: (inp: Input) => T, joiner: string): SfResult<T> {
  const text = typeof raw === 'string' ? raw : raw.join(joiner);
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code > 0x7e) return { ok: false, error: 'non-ASCII character in field value' };
  }
  const inp = new Input(text);
  try {
    inp.skipSP();
    const value = body(inp);
    inp.skipSP();
    if (!inp.done) fail(`unexpected text after value at ${inp.pos}`);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof SfFail) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Parse an Item structured field (RFC 9651 §4.2.3).
 *
 * @example
 * parseSfItem('@1688169599') // { ok: true, value: { value: { type: 'date', value: 1688169599 }, params: [] } }
 */
export function parseSfItem(raw: string | readonly string[]): SfResult<SfItem> {
  return run(raw, parseItemInner, ',');
}

/**
 * Parse a List structured field (RFC 9651 §4.2.1); several field lines are joined with commas.
 *
 * @example
 * parseSfList('a, (b c);p=1') // { ok: true, value: [ {value: token a}, {items: [...], params: [...]} ] }
 */
export function parseSfList(raw: string | readonly string[]): SfResult<SfMember[]> {
  return run(
    raw,
    (inp) => {
      const members: SfMember[] = [];
      while (!inp.done) {
        members.push(parseMember(inp));
        inp.skipOWS();
        if (inp.done) break;
        if (inp.next() !== ',') fail('list members are separated by commas');
        inp.skipOWS();
        if (inp.done) fail('trailing comma in list');
      }
      return members;
    },
    ', ',
  );
}

/**
 * Parse a Dictionary structured field (RFC 9651 §4.2.2).
 *
 * @example
 * parseSfDictionary('a=1, b') // { ok: true, value: [['a', {value: integer 1}], ['b', {value: boolean true}]] }
 */
export function parseSfDictionary(raw: string | readonly string[]): SfResult<[string, SfMember][]> {
  return run(
    raw,
    (inp) => {
      const entries: [string, SfMember][] = [];
      while (!inp.done) {
        const key = parseKey(inp);
        let member: SfMember;
        if (inp.peek() === '=') {
          inp.next();
          member = parseMember(inp);
        } else {
          member = { value: { type: 'boolean', value: true }, params: parseParameters(inp) };
        }
        const at = entries.findIndex((e) => e[0] === key);
        if (at >= 0) entries[at] = [key, member];
        else entries.push([key, member]);
        inp.skipOWS();
        if (inp.done) break;
        if (inp.next() !== ',') fail('dictionary members are separated by commas');
        inp.skipOWS();
        if (inp.done) fail('trailing comma in dictionary');
      }
      return entries;
    },
    ', ',
  );
}
