import { describe, expect, it } from 'vitest';
import { payloadSchema } from './payload-schema.js';
import type { PayloadSchema } from '../core/observation.js';
import type { FindingDraft } from '../core/finding.js';
import { metricOf, pollOf, sourceOf } from '../../test/helpers/detector-series.js';

const base: PayloadSchema = {
  'data[]': { object: 2 },
  'data[].name': { string: 2 },
  'data[].values[].value': { int: 14 },
  'data[].values[].end_time': { string: 14 },
  'paging.next': { string: 1 },
};

function run(current: PayloadSchema, history = 5) {
  const polls = Array.from({ length: history }, (_, i) =>
    pollOf(i + 1, `2026-02-0${i + 1}T07:00:00Z`, { payloadSchema: base }),
  );
  polls.push(pollOf(99, '2026-02-09T07:00:00Z', { payloadSchema: current }));
  return payloadSchema.detect({
    now: new Date('2026-02-09T07:00:00Z'),
    source: sourceOf([metricOf()]),
    polls,
    docChanges: [],
    options: payloadSchema.defaults,
  });
}

describe('payload-schema', () => {
  it.each([
    {
      name: 'value path removed',
      edit: (s: PayloadSchema) => delete s['data[].values[].value'],
      change: 'removed-path',
      severity: 'block',
      path: 'data[].values[].value',
    },
    {
      name: 'number became string',
      edit: (s: PayloadSchema) => (s['data[].values[].value'] = { 'numeric-string': 14 }),
      change: 'type-changed',
      severity: 'block',
      path: 'data[].values[].value',
    },
    {
      name: 'nulls appear',
      edit: (s: PayloadSchema) => (s['data[].values[].value'] = { int: 10, null: 4 }),
      change: 'nullability-changed',
      severity: 'warn',
      path: 'data[].values[].value',
    },
    {
      name: 'new path',
      edit: (s: PayloadSchema) => (s['data[].title'] = { string: 2 }),
      change: 'added-path',
      severity: 'info',
      path: 'data[].title',
    },
  ])('$name → $change ($severity)', ({ edit, change, severity, path }) => {
    const cur = structuredClone(base);
    edit(cur);
    const drafts = run(cur);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ severity, subject: path, evidence: { change } });
  });

  it('reports a removed parent once, not each child', () => {
    const cur = structuredClone(base);
    delete cur['data[].values[].value'];
    delete cur['data[].values[].end_time'];
    cur['data[].values[]'] = {};
    delete cur['data[].values[]'];
    const drafts = run(cur);
    expect(drafts.map((d) => d.subject)).toEqual(['data[].values[].value', 'data[].values[].end_time']);
  });

  it.each([
    { name: 'identical payload', cur: base, history: 5 },
    {
      name: 'int becoming float (a representation question, not a type change)',
      cur: { ...base, 'data[].values[].value': { float: 14 } },
      history: 5,
    },
    { name: 'too few polls', cur: {}, history: 2 },
  ])('stays quiet on $name', ({ cur, history }) => {
    expect(run(cur, history)).toEqual([]);
  });
});

describe('payload-schema names the metric a path carries', () => {
  it.each([
    ['m:data[].values[].value', 'm'],
    ['data[].values[].value', undefined],
  ])('%s → metric %s', (path, metric) => {
    const schema: PayloadSchema = { [path]: { int: 14 }, 'data[]': { object: 2 } };
    const polls = Array.from({ length: 5 }, (_, i) =>
      pollOf(i + 1, `2026-02-0${i + 1}T07:00:00Z`, { payloadSchema: schema }),
    );
    polls.push(pollOf(99, '2026-02-09T07:00:00Z', { payloadSchema: { 'data[]': { object: 2 } } }));
    const [f] = payloadSchema.detect({
      now: new Date('2026-02-09T07:00:00Z'),
      source: sourceOf([metricOf('m')]),
      polls,
      docChanges: [],
      options: payloadSchema.defaults,
    });
    expect(f).toMatchObject({ rule: 'payload-schema', severity: 'block' });
    expect(f!.metric).toBe(metric);
  });
});

