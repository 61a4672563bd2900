import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CheckOverride, MetricContract, MetricPeriod } from '../core/contract.js';
import type { Finding } from '../core/finding.js';
import { invariantBroken, invariantPair } from './invariant-broken.js';
import { runDetectors } from './run.js';
import {
  countSeries,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  sourceOf,
} from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';

const DAYS = 60;
type Values = (number | null | undefined)[];

/** A panel of totals and uniques at 50–80 % of them (unique ≤ total every day), one pair per entity. */
function pairPanel(n: number, seed = 1, days = DAYS): { total: Values[]; unique: Values[] } {
  const r = seeded(seed);
  const total: Values[] = [];
  const unique: Values[] = [];
  for (let e = 0; e < n; e++) {
    const t = countSeries(seeded(seed * 100 + e), {
      days,
      level: 200 + 300 * e,
      weekdayAmp: 0.2,
      growth: 0.003,
    });
    total.push(t);
    unique.push(t.map((v) => Math.round(v * (0.5 + 0.3 * r()))));
  }
  return { total, unique };
}

interface Case {
  /** Names of the smaller and the larger metric. */
  names?: [string, string];
  /** Checks on the smaller metric (default: `atMost` the larger one). */
  checks?: Record<string, CheckOverride>;
  periods?: [MetricPeriod, MetricPeriod];
  regimes?: Map<string, string>;
}

/** Run invariant-broken through runDetectors (contract overrides, regimes and metricHistories as in a poll). */
function detect(panel: { total: Values[]; unique: Values[] }, c: Case = {}): Finding[] {
  const [small, large] = c.names ?? ['reach', 'impressions'];
  const checks = c.checks ?? { 'invariant-broken': { options: { atMost: large } } };
  const metrics: MetricContract[] = [
    metricOf(small, 'count', { checks, period: c.periods?.[0] ?? 'day' }),
    metricOf(large, 'count', { period: c.periods?.[1] ?? 'day' }),
  ];
  const rows = (vs: Values[]) => Object.fromEntries(vs.map((v, e) => [`p${e + 1}`, v]));
  const days = panel.unique[0]!.length;
  return runDetectors({
    source: sourceOf(metrics),
    histories: new Map([
      [small, historyOf(rows(panel.unique), { metric: small })],
      [large, historyOf(rows(panel.total), { metric: large })],
    ]),
    polls: [pollOf(1, nowAfter(days).toISOString())],
    docChanges: [],
    now: nowAfter(days),
    detectors: [invariantBroken as never],
    ...(c.regimes ? { regimes: c.regimes } : {}),
  });
}

/** Edit the unique (or total) series of the first `k` entities from day `from`. */
function edit(
  panel: { total: Values[]; unique: Values[] },
  side: 'unique' | 'total',
  from: number,
  f: (v: number | null | undefined, i: number) => number | null | undefined,
  k = panel.unique.length,
) {
  const out = { total: [...panel.total], unique: [...panel.unique] };
  out[side] = out[side].map((vs, e) => (e < k ? vs.map((v, i) => (i >= from ? f(v, i) : v)) : vs));
  return out;
}

const times = (x: number) => (v: number | null | undefined) =>
  typeof v === 'number' ? Math.round(v * x) : v;
const dayOf = (i: number) => nowAfter(i).toISOString().slice(0, 10);

