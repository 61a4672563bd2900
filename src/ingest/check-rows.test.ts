import { describe, expect, it } from 'vitest';
import { metaSource, metric } from '../../test/helpers/contracts.js';
import { checkPushedRows, type PushedRow } from './check-rows.js';

const source = {
  ...metaSource('http://127.0.0.1:1', []),
  name: 'wh',
  metrics: [
    metric('orders', { kind: 'count' }),
    metric('ctr', { kind: 'ratio' }),
    metric('share', { kind: 'percent' }),
    metric('spend', { kind: 'amount', unit: 'USD' }),
  ],
};
const NOW = new Date('2026-03-15T08:00:00Z');
const row = (metricName: string, value: number | null, extra: Partial<PushedRow> = {}): PushedRow => ({
  date: '2026-03-14',
  source: 'wh',
  metric: metricName,
  entity: 'e1',
  value,
  line: 2,
  ...extra,
});

describe('checkPushedRows', () => {
  it.each([
    { name: 'a count', r: row('orders', 12), want: [] },
    { name: 'a null value (a gap)', r: row('ctr', null), want: [] },
    { name: 'a negative amount', r: row('spend', -3.5), want: [] },
    { name: 'today', r: row('orders', 1, { date: '2026-03-15' }), want: [] },
    {
      name: 'a fractional count',
      r: row('orders', 1.5),
      want: ['wh/orders is declared kind count: a count is a whole number ≥ 0 (got 1.5)'],
    },
    {
      name: 'a ratio above 1',
      r: row('ctr', 12),
      want: ['wh/ctr is declared kind ratio: a ratio is a 0..1 share (got 12)'],
    },
    {
      name: 'a percent above 100',
      r: row('share', 101),
      want: ['wh/share is declared kind percent: a percent is a 0..100 share (got 101)'],
    },
    {
      name: 'an undeclared metric',
      r: row('order', 1),
      want: ['metric "order" is not declared by source "wh"'],
    },
    {
      name: 'another source',
      r: row('orders', 1, { source: 'shop' }),
      want: ['row is for source "shop", not "wh"'],
    },
    {
      name: 'tomorrow',
      r: row('orders', 1, { date: '2026-03-16' }),
      want: ['date 2026-03-16 is in the future (today is 2026-03-15 UTC)'],
    },
  ])('$name', ({ r, want }) => {
    expect(checkPushedRows([r], source, NOW).map((p) => p.message)).toEqual(want);
  });

  it('names the first line of a duplicate, and a did-you-mean for a misspelt metric', () => {
    const problems = checkPushedRows(
      [
        row('orders', 1, { line: 2 }),
        row('orders', 2, { entity: 'e2', line: 3 }),
        row('orders', 1, { line: 9 }),
        row('order', 1, { line: 10 }),
      ],
      source,
      NOW,
    );
    expect(problems).toEqual([
      {
        line: 9,
        message: 'duplicate row: orders for entity e1 on 2026-03-14 is already on line 2',
        hint: 'one value per (metric, entity, date); deduplicate the export',
      },
      { line: 10, message: 'metric "order" is not declared by source "wh"', hint: 'did you mean "orders"?' },
    ]);
  });
});

describe('checkPushedRows: categories and ordered segments', () => {
  const segmented = {
    ...source,
    metrics: [
      metric('claims', { kind: 'count' }),
      metric('policies', { kind: 'count' }),
      metric('claim_rate', {
        kind: 'ratio',
        numerator: 'claims',
        denominator: 'policies',
        segments: { dimension: 'risk_band', order: ['low', 'medium', 'high'] },
      }),
      metric('intent', { kind: 'categorical', categories: { known: ['nav'], other: 'other' } }),
      metric('orders', { kind: 'count' }),
    ],
  };
  it.each([
    { name: 'a count per category', r: row('intent', 40, { category: 'nav' }), want: [] },
    { name: 'a band of the order', r: row('policies', 400, { entity: 'medium' }), want: [] },
    {
      name: 'a categorical row without its category',
      r: row('intent', 40),
      want: ['wh/intent is categorical: each row needs a category'],
    },
    {
      name: 'a category on a count',
      r: row('orders', 4, { category: 'nav' }),
      want: ['wh/orders is declared kind count, so a row cannot carry category "nav"'],
    },
    {
      name: 'a fractional category count',
      r: row('intent', 0.4, { category: 'nav' }),
      want: ['wh/intent is declared kind categorical: a count is a whole number ≥ 0 (got 0.4)'],
    },
    {
      name: 'a band outside the order of the ratio it feeds',
      r: row('claims', 4, { entity: 'Low' }),
      want: [
        'wh/claims (the claim_rate it is part of) is segmented by risk_band into low, medium, high: "Low" is none of them',
      ],
    },
  ])('$name', ({ r, want }) => {
    expect(checkPushedRows([r], segmented, NOW).map((p) => p.message)).toEqual(want);
  });

  it('a duplicate is per category: two categories of one day are two rows, the same one twice is a duplicate', () => {
    const problems = checkPushedRows(
      [
        row('intent', 1, { category: 'nav', line: 2 }),
        row('intent', 2, { category: 'other', line: 3 }),
        row('intent', 3, { category: 'nav', line: 4 }),
      ],
      segmented,
      NOW,
    );
    expect(problems.map((p) => `${p.line} ${p.message}`)).toEqual([
      '4 duplicate row: intent for entity e1 category nav on 2026-03-14 is already on line 2',
    ]);
  });
});
