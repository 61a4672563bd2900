import { describe, expect, it } from 'vitest';
import { payloadSchema } from './payload-schema.js';
import type { PayloadSchema } from '../core/observation.js';
import { metricOf, pollOf, sourceOf } from './testing/series.js';

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
