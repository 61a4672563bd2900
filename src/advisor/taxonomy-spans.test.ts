import { describe, expect, it } from 'vitest';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { SpanWeight } from './advice.js';
import { isTaxonomyFinding, taxonomySpans } from './taxonomy-spans.js';
import type { SpanContext } from './span-context.js';

const WINDOW = { from: '2026-06-01', to: '2026-06-28' };
const ctx: SpanContext = {
  feature: 'query_intent_share_7d',
  source: 'search-logs',
  metric: 'query_intent',
  window: WINDOW,
  now: new Date('2026-06-29T06:00:00Z'),
  newRegimeDays: 7,
  servingDays: 28,
};

function finding(extra: Partial<FindingRecord>): FindingRecord {
  return {
    id: 1,
    fingerprint: 'tax0000000000001',
    episode: 1,
    status: 'open',
    firstSeen: '2026-06-12T06:00:00.000Z',
    lastSeen: '2026-06-28T06:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    detectedAt: '2026-06-12T06:00:00.000Z',
    rule: 'category-other-rising',
    class: 'drift',
    severity: 'warn',
    source: 'search-logs',
    metric: 'query_intent',
    entities: ['app', 'web'],
    entityShare: 1,
    onset: '2026-06-10',
    evidence: {},
    title: 'query_intent: "other" share rising',
    explanation: 'other rises.',
    ...extra,
  };
}

const decided: Decision = {
  id: 1,
  fingerprint: 'tax0000000000001',
  episode: 1,
  source: 'search-logs',
  metric: 'query_intent',
  rule: 'category-other-rising',
  kind: 'new-definition',
  onset: '2026-06-10',
  reason: 'video added to the taxonomy and the tagger',
  by: 'ana',
  at: '2026-06-20T09:00:00.000Z',
};

describe('taxonomySpans', () => {
  it.each<{
    name: string;
    f: Partial<FindingRecord>;
    decision?: Decision;
    weight: SpanWeight | undefined;
    why?: RegExp;
  }>([
    { name: 'the catch-all rising: check first', f: {}, weight: 'investigate', why: /extend the taxonomy/ },
    {
      name: 'a new category: check first',
      f: { rule: 'category-new' },
      weight: 'investigate',
      why: /categories\.known/,
    },
    {
      name: 'a vanished category: check first',
      f: { rule: 'category-vanished' },
      weight: 'investigate',
      why: /renamed or merged/,
    },
    {
      name: 'a mix shift alone: a note',
      f: { rule: 'category-mix-shift' },
      weight: 'note',
      why: /old and the new mix/,
    },
    { name: 'a decision (categories extended) covers it', f: {}, decision: decided, weight: 'decided' },
    {
      name: 'resolved before the window: nothing',
      f: { status: 'resolved', onset: '2026-05-01', resolvedAt: '2026-05-10T06:00:00.000Z' },
      weight: undefined,
    },
  ])('$name', ({ f, decision, weight, why }) => {
    const spans = taxonomySpans(finding(f), decision, ctx);
    expect(spans[0]?.weight).toBe(weight);
    if (weight !== undefined)
      expect(spans[0]).toMatchObject({
        kind: 'taxonomy',
        entity: '*',
        from: '2026-06-10',
        to: '2026-06-28',
        action: 'ok',
      });
    if (why) expect(spans[0]!.reason).toMatch(why);
  });

  it.each([
    ['category-new', true],
    ['category-mix-shift', true],
    ['rate-shift', false],
    ['frozen-run', false],
  ])('%s is a taxonomy finding: %s', (rule, yes) => {
    expect(isTaxonomyFinding({ rule })).toBe(yes);
  });
});
