import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import type { EventContract, FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { adviseWindow, historyKey, NEW_REGIME_DAYS, type AdviseInput } from './advise.js';
import type { AdviceSpan, Verdict } from './advice.js';

const loc = { file: 'contracts/t.yaml', line: 1, col: 1 };
const WINDOW = { from: '2026-03-01', to: '2026-03-28' };
const NOW = new Date('2026-03-28T10:00:00Z');
const SOURCE = metaSource('http://127.0.0.1:1', ['page_media_view', 'page_fans']);
const FEATURE: FeatureContract = {
  name: 'views_7d',
  owners: ['ana@example.com'],
  uses: [{ source: 'meta', metric: 'page_media_view', location: loc }],
  policy: { blockOn: ['block'], warnOn: ['warn'] },
  model: 'ranker',
  location: loc,
};

/** A daily series over [from, to] from a value function (day index → value). */
function series(from: string, to: string, value: (i: number) => number | null): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 0, d = from; d <= to; i++, d = addDays(d, 1))
    out.push({
      periodEnd: `${d}T07:00:00.000Z`,
      day: d,
      value: value(i),
      firstValue: value(i),
      jsonType: 'int',
      firstSeen: `${d}T08:00:00.000Z`,
      lastSeen: `${d}T08:00:00.000Z`,
    });
  return out;
}

function history(
  entities: Record<string, SeriesPoint[]>,
  metric = 'page_media_view',
): Map<string, MetricHistory> {
  return new Map([
    [historyKey('meta', metric), { source: 'meta', metric, entities: new Map(Object.entries(entities)) }],
  ]);
}

const healthy = (): Map<string, MetricHistory> =>
  history({
    p1: series('2026-01-01', '2026-03-28', (i) => 100 + (i % 7) * 5),
    p2: series('2026-01-01', '2026-03-28', (i) => 50 + (i % 5)),
  });

/** p1 frozen at 120 from 2026-03-10 to 2026-03-20, moving again after. */
const partlyFrozen = (): Map<string, MetricHistory> =>
  history({
    p1: series('2026-01-01', '2026-03-28', (i) => {
      const d = addDays('2026-01-01', i);
      return d >= '2026-03-10' && d <= '2026-03-20' ? 120 : 100 + (i % 7) * 5;
    }),
    p2: series('2026-01-01', '2026-03-28', (i) => 50 + (i % 5)),
  });

let nextId = 1;
function finding(extra: Partial<FindingRecord>): FindingRecord {
  return {
    id: nextId++,
    fingerprint: `fp${nextId}aaaaaaaaaaaa`.slice(0, 16),
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-15T08:00:00.000Z',
    lastSeen: '2026-03-28T08:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    detectedAt: '2026-03-15T08:00:00.000Z',
    rule: 'frozen-run',
    class: 'frozen',
    severity: 'block',
    source: 'meta',
    metric: 'page_media_view',
    entities: ['p1', 'p2'],
    entityShare: 1,
    onset: '2026-03-14',
    evidence: {},
    explanation: 'Something happened.',
    ...extra,
  };
}

const scale = (extra: Partial<FindingRecord> = {}): FindingRecord =>
  finding({
    fingerprint: 'scale00000000000',
    rule: 'panel-scale',
    class: 'scale',
    lifecycle: 'change',
    evidence: { factor: 0.001, kappa: 0.00098, kappaIqr: [0.00095, 0.00102] },
    ...extra,
  });

function decision(kind: Decision['kind'], f: FindingRecord, extra: Partial<Decision> = {}): Decision {
  return {
    id: 1,
    fingerprint: f.fingerprint,
    episode: f.episode,
    source: 'meta',
    metric: 'page_media_view',
    rule: f.rule,
    kind,
    onset: f.onset,
    reason: 'done in the feature store',
    by: 'ana',
    at: '2026-03-20T09:00:00.000Z',
    ...extra,
  };
}

const EVENT: EventContract = {
  name: 'ui-redesign-2026-03',
  from: '2026-03-12',
  to: '2026-03-16',
  sources: [],
  metrics: ['meta/page_media_view'],
  features: [],
  train: false,
  description: 'new feed layout',
  location: loc,
};

interface Case {
  name: string;
  input: Partial<AdviseInput>;
  verdict: Verdict;
  spans: Partial<AdviceSpan>[];
}