describe('invariant-broken', () => {
  const panel = pairPanel(6);
  it.each([
    { name: 'the invariant holds', panel, fires: undefined },
    {
      name: 'unique above total on every entity for 5 days',
      panel: {
        total: panel.total,
        unique: panel.unique.map((vs, e) =>
          vs.map((v, i) => (i >= 55 ? Math.round(Number(panel.total[e]![i]) * 1.5) : v)),
        ),
      },
      fires: { severity: 'block', onset: dayOf(55), violatingEntityDays: 30, factor: null, entities: 6 },
    },
    {
      name: 'a 0.5 % rounding excess on every day',
      panel: { total: panel.total, unique: panel.total.map((vs) => vs.map((v) => Number(v) * 1.005)) },
      fires: undefined,
    },
    {
      name: 'the total null on the newest two days, unique present',
      panel: edit(panel, 'total', 58, () => null),
      fires: undefined,
    },
    {
      name: 'the total missing one day (not read as 0)',
      panel: edit(panel, 'total', 59, () => undefined),
      fires: undefined,
    },
    {
      name: 'unique above total on one day only',
      panel: {
        total: panel.total,
        unique: panel.unique.map((vs, e) =>
          vs.map((v, i) => (i === 59 ? Number(panel.total[e]![i]) * 2 : v)),
        ),
      },
      fires: undefined,
    },
    {
      name: 'unique ×100 on every entity from day 57',
      panel: edit(panel, 'unique', 57, times(100)),
      fires: { severity: 'block', onset: dayOf(57), violatingEntityDays: 18, factor: 100, entities: 6 },
    },
    {
      name: 'total ÷1000 on every entity from day 56',
      panel: edit(panel, 'total', 56, (v) => (typeof v === 'number' ? v / 1000 : v)),
      fires: { severity: 'block', onset: dayOf(56), violatingEntityDays: 24, factor: 1000, entities: 6 },
    },
    {
      name: 'unique ×100 on 2 of 6 entities',
      panel: edit(panel, 'unique', 57, times(100), 2),
      fires: { severity: 'warn', onset: dayOf(57), violatingEntityDays: 6, factor: 100, entities: 2 },
    },
  ])('$name', ({ panel: p, fires }) => {
    const found = detect(p);
    if (!fires) {
      expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f).toMatchObject({
      rule: 'invariant-broken',
      class: 'scale',
      severity: fires.severity,
      metric: 'reach',
      onset: fires.onset,
      evidence: {
        atMost: 'impressions',
        inferred: false,
        violatingEntityDays: fires.violatingEntityDays,
        factor: fires.factor,
      },
    });
    expect(f.entities).toHaveLength(fires.entities);
    expect(f.entityShare).toBeCloseTo(fires.entities / 6);
    const e = f.evidence;
    expect(Number(e['exampleValue'])).toBeGreaterThan(Number(e['exampleBound']));
    expect(e['baselineRatio']).toBeGreaterThan(0.4);
    expect(e['baselineRatio']).toBeLessThan(1);
    expect(f.explanation).toMatch(
      /^reach must stay at most impressions, but exceeds it on \d\/6 entities since \d{4}-\d\d-\d\d \(p1[ ,]/,
    );
  });

  it('names the factor and the side that changed unit in words', () => {
    const [unique] = detect(edit(panel, 'unique', 57, times(100)));
    expect(unique!.evidence['moved']).toBe('reach');
    expect(unique!.explanation).toMatch(
      /The ratio jumped ×100 since \d{4}-\d\d-\d\d: reach is now in a different unit\.$/,
    );
    expect(unique!.explanation).toMatch(
      /more than 1 % above, median ratio [\d.]+ against 0\.\d+ in the 28 days before/,
    );
    const [total] = detect(edit(panel, 'total', 56, (v) => (typeof v === 'number' ? v / 1000 : v)));
    expect(total!.evidence['moved']).toBe('impressions');
    expect(total!.explanation).toMatch(/ratio jumped ×1000 .*: impressions is now in a different unit/);
    const [plain] = detect({
      total: panel.total,
      unique: panel.unique.map((vs, e) => vs.map((v, i) => (i >= 55 ? Number(panel.total[e]![i]) * 1.5 : v))),
    });
    expect(plain!.explanation).toMatch(/reach moved \(×2\.\d+\) while the other held/);
  });

  it('infers X_unique ≤ X from the names, unless switched off or the periods differ', () => {
    const broken = edit(panel, 'unique', 57, times(100));
    const names: [string, string] = ['page_impressions_unique', 'page_impressions'];
    const [f] = detect(broken, { names, checks: {} });
    expect(f).toMatchObject({
      metric: 'page_impressions_unique',
      evidence: { atMost: 'page_impressions', inferred: true, factor: 100 },
    });
    expect(f!.explanation).toMatch(/inferred from the names/);
    expect(
      detect(broken, { names, checks: { 'invariant-broken': { options: { inferUnique: false } } } }),
    ).toEqual([]);
    expect(detect(broken, { names, checks: {}, periods: ['day', 'week'] })).toEqual([]);
    expect(detect(broken, { names: ['page_reach', 'page_impressions'], checks: {} })).toEqual([]);
  });

  it('is switched off with enabled: false', () => {
    const broken = edit(panel, 'unique', 57, times(100));
    expect(
      detect(broken, {
        checks: { 'invariant-broken': { enabled: false, options: { atMost: 'impressions' } } },
      }),
    ).toEqual([]);
    expect(
      detect(broken, {
        names: ['page_impressions_unique', 'page_impressions'],
        checks: { 'invariant-broken': { enabled: false } },
      }),
    ).toEqual([]);
  });

  it('respects regimes: no baseline ratio from before the unique metric was re-baselined', () => {
    const [f] = detect(edit(panel, 'unique', 57, times(100)), { regimes: new Map([['reach', dayOf(57)]]) });
    expect(f).toMatchObject({
      severity: 'block',
      onset: dayOf(57),
      evidence: { baselineRatio: null, factor: null },
    });
  });

  it('ignores a bound that names the metric itself or a metric with no history', () => {
    const broken = edit(panel, 'unique', 57, times(100));
    expect(detect(broken, { checks: { 'invariant-broken': { options: { atMost: 'reach' } } } })).toEqual([]);
    expect(detect(broken, { checks: { 'invariant-broken': { options: { atMost: 'clicks' } } } })).toEqual([]);
  });

  it('invariantPair reads atMost first, then the _unique naming', () => {
    const u = metricOf('x_unique');
    const source = sourceOf([u, metricOf('x'), metricOf('y')]);
    expect(invariantPair(source, u, { inferUnique: true })).toEqual({ bound: 'x', inferred: true });
    expect(invariantPair(source, u, { atMost: 'y', inferUnique: true })).toEqual({
      bound: 'y',
      inferred: false,
    });
    expect(invariantPair(source, metricOf('x'), { inferUnique: true })).toBeUndefined();
  });

  it('property: uniques at 20–100 % of the total never raise a finding, with gaps and nulls on either side', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 5, max: 70 }),
        fc.double({ min: 0, max: 9, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (seed, n, days, logLevel, gapRate) => {
          const r = seeded(seed);
          const total: Values[] = [];
          const unique: Values[] = [];
          for (let e = 0; e < n; e++) {
            const t = countSeries(seeded(seed + 7919 * e), {
              days,
              level: Math.exp(logLevel),
              growth: 0.003,
            });
            const u = t.map((v) => Math.round(v * (0.2 + 0.8 * r())));
            const gap = (v: number): number | null | undefined => {
              const x = r();
              return x < gapRate / 2 ? undefined : x < gapRate ? null : v;
            };
            total.push(t.map(gap));
            unique.push(u.map(gap));
          }
          return detect({ total, unique }).length === 0;
        },
      ),
      { numRuns: 60 },
    );
  });
});
