import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seriesDrift } from './series-drift.js';
import { runDetectors } from './run.js';
import { allDetectors } from './registry.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { addDays } from '../core/clock.js';
import {
  burst,
  countSeries,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  rescale,
  sourceOf,
  START_DAY,
  type SeriesSpec,
} from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

/** A quiet, large series (noise well under the Poisson floor of small ones), so a slide of a few %/day shows. */
const large = (seed: number, extra: Partial<SeriesSpec> = {}) =>
  countSeries(seeded(seed), { days: 90, level: 3000, weekdayAmp: 0.2, noise: 0.03, shape: 1000, ...extra });

/** Values multiplied by e^(rate·(t − from)) from `from` on, for `len` days, then held. */
const slide = (v: readonly number[], from: number, rate: number, len = 999) =>
  v.map((x, t) => (t >= from ? Math.round(x * Math.exp(rate * Math.min(t - from, len))) : x));

/** Every day from `from` to the end: did the detector fire on the history ending that day? */
function firingDays(series: Record<string, number[]>, from: number): number[] {
  const days = Object.values(series)[0]!.length;
  const out: number[] = [];
  for (let T = from; T < days; T++) {
    const cut = Object.fromEntries(Object.entries(series).map(([e, v]) => [e, v.slice(0, T + 1)]));
    if (runOn(seriesDrift, historyOf(cut)).length > 0) out.push(T);
  }
  return out;
}