const undecidedScale = scale();
const rescaled = scale({ status: 'resolved', resolution: 'decided', resolvedAt: '2026-03-20T09:00:00.000Z' });
const retrained = scale({
  onset: '2026-02-10',
  status: 'resolved',
  resolution: 'decided',
  resolvedAt: '2026-03-20T09:00:00.000Z',
});
const fresh = scale({ onset: '2026-03-26' });
const reverted = scale({
  status: 'resolved',
  resolution: 'reverted',
  resolvedAt: '2026-03-18T08:00:00.000Z',
});
const removed = finding({
  rule: 'metric-invalid',
  class: 'deprecation',
  lifecycle: 'change',
  onset: '2026-03-20',
  replacement: 'page_views_total',
});
const sunset = finding({
  rule: 'announced-deprecation',
  class: 'deprecation',
  lifecycle: 'change',
  severity: 'warn',
  onset: '2026-03-02',
  effectiveDate: '2026-04-15',
});
const sunsetLate = finding({
  rule: 'announced-deprecation',
  class: 'deprecation',
  lifecycle: 'change',
  severity: 'warn',
  onset: '2026-03-02',
  effectiveDate: '2026-06-15',
});
const burst = finding({
  rule: 'level-shift',
  class: 'scale',
  severity: 'warn',
  onset: '2026-03-06',
  status: 'resolved',
  resolution: 'absent',
  resolvedAt: '2026-03-10T08:00:00.000Z',
});
const nulls = finding({ rule: 'null-rate', class: 'nulls', onset: '2026-03-22' });
const invariant = finding({
  rule: 'invariant-broken',
  class: 'scale',
  metric: 'page_fans',
  onset: '2026-03-14',
  evidence: { moved: 'page_media_view', atMost: 'page_media_view' },
});
const oldFrozen = finding({
  onset: '2026-02-01',
  status: 'resolved',
  resolvedAt: '2026-02-05T08:00:00Z',
  entities: ['p1'],
  entityShare: 0.5,
});

