import { describe, expect, it } from 'vitest';
import { formatDay, isEventful, newsPolls, retrainLine, TimelineWriter } from './format-timeline.js';
import type { DemoDay, DemoPoll } from './run-demo.js';

const poll = (over: Partial<DemoPoll> = {}): DemoPoll => ({
  source: 'meta',
  outcome: 'ok',
  values: 96,
  requests: 96,
  retries: 0,
  docChanges: [],
  ...over,
});

const day = (n: number, over: Partial<DemoDay> = {}): DemoDay => ({
  day: n,
  date: `2024-01-${String(n + 1).padStart(2, '0')}`,
  at: `2024-01-${String(n + 1).padStart(2, '0')}T09:00:00.000Z`,
  upstream: [],
  polls: [poll()],
  opened: [],
  escalated: [],
  resolved: [],
  decisions: [],
  features: [],
  emails: [],
  ...over,
});

const finding = {
  fingerprint: 'f1',
  rule: 'metric-invalid',
  class: 'deprecation' as const,
  severity: 'block' as const,
  source: 'meta',
  metric: 'page_engaged_users',
  entities: [],
  title: 'page_engaged_users rejected by Meta (#100)',
  explanation: 'x',
};

describe('isEventful', () => {
  it.each([
    ['a routine day', day(1), undefined, false],
    [
      'only reminders',
      day(1, { emails: [{ to: ['a@x'], subject: 'r', kind: 'reminder' }] }),
      undefined,
      false,
    ],
    ['a finding opened', day(1, { opened: [finding] }), undefined, true],
    [
      'a feature change',
      day(1, { features: [{ feature: 'f', from: 'ok', to: 'blocked' }] }),
      undefined,
      true,
    ],
    [
      'a failed poll',
      day(1, { polls: [poll({ outcome: 'failed', errorCode: 'HTTP_STATUS' })] }),
      undefined,
      true,
    ],
    ['a retried request', day(1, { polls: [poll({ retries: 1 })] }), undefined, true],
    ['an upstream event', day(1, { upstream: ['x'] }), undefined, true],
    ['a partial poll, new', day(2, { polls: [poll({ outcome: 'partial', errorCode: 'E' })] }), day(1), true],
    [
      'the same partial poll again',
      day(2, { polls: [poll({ outcome: 'partial', errorCode: 'E' })] }),
      day(1, { polls: [poll({ outcome: 'partial', errorCode: 'E' })] }),
      false,
    ],
  ])('%s → %s', (_name, d, previous, eventful) => {
    expect(isEventful(d, previous)).toBe(eventful);
  });
});

describe('formatDay', () => {
  it('names the rule, severity, metric, feature change and grouped mail', () => {
    const text = formatDay(
      day(121, {
        date: '2024-03-14',
        escalated: [{ ...finding, previousSeverity: 'warn' }],
        features: [{ feature: 'engaged_users_28d', from: 'warn', to: 'blocked' }],
        emails: [
          { to: ['a@x'], subject: '[upwatch] BLOCKED 1 feature: p', kind: 'alert' },
          { to: ['b@x'], subject: '[upwatch] BLOCKED 1 feature: p', kind: 'alert' },
          { to: ['a@x'], subject: 'r', kind: 'reminder' },
        ],
      }),
    );
    expect(text).toContain('Day 121  2024-03-14 Thu');
    expect(text).toContain('escalated   BLOCK metric-invalid  meta/page_engaged_users (was warn)');
    expect(text).toContain('feature     engaged_users_28d: warn → BLOCKED');
    expect(text).toContain('email       alert → a@x, b@x: "[upwatch] BLOCKED 1 feature: p"');
    expect(text).toContain('email       1 reminder(s) about findings still open → a@x');
  });
});

describe('newsPolls', () => {
  it('tells a source that keeps failing the same way once', () => {
    const partial = poll({ outcome: 'partial', errorCode: 'UPSTREAM_INVALID_METRIC' });
    expect(newsPolls(day(1, { polls: [partial] }), day(0))).toHaveLength(1);
    expect(newsPolls(day(2, { polls: [partial] }), day(1, { polls: [partial] }))).toHaveLength(0);
  });
});

describe('TimelineWriter', () => {
  it('folds quiet stretches into one line and prints eventful days at once', () => {
    const w = new TimelineWriter();
    const out =
      [day(0), day(1), day(2, { opened: [finding] }), day(3)].map((d) => w.push(d)).join('') + w.end();
    expect(out.split('\n').filter(Boolean)).toEqual([
      'Days 0–1  2024-01-01 … 2024-01-02  nothing new (2 polls)',
      'Day   2  2024-01-03 Wed',
      '  detected    BLOCK metric-invalid  meta/page_engaged_users',
      '              page_engaged_users rejected by Meta (#100)',
      'Day   3  2024-01-04 Thu  nothing new (1 polls)',
    ]);
  });

  it('tells a recorded decision and makes its day eventful', () => {
    const d = day(3, {
      decisions: [
        {
          fingerprint: '0123456789abcdef',
          rule: 'panel-scale',
          source: 'meta',
          metric: 'page_engagement_rate',
          kind: 'rescaled-history',
          factor: 100,
          by: 'ranking-ml@example.com',
          reason: 'history ×100 in the feature store',
        },
      ],
    });
    expect(isEventful(d, day(2))).toBe(true);
    const text = formatDay(d, day(2));
    expect(text).toContain(
      'decided     ranking-ml@example.com: upwatch accept 0123456789 --as rescaled-history --factor 100  (meta/page_engagement_rate, panel-scale)',
    );
    expect(text).toContain('history ×100 in the feature store');
  });

  it('tells a retrain check with its verdict, what must change first and the mask; unchanged checks fold away', () => {
    const retrain = {
      model: 'feed-ranker',
      window: { from: '2024-03-06', to: '2024-04-02' },
      verdict: 'do not retrain yet' as const,
      spans: [
        {
          kind: 'removed' as const,
          weight: 'fix' as const,
          metric: 'page_engaged_users',
          action: 'drop' as const,
        },
        {
          kind: 'scale-change' as const,
          weight: 'fix' as const,
          metric: 'page_engagement_rate',
          action: 'rescale' as const,
          factor: 100,
        },
        {
          kind: 'new-regime' as const,
          weight: 'wait' as const,
          metric: 'page_engagement_rate',
          action: 'drop' as const,
          waitUntil: '2024-04-09',
        },
      ],
      mask: { drop: 1, rescale: 1, ok: 4 },
      changed: true,
    };
    expect(retrainLine(retrain)).toBe(
      'feed-ranker on 2024-03-06..2024-04-02: DO NOT RETRAIN YET — page_engaged_users removed (drop); ' +
        'page_engagement_rate scale-change (rescale ×100); page_engagement_rate new-regime (wait until 2024-04-09); ' +
        'mask: 1 drop, 1 rescale, 4 ok',
    );
    expect(isEventful(day(5, { retrain }), day(4))).toBe(true);
    expect(isEventful(day(5, { retrain: { ...retrain, changed: false } }), day(4))).toBe(false);
    const w = new TimelineWriter();
    const text =
      [day(5, { retrain: { ...retrain, changed: false } }), day(6)].map((d) => w.push(d)).join('') + w.end();
    expect(text).toContain('1 retrain check(s): do not retrain yet as before');
  });
});