describe('series-drift', () => {
  it.each([{ seed: 1 }, { seed: 2 }, { seed: 4 }])(
    'seed $seed: −2 %/day for 3 weeks from day 45 → warn "down", onset near day 45 (not the day noticed)',
    ({ seed }) => {
      const v = slide(large(seed), 45, -0.02, 21).slice(0, 66);
      const [d] = runOn(seriesDrift, historyOf({ p1: v }));
      expect(d).toMatchObject({ rule: 'series-drift', class: 'drift', severity: 'warn', entities: ['p1'] });
      expect(d!.evidence).toMatchObject({ direction: 'down', down: 1, up: 0 });
      expect(Number(d!.evidence['delta'])).toBeLessThanOrEqual(-3);
      expect(Math.abs(Date.parse(d!.onset) - Date.parse(addDays(START_DAY, 45)))).toBeLessThanOrEqual(
        3 * 86_400_000,
      );
      // Raw levels before and after: about 3000 before, about 3000·e^(−0.02·17..20) now.
      expect(Number(d!.evidence['medianBefore'])).toBeGreaterThan(2400);
      expect(Number(d!.evidence['medianAfter'])).toBeLessThan(0.8 * Number(d!.evidence['medianBefore']));
      expect(d!.explanation).toMatch(/1\/1 entities down \(p1\) since /);
    },
  );

  it('names the drifting entities and their share of the panel', () => {
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 8; e++) series[`p${e}`] = large(10 + e).slice(0, 66);
    series['p1'] = slide(large(1), 45, -0.02, 21).slice(0, 66);
    series['p2'] = slide(large(2), 45, -0.02, 21).slice(0, 66);
    const [d] = runOn(seriesDrift, historyOf(series));
    expect(d?.entities).toEqual(['p1', 'p2']);
    expect(d?.entityShare).toBe(0.25);
  });

  it.each([
    { name: 'strong weekly seasonality', v: () => large(21, { weekdayAmp: 0.4 }) },
    { name: 'growth of 3 %/day (within the 5 %/day trend clip)', v: () => large(22, { growth: 0.03 }) },
    { name: 'decline of 2 %/day since the start', v: () => large(23, { growth: -0.02 }) },
    {
      name: 'viral bursts (×6 for 3 days, twice)',
      v: () => burst(burst(large(24), 50, 3, 6), 70, 3, 6),
    },
    { name: 'a +40 % step of one entity', v: () => rescale(large(25), 55, 1.4, true) },
    {
      name: 'a noisy small series',
      v: () => countSeries(seeded(26), { days: 90, level: 40, weekdayAmp: 0.3 }),
    },
  ])('never fires on $name, on any day', ({ v }) => {
    expect(firingDays({ p1: v() }, 40)).toEqual([]);
  });

  it('a slide on a series under 5 a day is undecidable: no finding, counted when another entity drifts', () => {
    const small = slide(countSeries(seeded(31), { days: 66, level: 3, weekdayAmp: 0.1 }), 45, -0.03);
    expect(runOn(seriesDrift, historyOf({ p1: small }))).toEqual([]);
    const [d] = runOn(seriesDrift, historyOf({ p1: small, p2: slide(large(1), 45, -0.02, 21).slice(0, 66) }));
    expect(d?.entities).toEqual(['p2']);
    expect(d?.evidence['undecidable']).toBe(1);
  });

  it('property: it only ever warns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: -0.04, max: 0.04, noNaN: true }),
        fc.integer({ min: 30, max: 60 }),
        (seed, rate, from) => {
          const v = slide(large(seed), from, rate).slice(0, 75);
          return runOn(seriesDrift, historyOf({ p1: v })).every((d) => d.severity === 'warn');
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('series-drift and the scale stage (runDetectors)', () => {
  const run = (series: Record<string, number[]>, detectors?: Detector<Record<string, unknown>>[]) => {
    const days = Object.values(series)[0]!.length;
    return runDetectors({
      source: sourceOf([metricOf('m')]),
      histories: new Map([['m', historyOf(series, { metric: 'm' })]]),
      polls: [pollOf(1, nowAfter(days).toISOString())],
      docChanges: [],
      now: nowAfter(days),
      ...(detectors ? { detectors } : {}),
    });
  };

  it('a panel-wide step (×0.6) is the scale stage’s: no drift finding on any day after it', () => {
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 30; e++)
      series[`p${e}`] = rescale(large(40 + e, { level: 500 + 50 * e }), 50, 0.6, true);
    for (let T = 52; T < 80; T += 3) {
      const cut = Object.fromEntries(Object.entries(series).map(([e, v]) => [e, v.slice(0, T + 1)]));
      const found = run(cut);
      expect(found.filter((f) => f.class === 'drift')).toEqual([]);
      if (T < 58) expect(found.some((f) => f.class === 'scale')).toBe(true);
    }
  });

  // Stub detectors so the suppression itself is under test, whatever the statistics say on a given day.
  const stub = (id: string, draft: Partial<FindingDraft>): Detector<Record<string, unknown>> => ({
    ...(allDetectors().find((d) => d.id === id) ??
      (seriesDrift as unknown as Detector<Record<string, unknown>>)),
    id,
    detect: () => [
      {
        rule: id,
        class: 'drift',
        severity: 'warn',
        source: 'src',
        metric: 'm',
        entities: [],
        onset: '2026-02-20',
        evidence: {},
        explanation: `${id} fired.`,
        ...draft,
      },
    ],
  });
  const series = { p1: large(1).slice(0, 60), p2: large(2).slice(0, 60), p3: large(3).slice(0, 60) };

  it.each([
    {
      name: 'a level shift over the panel suppresses a drift',
      scale: { rule: 'level-shift', entities: ['p1', 'p2', 'p3'], entityShare: 1 },
      drift: { entities: ['p1'] },
      suppressed: true,
    },
    {
      name: 'a unit change of the drifting entity suppresses its drift',
      scale: { rule: 'unit-scale', entities: ['p1'], entityShare: 1 / 3 },
      drift: { entities: ['p1'] },
      suppressed: true,
    },
    {
      name: 'a unit change of another entity leaves the drift',
      scale: { rule: 'unit-scale', entities: ['p2'], entityShare: 1 / 3 },
      drift: { entities: ['p1'] },
      suppressed: false,
    },
    {
      name: 'an info-level scale finding explains nothing',
      scale: { rule: 'unit-scale', entities: ['p1'], entityShare: 1 / 3, severity: 'info' as const },
      drift: { entities: ['p1'] },
      suppressed: false,
    },
  ])('$name', ({ scale, drift, suppressed }) => {
    const found = run(series, [
      stub('unit-scale', { class: 'scale', subject: 'unit', ...scale }),
      stub('series-drift', drift),
    ]);
    expect(found.some((f) => f.rule === 'series-drift')).toBe(!suppressed);
    const s = found.find((f) => f.class === 'scale')!;
    expect(s.evidence['suppressed'] ?? []).toEqual(suppressed ? ['series-drift'] : []);
  });
});