describe('payload-schema enums (ENUM_NEW_VALUE)', () => {
  const shape = (period: string[], extra: PayloadSchema = {}): PayloadSchema => ({
    ...base,
    'data[].period': { string: period.length, strings: period },
    ...extra,
  });
  /** Polls 1…n with the given schemas, the last one current. */
  function runPolls(schemas: PayloadSchema[], connection?: Partial<{ entities: string[] }>) {
    const polls = schemas.map((s, i) =>
      pollOf(i + 1, new Date(Date.UTC(2026, 1, 1 + i, 7)).toISOString(), { payloadSchema: s }),
    );
    const source = sourceOf([metricOf()]);
    if (connection?.entities && source.connection.kind === 'http-json')
      source.connection.entities = connection.entities;
    return payloadSchema.detect({
      now: new Date(polls[polls.length - 1]!.startedAt),
      source,
      polls,
      docChanges: [],
      options: payloadSchema.defaults,
    });
  }
  const steady = (n: number, values = ['day', 'week']) => Array.from({ length: n }, () => shape(values));
  const enumDrafts = (drafts: FindingDraft[]) =>
    drafts.filter((d) => String(d.evidence['change']).startsWith('enum'));

  it.each([
    {
      name: 'a value never seen in 14 polls',
      polls: [...steady(14), shape(['day', 'week', 'days_28'])],
      change: 'enum-new-value',
      severity: 'warn',
      values: ['days_28'],
    },
    {
      name: 'a rare value seen once in the baseline is not new',
      polls: [...steady(6), shape(['day', 'month']), ...steady(7), shape(['day', 'month'])],
      change: undefined,
    },
    {
      name: 'a regular value missing from the last 3 polls',
      polls: [...steady(14), shape(['day']), shape(['day']), shape(['day'])],
      change: 'enum-value-gone',
      severity: 'info',
      values: ['week'],
    },
    {
      name: 'missing from only the last 2 polls',
      polls: [...steady(15), shape(['day']), shape(['day'])],
      change: undefined,
    },
    {
      name: 'too few baseline polls',
      polls: [...steady(5), shape(['day', 'week', 'days_28'])],
      change: undefined,
    },
    {
      name: 'dates are identifiers: a new day every poll',
      polls: Array.from({ length: 16 }, (_, i) => shape([`2026-02-${String(i + 1).padStart(2, '0')}`])),
      change: undefined,
    },
    {
      name: 'values still arriving in the newer half of the baseline have not settled',
      polls: Array.from({ length: 15 }, (_, i) => shape([`cursor${i}`])),
      change: undefined,
    },
    {
      name: 'a path that carried more than 20 values (capped) is no enum',
      polls: [
        ...Array.from({ length: 14 }, () => ({
          ...base,
          'data[].period': { string: 30, stringsCapped: true as const },
        })),
        shape(['day']),
      ],
      change: undefined,
    },
    {
      name: 'polls recorded before string values were kept are unknown, not an empty enum',
      polls: [
        ...Array.from({ length: 14 }, () => ({ ...base, 'data[].period': { string: 2 } })),
        shape(['day']),
      ],
      change: undefined,
    },
  ])('$name → $change', ({ polls, change, severity, values }) => {
    const found = enumDrafts(runPolls(polls));
    if (!change) {
      expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity,
      evidence: { change, path: 'data[].period', values },
      subject: `${change === 'enum-new-value' ? 'enum' : 'enum-gone'}:data[].period`,
    });
  });

  it('values naming a contract entity are identifiers (adding an entity is not an upstream change)', () => {
    const ids = (pages: string[]) =>
      shape(['day'], {
        'data[].id': { string: pages.length, strings: pages.map((p) => `${p}/insights/m/day`) },
      });
    const polls = [...Array.from({ length: 14 }, () => ids(['1001', '1002'])), ids(['1001', '1002', '1003'])];
    expect(enumDrafts(runPolls(polls, { entities: ['1001', '1002', '1003'] }))).toEqual([]);
  });

  it('the path the contract reads entity ids from is no enum (a new account is not a new category)', () => {
    const accounts = (a: string[]) =>
      shape(['day'], { '$.data[].account': { string: a.length, strings: a } });
    const polls = [
      ...Array.from({ length: 14 }, () => accounts(['acme', 'beta'])),
      accounts(['acme', 'beta', 'corp']),
    ];
    const found = enumDrafts(
      payloadSchema.detect({
        now: new Date('2026-02-20T07:00:00Z'),
        source: sourceOf([metricOf()], {
          connection: {
            ...sourceOf([]).connection,
            select: { records: 'data', entity: 'account', time: 'date' },
          } as never,
        }),
        polls: polls.map((p, i) =>
          pollOf(i + 1, new Date(Date.UTC(2026, 1, 1 + i, 7)).toISOString(), { payloadSchema: p }),
        ),
        docChanges: [],
        options: payloadSchema.defaults,
      }),
    );
    expect(found).toEqual([]);
    // Without the entity selector, the same values are an enum.
    expect(enumDrafts(runPolls(polls)).map((d) => d.subject)).toEqual(['enum:$.data[].account']);
  });

  it('names the metric its path carries and explains the known values', () => {
    const schema = (v: string[]): PayloadSchema => ({
      'm:$.data[].period': { string: v.length, strings: v },
    });
    const [d] = enumDrafts(
      runPolls([...Array.from({ length: 14 }, () => schema(['day'])), schema(['day', 'lifetime'])]),
    );
    expect(d).toMatchObject({ metric: 'm', severity: 'warn' });
    expect(d!.explanation).toContain('"lifetime"');
    expect(d!.explanation).toContain('known: "day"');
  });
});
