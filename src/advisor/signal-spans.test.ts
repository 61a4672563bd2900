import { describe, expect, it } from 'vitest';
import type { EventContract, FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { adviseWindow, historyKey } from './advise.js';
import type { SpanWeight, Verdict } from './advice.js';
import { signalSpans, type ModelSignal } from './signal-spans.js';

const loc = { file: 'contracts/t.yaml', line: 1, col: 1 };
const WINDOW = { from: '2026-03-01', to: '2026-03-28' };
const NOW = new Date('2026-03-28T10:00:00Z');
const CTR: ModelSignal = { role: 'KPI', source: 'feed', metric: 'ctr' };
const OVERRIDES: ModelSignal = { role: 'trust signal', source: 'loan-desk', metric: 'override_rate' };
const FEATURE: FeatureContract = {
  name: 'views_7d',
  owners: ['ana@example.com'],
  uses: [{ source: 'meta', metric: 'page_media_view', location: loc }],
  policy: { blockOn: ['block'], warnOn: ['warn'] },
  location: loc,
};

function finding(extra: Partial<FindingRecord>): FindingRecord {
  return {
    id: 1,
    fingerprint: 'sig0000000000001',
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-15T08:00:00.000Z',
    lastSeen: '2026-03-28T08:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    detectedAt: '2026-03-15T08:00:00.000Z',
    rule: 'rate-shift',
    class: 'drift',
    severity: 'warn',
    source: 'feed',
    metric: 'ctr',
    entities: ['all'],
    entityShare: 1,
    onset: '2026-03-14',
    evidence: {},
    title: 'ctr rose for all',
    explanation: 'ctr rose.',
    ...extra,
  };
}

function event(extra: Partial<EventContract> = {}): EventContract {
  return {
    name: 'ui-redesign',
    description: 'bigger thumbnails',
    from: '2026-03-12',
    to: '2026-03-18',
    sources: [],
    metrics: ['feed/ctr'],
    features: [],
    train: false,
    location: loc,
    ...extra,
  };
}

const decided: Decision = {
  id: 1,
  fingerprint: 'sig0000000000001',
  episode: 1,
  source: 'feed',
  metric: 'ctr',
  rule: 'rate-shift',
  kind: 'new-definition',
  onset: '2026-03-14',
  reason: 'the redesign is here to stay',
  by: 'ana',
  at: '2026-03-20T09:00:00.000Z',
};

describe('signalSpans', () => {
  it.each<{
    name: string;
    signal: ModelSignal;
    f: Partial<FindingRecord>;
    events: EventContract[];
    decisions: Decision[];
    weight: SpanWeight | undefined;
    reason?: RegExp;
    linked: boolean;
  }>([
    {
      name: 'a KPI that moved with no event: investigate',
      signal: CTR,
      f: {},
      events: [],
      decisions: [],
      weight: 'investigate',
      reason: /the KPI ctr of model feed-ranker is out of line; investigate/,
      linked: false,
    },
    {
      name: 'a trust signal that rose: investigate before anyone retrains',
      signal: OVERRIDES,
      f: { source: 'loan-desk', metric: 'override_rate' },
      events: [],
      decisions: [],
      weight: 'investigate',
      reason: /people trust model feed-ranker less \(override_rate\); find out why before anyone retrains/,
      linked: false,
    },
    {
      name: 'a KPI shift whose onset lies in a declared event: a note naming the event',
      signal: CTR,
      f: {},
      events: [event()],
      decisions: [],
      weight: 'note',
      reason:
        /explained by event ui-redesign \(bigger thumbnails\), a known change: the KPI moved with the event, not with what the model predicts/,
      linked: true,
    },
    {
      name: 'an event on another metric explains nothing',
      signal: CTR,
      f: {},
      events: [event({ metrics: ['feed/impressions'] })],
      decisions: [],
      weight: 'investigate',
      linked: false,
    },
    {
      name: 'an onset after the event ends is not explained by it',
      signal: CTR,
      f: { onset: '2026-03-20' },
      events: [event()],
      decisions: [],
      weight: 'investigate',
      linked: false,
    },
    {
      name: 'a decision recorded on the finding covers it',
      signal: CTR,
      f: {},
      events: [],
      decisions: [decided],
      weight: 'decided',
      linked: false,
    },
    {
      name: 'a finding resolved before the window is outside it',
      signal: CTR,
      f: { status: 'resolved', onset: '2026-02-01', resolvedAt: '2026-02-10T08:00:00.000Z' },
      events: [],
      decisions: [],
      weight: undefined,
      linked: false,
    },
    {
      name: 'a deprecation of the KPI is lifecycle news, not model health',
      signal: CTR,
      f: { class: 'deprecation', rule: 'announced-deprecation' },
      events: [],
      decisions: [],
      weight: undefined,
      linked: false,
    },
    {
      name: 'a finding on another metric of the source is not the signal',
      signal: CTR,
      f: { metric: 'impressions' },
      events: [],
      decisions: [],
      weight: undefined,
      linked: false,
    },
  ])('$name', ({ signal, f, events, decisions, weight, reason, linked }) => {
    const r = signalSpans(signal, 'feed-ranker', [finding(f)], decisions, events, [], WINDOW);
    expect(r.spans[0]?.weight).toBe(weight);
    if (weight !== undefined) {
      expect(r.spans[0]).toMatchObject({
        kind: 'model-signal',
        action: 'ok',
        from: f.onset ?? '2026-03-14',
        to: '2026-03-28',
      });
    }
    if (reason) expect(r.spans[0]!.reason).toMatch(reason);
    expect(r.links.size).toBe(linked ? 1 : 0);
  });
});

describe('adviseWindow with a model’s signals', () => {
  const run = (findings: FindingRecord[], events: EventContract[], signals: ModelSignal[]) =>
    adviseWindow({
      window: WINDOW,
      features: [FEATURE],
      sources: [metaSource('http://127.0.0.1:1', ['page_media_view'])],
      events,
      findings,
      decisions: [],
      histories: new Map([
        [
          historyKey('meta', 'page_media_view'),
          { source: 'meta', metric: 'page_media_view', entities: new Map() },
        ],
      ]),
      now: NOW,
      model: 'feed-ranker',
      signals,
    });

  it.each<{
    name: string;
    findings: FindingRecord[];
    events: EventContract[];
    verdict: Verdict;
    links: number;
  }>([
    { name: 'a quiet KPI changes nothing', findings: [], events: [], verdict: 'could not verify', links: 0 },
    {
      name: 'a KPI out of line: do not retrain yet',
      findings: [finding({})],
      events: [],
      verdict: 'do not retrain yet',
      links: 0,
    },
    {
      name: 'a KPI shift inside a train:false event: drop the event days, the shift is the event',
      findings: [finding({})],
      events: [event()],
      verdict: 'retrain after fixes',
      links: 1,
    },
    {
      name: 'a KPI shift inside an event that may be trained on: a note only',
      findings: [finding({})],
      events: [event({ train: true })],
      verdict: 'could not verify',
      links: 1,
    },
  ])('$name', ({ findings, events, verdict, links }) => {
    const a = run(findings, events, [CTR]);
    expect(a.verdict).toBe(verdict);
    expect(a.eventLinks).toHaveLength(links);
    expect(a.inputs.map((i) => i.feature)).toEqual(['views_7d', 'KPI of feed-ranker']);
    expect(a.retrainFrom).toBeUndefined();
  });
});
