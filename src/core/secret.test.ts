import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret, parseTemplate, resolveTemplate } from './secret.js';

describe('Secret', () => {
  it('prints as [REDACTED] through every path a value can leak', () => {
    const s = new Secret('canary-7f3a');
    expect(String(s)).toBe('[REDACTED]');
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point: interpolation must redact
    expect(`${s}`).toBe('[REDACTED]');
    expect(JSON.stringify({ s })).toBe('{"s":"[REDACTED]"}');
    expect(inspect({ s })).not.toContain('canary-7f3a');
    expect(s.reveal()).toBe('canary-7f3a');
  });
});

describe('templates', () => {
  it.each([
    ['${A}', ['A']],
    ['Bearer ${TOKEN_1}', ['TOKEN_1']],
    ['${A}-${B}', ['A', 'B']],
    ['$${A}', []],
    ['plain', []],
  ])('parses %s', (text, refs) => {
    expect(parseTemplate(text).refs).toEqual(refs);
  });

  it('resolves set variables and keeps $${ as a literal', () => {
    const r = resolveTemplate(parseTemplate('Bearer ${T} $${X}'), (n) => (n === 'T' ? 'abc' : undefined));
    expect(r.ok && r.secret.reveal()).toBe('Bearer abc ${X}');
  });

  it('names the unset variables, never a value', () => {
    const r = resolveTemplate(parseTemplate('${SET}:${UNSET}'), (n) => (n === 'SET' ? 'v' : undefined));
    expect(r).toEqual({ ok: false, missing: ['UNSET'] });
  });
});