const CASES: Case[] = [
  { name: 'a clean window', input: {}, verdict: 'retrain', spans: [] },
  {
    name: 'a freeze that ended before the window',
    input: { findings: [oldFrozen] },
    verdict: 'retrain',
    spans: [],
  },
  {
    name: 'a frozen entity: its run is read from the history',
    input: {
      histories: partlyFrozen(),
      findings: [
        finding({
          onset: '2026-03-10',
          entities: ['p1'],
          entityShare: 0.5,
          status: 'resolved',
          resolvedAt: '2026-03-23T08:00:00Z',
        }),
      ],
    },
    verdict: 'retrain after fixes',
    spans: [
      { kind: 'frozen', entity: 'p1', from: '2026-03-10', to: '2026-03-20', action: 'drop', weight: 'fix' },
    ],
  },
  {
    name: 'a freeze that only warns for serving is still dropped from training',
    input: {
      histories: partlyFrozen(),
      findings: [finding({ severity: 'warn', onset: '2026-03-10', entities: ['p1'], entityShare: 0.5 })],
    },
    verdict: 'retrain after fixes',
    spans: [
      { kind: 'frozen', entity: 'p1', from: '2026-03-10', to: '2026-03-20', action: 'drop', weight: 'fix' },
    ],
  },
  {
    name: 'an undecided ÷1000: rescale the rows before the onset, with the measured range',
    input: { findings: [undecidedScale] },
    verdict: 'retrain after fixes',
    spans: [
      {
        kind: 'scale-change',
        entity: '*',
        from: '2026-03-01',
        to: '2026-03-13',
        action: 'rescale',
        factor: 0.001,
        factorRange: [0.00095, 0.00102],
        onset: '2026-03-14',
        weight: 'fix',
      },
    ],
  },
  {
    name: 'the same ÷1000 after `accept --as rescaled-history`: fit',
    input: { findings: [rescaled], decisions: [decision('rescaled-history', rescaled, { factor: 0.001 })] },
    verdict: 'retrain',
    spans: [
      {
        kind: 'scale-change',
        action: 'ok',
        weight: 'decided',
        decision: {
          kind: 'rescaled-history',
          by: 'ana',
          at: '2026-03-20T09:00:00.000Z',
          reason: 'done in the feature store',
          factor: 0.001,
        },
      },
    ],
  },
  {
    name: 'retrained on the new regime: the old rows are dropped on purpose',
    input: { findings: [retrained], decisions: [decision('retrained-on-new-regime', retrained)] },
    verdict: 'retrain',
    spans: [],
  },
  {
    name: 'a new definition inside the window: the rows before it are dropped on purpose',
    input: { findings: [rescaled], decisions: [decision('new-definition', rescaled)] },
    verdict: 'retrain',
    spans: [
      { kind: 'scale-change', from: '2026-03-01', to: '2026-03-13', action: 'drop', weight: 'decided' },
    ],
  },
  {
    name: 'a change 3 days before the window ends: wait for the new regime',
    input: { findings: [fresh] },
    verdict: 'do not retrain yet',
    spans: [
      {
        kind: 'scale-change',
        from: '2026-03-01',
        to: '2026-03-25',
        action: 'rescale',
        factor: 0.001,
        weight: 'fix',
      },
      {
        kind: 'new-regime',
        from: '2026-03-26',
        to: '2026-03-28',
        action: 'ok',
        weight: 'wait',
        waitUntil: addDays('2026-03-26', NEW_REGIME_DAYS - 1),
      },
    ],
  },
  {
    name: 'a change that reverted: its own days are on the odd unit',
    input: { findings: [reverted] },
    verdict: 'retrain after fixes',
    spans: [
      {
        kind: 'reverted-change',
        from: '2026-03-14',
        to: '2026-03-17',
        action: 'rescale',
        factor: 1000,
        weight: 'fix',
      },
    ],
  },
  {
    name: 'a removed metric: rows after removal are missing; switch to the replacement',
    input: { findings: [removed] },
    verdict: 'retrain after fixes',
    spans: [
      {
        kind: 'removed',
        from: '2026-03-20',
        to: '2026-03-28',
        action: 'drop',
        replacement: 'page_views_total',
        weight: 'fix',
      },
    ],
  },
  {
    name: 'a metric missing for a while that came back: only its missing days',
    input: {
      findings: [
        {
          ...removed,
          rule: 'metric-missing-from-data',
          status: 'resolved',
          resolution: 'absent',
          resolvedAt: '2026-03-24T08:00:00.000Z',
        },
      ],
    },
    verdict: 'retrain after fixes',
    spans: [{ kind: 'removed', from: '2026-03-20', to: '2026-03-23', action: 'drop', weight: 'fix' }],
  },
  {
    name: 'a removed metric the team switched away from',
    input: { findings: [removed], decisions: [decision('switched-to-replacement', removed)] },
    verdict: 'retrain',
    spans: [{ kind: 'removed', action: 'drop', weight: 'decided' }],
  },
  {
    name: 'a removal announced inside the serving period: a warning with the day',
    input: { findings: [sunset] },
    verdict: 'retrain',
    spans: [
      { kind: 'sunset', from: '2026-04-15', to: '2026-04-15', weight: 'note', effectiveDate: '2026-04-15' },
    ],
  },
  {
    name: 'a removal announced after the serving period',
    input: { findings: [sunsetLate] },
    verdict: 'retrain',
    spans: [],
  },
  {
    name: 'an excursion that came back: unrepresentative, blocks nothing',
    input: { findings: [burst] },
    verdict: 'retrain',
    spans: [{ kind: 'unstable', from: '2026-03-06', to: '2026-03-09', action: 'ok', weight: 'note' }],
  },
  {
    name: 'an excursion with dropUnstable',
    input: { findings: [burst], dropUnstable: true },
    verdict: 'retrain',
    spans: [{ kind: 'unstable', action: 'drop', weight: 'note' }],
  },
  {
    name: 'another blocking finding: its days are dropped',
    input: { findings: [nulls] },
    verdict: 'retrain after fixes',
    spans: [
      {
        kind: 'unfit',
        rule: 'null-rate',
        from: '2026-03-22',
        to: '2026-03-28',
        action: 'drop',
        weight: 'fix',
      },
    ],
  },
  {
    name: 'an event not to train on',
    input: { events: [EVENT] },
    verdict: 'retrain after fixes',
    spans: [
      {
        kind: 'event',
        event: 'ui-redesign-2026-03',
        from: '2026-03-12',
        to: '2026-03-16',
        action: 'drop',
        weight: 'fix',
      },
    ],
  },
  {
    name: 'an event that may be trained on',
    input: { events: [{ ...EVENT, train: true }] },
    verdict: 'retrain',
    spans: [],
  },
  {
    name: 'no history in the window',
    input: { histories: new Map() },
    verdict: 'could not verify',
    spans: [],
  },
];

