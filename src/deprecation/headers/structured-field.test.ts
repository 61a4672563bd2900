// Runs the HTTP working group's structured-field vectors (dates, booleans, tokens) against our parser.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BareItem, Parameters, SfMember } from './structured-field.js';
import { parseSfDictionary, parseSfItem, parseSfList } from './structured-field.js';

interface Vector {
  name: string;
  raw: string[];
  header_type: 'item' | 'list' | 'dictionary';
  expected?: unknown;
  must_fail?: boolean;
  can_fail?: boolean;
}

const VECTOR_DIR = fileURLToPath(new URL('../../../test/fixtures/structured-field-tests/', import.meta.url));

function load(file: string): Vector[] {
  return JSON.parse(readFileSync(VECTOR_DIR + file, 'utf8')) as Vector[];
}

function bare(b: BareItem): unknown {
  switch (b.type) {
    case 'token':
    case 'date':
    case 'displaystring':
      return { __type: b.type, value: b.value };
    case 'binary':
      return { __type: 'binary', value: b.value };
    default:
      return b.value;
  }
}
const params = (p: Parameters): unknown => p.map(([k, v]) => [k, bare(v)]);
const member = (m: SfMember): unknown =>
  'items' in m
    ? [m.items.map((i) => [bare(i.value), params(i.params)]), params(m.params)]
    : [bare(m.value), params(m.params)];

function parseAs(v: Vector): { ok: boolean; json?: unknown } {
  if (v.header_type === 'item') {
    const r = parseSfItem(v.raw);
    return r.ok ? { ok: true, json: member(r.value) } : { ok: false };
  }
  if (v.header_type === 'list') {
    const r = parseSfList(v.raw);
    return r.ok ? { ok: true, json: r.value.map(member) } : { ok: false };
  }
  const r = parseSfDictionary(v.raw);
  return r.ok ? { ok: true, json: r.value.map(([k, m]) => [k, member(m)]) } : { ok: false };
}

describe.each(['date.json', 'boolean.json', 'token.json'])('structured-field vectors %s', (file) => {
  const vectors = load(file);
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(5));
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const got = parseAs(v);
    if (v.must_fail) {
      expect(got.ok).toBe(false);
    } else {
      // can_fail vectors (the syntactic max/min dates) are parsed too: we accept the whole syntactic range
      expect(got.ok).toBe(true);
      expect(got.json).toEqual(v.expected);
    }
  });
});

describe('structured fields beyond the vectors', () => {
  it.each([
    ['@1688169599', { __type: 'date', value: 1688169599 }],
    ['42', 42],
    ['-1.5', -1.5],
    ['"say \\"hi\\""', 'say "hi"'],
    ['%"f%c3%bc%c3%bc"', { __type: 'displaystring', value: 'füü' }],
  ])('item %s', (raw, expected) => {
    const r = parseSfItem(raw);
    expect(r.ok && bare(r.value.value)).toEqual(expected);
  });

  it('parses parameters on a date', () => {
    const r = parseSfItem('@1688169599;reason="v1 retired";strict');
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(params(r.value.params)).toEqual([
        ['reason', 'v1 retired'],
        ['strict', true],
      ]);
  });

  it.each(['Wed, 27 Nov 2019 14:34:29 GMT', '1.2345', '"open', '@1.5', '?2', 'a,'])(
    'rejects item %s',
    (raw) => {
      expect(parseSfItem(raw).ok).toBe(false);
    },
  );

  it('parses an inner list and a dictionary', () => {
    const l = parseSfList('(a b);q=1, c');
    expect(l.ok && l.value.map(member)).toEqual([
      [
        [
          [{ __type: 'token', value: 'a' }, []],
          [{ __type: 'token', value: 'b' }, []],
        ],
        [['q', 1]],
      ],
      [{ __type: 'token', value: 'c' }, []],
    ]);
    const d = parseSfDictionary('a=1, b;x, a=2');
    expect(d.ok && d.value.map(([k, m]) => [k, member(m)])).toEqual([
      ['a', [2, []]],
      ['b', [true, [['x', true]]]],
    ]);
    expect(parseSfList('a,').ok).toBe(false);
  });
});

describe('structured-field parser robustness', () => {
  it('returns a result and never throws, whatever the text', () => {
    const sfChars = fc.constantFrom(...'@?-0123456789.:;=,()"\\ %*abcAZ_/\t'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: sfChars })), (raw) => {
        for (const parse of [parseSfItem, parseSfList, parseSfDictionary]) {
          const r = parse(raw);
          if (typeof r.ok !== 'boolean') return false;
        }
        return true;
      }),
    );
  });

  it('parses every integer date back to itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }), (n) => {
        const r = parseSfItem(`@${n}`);
        return r.ok && r.value.value.type === 'date' && r.value.value.value === n;
      }),
    );
  });
});
