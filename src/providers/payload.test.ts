import { describe, expect, it } from 'vitest';
import type { PayloadSchema, RawObservation } from '../core/observation.js';
import { addToSchema, payloadHashOf, toValue } from './payload.js';

describe('addToSchema', () => {
  it('counts JSON types per path and collapses array items to []', () => {
    const s: PayloadSchema = {};
    addToSchema(s, {
      data: [{ value: 1, end_time: 'x' }, { value: 2.5, end_time: 'y' }, { value: { a: 1 } }],
    });
    expect(s).toEqual({
      $: { object: 1 },
      '$.data': { array: 1 },
      '$.data[]': { object: 3 },
      '$.data[].value': { int: 1, float: 1, object: 1 },
      '$.data[].value.a': { int: 1 },
      '$.data[].end_time': { string: 2, strings: ['x', 'y'] },
    });
  });

  it('keeps at most 20 distinct strings per path, cut to 100 characters, and marks a path with more', () => {
    const s: PayloadSchema = {};
    addToSchema(s, {
      few: ['day', 'day', 'week', 'x'.repeat(150), '12'],
      many: Array.from({ length: 25 }, (_, i) => `v${i}`),
    });
    expect(s['$.few[]']).toEqual({
      string: 4,
      'numeric-string': 1,
      strings: ['day', 'week', 'x'.repeat(100)],
    });
    expect(s['$.many[]']).toEqual({ string: 25, stringsCapped: true });
  });

  it('never keeps a link (paging URLs carry tokens) and redacts the strings it keeps', () => {
    const s: PayloadSchema = {};
    const redact = (t: string) => t.replaceAll('tok-123', '[redacted]');
    addToSchema(
      s,
      { next: 'https://graph.example/x?access_token=tok-123', note: 'bad tok-123' },
      '$',
      redact,
    );
    expect(s['$.next']).toEqual({ string: 1 });
    expect(s['$.note']).toEqual({ string: 1, strings: ['bad [redacted]'] });
  });
});

describe('toValue', () => {
  it.each([
    [5, { value: 5, jsonType: 'int' }],
    [0.25, { value: 0.25, jsonType: 'float' }],
    ['12', { value: 12, jsonType: 'numeric-string' }],
    [null, { value: null, jsonType: 'null' }],
    ['n/a', { value: null, jsonType: 'string' }],
    [
      { like: 45, love: 12, x: 'y' },
      { value: 57, jsonType: 'object', breakdown: { like: 45, love: 12 } },
    ],
  ])('%j → %j', (raw, expected) => {
    expect(toValue(raw)).toEqual(expected);
  });
});

describe('payloadHashOf', () => {
  const o = (metric: string, day: string, value: number): RawObservation => ({
    source: 's',
    metric,
    entity: 'e',
    periodEnd: `${day}T08:00:00.000Z`,
    value,
    jsonType: 'int',
  });
  it('ignores order and timestamps but not values', () => {
    const a = payloadHashOf([o('m', '2026-01-01', 1), o('m', '2026-01-02', 2)]);
    expect(payloadHashOf([o('m', '2026-01-03', 1), o('m', '2026-01-04', 2)].reverse())).toBe(a);
    expect(payloadHashOf([o('m', '2026-01-01', 1), o('m', '2026-01-02', 3)])).not.toBe(a);
  });
});