function run(extra: Partial<AdviseInput>) {
  return adviseWindow({
    window: WINDOW,
    features: [FEATURE],
    sources: [SOURCE],
    findings: [],
    decisions: [],
    histories: healthy(),
    now: NOW,
    ...extra,
  });
}

describe('adviseWindow', () => {
  it.each(CASES)('$name', ({ input, verdict, spans }) => {
    const advice = run(input);
    expect(advice.verdict).toBe(verdict);
    expect(advice.spans).toHaveLength(spans.length);
    spans.forEach((s, i) =>
      expect(advice.spans[i]).toMatchObject({
        feature: 'views_7d',
        source: 'meta',
        metric: 'page_media_view',
        ...s,
      }),
    );
  });

  it('counts the days of a new regime up to today when the window reaches past it', () => {
    const advice = run({
      findings: [scale({ onset: '2026-03-20' })],
      window: { from: '2026-03-01', to: '2026-04-10' },
      now: new Date('2026-03-22T10:00:00Z'),
    });
    expect(advice.verdict).toBe('do not retrain yet');
    expect(advice.spans.find((s) => s.kind === 'new-regime')?.reason).toMatch(
      /^only 3 days of the new regime/,
    );
  });

  it('names the day the wait ends', () => {
    expect(run({ findings: [fresh] }).retrainFrom).toBe(addDays('2026-03-26', NEW_REGIME_DAYS - 1));
  });

  it('links a finding whose onset falls in an event to it, in words too', () => {
    const advice = run({ findings: [undecidedScale], events: [{ ...EVENT, train: true }] });
    expect(advice.eventLinks).toEqual([
      {
        finding: undecidedScale.fingerprint,
        rule: 'panel-scale',
        source: 'meta',
        metric: 'page_media_view',
        onset: '2026-03-14',
        event: 'ui-redesign-2026-03',
      },
    ]);
    expect(advice.spans[0]!.reason).toMatch(/explained by event ui-redesign-2026-03$/);
  });

  it('says how much of the window each input covers', () => {
    expect(run({}).inputs).toEqual([
      { feature: 'views_7d', source: 'meta', metric: 'page_media_view', daysWithData: 28, entities: 2 },
    ]);
  });

  it('takes a broken invariant for the change of the metric that moved, not a fault of its own', () => {
    const feature = { ...FEATURE, uses: [{ source: 'meta', metric: 'page_fans', location: loc }] };
    const advice = run({
      features: [feature],
      findings: [undecidedScale, invariant],
      histories: history({ p1: series('2026-03-01', '2026-03-28', () => 3) }, 'page_fans'),
    });
    expect(advice.verdict).toBe('retrain');
    expect(advice.spans).toMatchObject([
      {
        kind: 'unfit',
        metric: 'page_fans',
        action: 'ok',
        weight: 'note',
        reason: expect.stringMatching(/explained by the change of page_media_view on 2026-03-14/) as unknown,
      },
    ]);
    expect(
      run({
        features: [feature],
        findings: [invariant],
        histories: history({ p1: series('2026-03-01', '2026-03-28', () => 3) }, 'page_fans'),
      }).verdict,
    ).toBe('retrain after fixes');
  });

  it('names the replacement and how it relates from the built-in knowledge when the finding names none', () => {
    const feature = { ...FEATURE, uses: [{ source: 'meta', metric: 'page_impressions', location: loc }] };
    const gone = finding({
      rule: 'metric-invalid',
      class: 'deprecation',
      lifecycle: 'change',
      metric: 'page_impressions',
      onset: '2026-03-20',
    });
    const advice = run({
      features: [feature],
      findings: [gone],
      histories: history({ p1: series('2026-03-01', '2026-03-19', () => 9) }, 'page_impressions'),
    });
    expect(advice.spans).toMatchObject([
      {
        kind: 'removed',
        from: '2026-03-20',
        to: '2026-03-28',
        replacement: 'page_media_view',
        relation: expect.stringMatching(
          /^views ≠ impressions: start a new series\. Compare the two/,
        ) as unknown,
      },
    ]);
  });

  it('ignores findings about other metrics and other sources', () => {
    const other = scale({ metric: 'page_fans' });
    const elsewhere = scale({ source: 'partner' });
    expect(run({ findings: [other, elsewhere] }).spans).toEqual([]);
  });
});
