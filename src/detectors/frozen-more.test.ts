import { describe, expect, it } from 'vitest';
import { frozenPanel } from './frozen-panel.js';
import { frozenVariance } from './frozen-variance.js';
import { cardinalityCollapse } from './cardinality-collapse.js';
import { periodStalled } from './period-stalled.js';
import {
  countSeries,
  freeze,
  historyOf,
  nowAfter,
  pollOf,
  pointOf,
  START_DAY,
} from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { addDays } from '../core/clock.js';
import { MAD_TO_SD } from './stats/robust.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';

const clean = (seed: number, level = 200, days = 60) =>
  countSeries(seeded(seed), { days, level, weekdayAmp: 0.2, growth: 0.003 });

function panel(n: number, edit: (v: number[], e: number) => number[] = (v) => v, level = 200) {
  const series: Record<string, number[]> = {};
  for (let e = 0; e < n; e++) series[`p${e}`] = edit(clean(700 + e, level + 10 * e), e);
  return historyOf(series);
}

describe('frozen-panel', () => {
  it.each([
    { name: 'whole panel repeats yesterday for 2 days', h: panel(20, (v) => freeze(v, 58)), fires: true },
    { name: '12 of 20 repeat today', h: panel(20, (v, e) => (e < 12 ? freeze(v, 59) : v)), fires: true },
    { name: 'clean panel', h: panel(20), fires: false },
    {
      name: '3 of 20 frozen (frozen-run territory)',
      h: panel(20, (v, e) => (e < 3 ? freeze(v, 50) : v)),
      fires: false,
    },
  ])('$name → fires: $fires', ({ h, fires }) => {
    const drafts = runOn(frozenPanel, h);
    expect(drafts.length > 0).toBe(fires);
    if (fires) expect(drafts[0]!.severity).toBe('block');
  });

  it('blocks when the whole payload equals the previous poll', () => {
    const polls = [
      pollOf(1, '2026-03-05T07:00:00Z', { payloadHash: 'abc' }),
      pollOf(2, '2026-03-06T07:00:00Z', { payloadHash: 'abc' }),
    ];
    const [d] = runOn(frozenPanel, panel(3), { polls });
    expect(d?.evidence['payloadIdentical']).toBe(true);
  });
});

describe('frozen-variance', () => {
  it.each([
    {
      name: 'noise shrinks to 1 % for 7 days',
      values: clean(1, 3000).map((v, i) => (i >= 53 ? 3000 + (i % 2) : v)),
      fires: true,
    },
    { name: 'clean series', values: clean(2, 3000), fires: false },
    { name: 'low-volume series', values: clean(3, 2).map((v, i) => (i >= 53 ? 1 : v)), fires: false },
  ])('$name → fires: $fires', ({ values, fires }) => {
    expect(runOn(frozenVariance, historyOf({ p1: values })).length > 0).toBe(fires);
  });

  // The baseline's changes in log terms: 13 up by a, 13 down by a and one flat, so their MAD is exactly half their range
  // (the largest a MAD can be, which the detector's shortcut relies on); the last 6 changes alternate ±d, with d set
  // so that ρ = sd(recent) / (1.4826 · MAD) is `rho`.
  const edge = (rho: number) => {
    const a = 0.2;
    const d = (rho * MAD_TO_SD * a) / Math.sqrt(6 / 5);
    const z: number[] = [];
    for (let i = 0; i <= 52; i++) z.push(i <= 26 ? 0 : (i - 27) % 2 === 0 ? a : 0);
    for (let i = 53; i <= 59; i++) z.push(a + ((i - 53) % 2 === 0 ? 0 : d));
    return z.map((y) => Math.exp(Math.log(3001) + y) - 1);
  };
  it.each([
    { rho: 0.098, fires: true },
    { rho: 0.102, fires: false },
  ])('MAD at half the range, ρ = $rho against 0.1 → fires: $fires', ({ rho, fires }) => {
    const drafts = runOn(frozenVariance, historyOf({ p1: edge(rho) }), { options: { alpha: 0.5 } });
    expect(drafts.length > 0).toBe(fires);
    if (fires) expect(drafts[0]!.evidence['rho']).toBeCloseTo(rho, 3);
  });

  /** A lifetime total (gauge) that grows by about `perDay` a day, with no growth at all from day 53. */
  const total = (seed: number, perDay: number, flatFrom = 53) => {
    const steps = clean(seed, perDay);
    let t = 13_000;
    return steps.map((d, i) => (t += i >= flatFrom ? 0 : d));
  };
  it.each([
    // A small page's follower total: 0–3 new follows a day, a week without any is ordinary.
    { name: 'gauge growing ~2/day, flat for 7 days', values: total(4, 2), fires: false },
    { name: 'gauge growing ~200/day, flat for 7 days', values: total(5, 200), fires: true },
  ])('$name → fires: $fires', ({ values, fires }) => {
    expect(runOn(frozenVariance, historyOf({ p1: values }), { kind: 'gauge' }).length > 0).toBe(fires);
  });
});

describe('cardinality-collapse', () => {
  it.each([
    {
      name: '25 of 30 entities report 0',
      h: panel(30, (v, e) => (e < 25 ? v.map((x, i) => (i >= 59 ? 0 : x)) : v)),
      severity: 'block',
    },
    { name: 'clean panel', h: panel(30), severity: undefined },
  ])('$name → $severity', ({ h, severity }) => {
    expect(runOn(cardinalityCollapse, h)[0]?.severity).toBe(severity);
  });
});

describe('period-stalled', () => {
  function stalled(resend: boolean): { h: MetricHistory; polls: ReturnType<typeof pollOf>[] } {
    const points: SeriesPoint[] = clean(9, 100, 40).map((v, i) => pointOf(addDays(START_DAY, i), v));
    const last = points[points.length - 1]!;
    if (resend) points[points.length - 1] = { ...last, lastSeen: `${addDays(START_DAY, 43)}T07:00:00.000Z` };
    const polls = [41, 42, 43].map((d, k) => pollOf(k + 1, `${addDays(START_DAY, d)}T07:00:00.000Z`));
    return { h: { source: 'src', metric: 'm', entities: new Map([['p1', points]]) }, polls };
  }
  it.each([
    { resend: true, fires: true },
    { resend: false, fires: false },
  ])(
    'newest period 3 days behind, re-served by the last poll: $resend → fires: $fires',
    ({ resend, fires }) => {
      const { h, polls } = stalled(resend);
      const drafts = runOn(periodStalled, h, { polls, now: nowAfter(43) });
      expect(drafts.length > 0).toBe(fires);
    },
  );
});
