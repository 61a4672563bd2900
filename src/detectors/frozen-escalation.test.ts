// frozen-run escalation: a partial freeze weighs by its share of the metric's volume and by how long it has lasted,
// simultaneous repeats on small counts add up, and a freeze that has not thawed keeps being reported.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frozenRun, type FrozenRunOptions } from './frozen-run.js';
import { runDetectors } from './run.js';
import {
  countSeries,
  freeze,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  sourceOf,
} from '../../test/helpers/detector-series.js';
import { normal, seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { dayString, dayNumber } from './stats/days.js';
import { START_DAY } from '../../test/helpers/detector-series.js';
import { SeriesModel } from '../sim/series.js';
import { meta2024 } from '../sim/scenarios/meta-2024.js';

const clean = (seed: number, level: number, days: number) =>
  countSeries(seeded(seed), { days, level, weekdayAmp: 0.2, growth: 0.003 });

/** A 60-page panel whose levels are log-normal (median 200, σ) and whose `frozen` largest pages freeze at `from`. */
function panel(o: { seed: number; sigma: number; frozen: number; from: number; days: number }) {
  const r = seeded(o.seed);
  const levels = Array.from({ length: 60 }, () => 200 * Math.exp(o.sigma * normal(r)));
  const largest = levels
    .map((l, i) => [l, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, o.frozen)
    .map(([, i]) => i);
  const full = levels.map((l, e) => clean(o.seed * 1000 + e, l, o.days));
  const volumeShare = largest.reduce((a, i) => a + levels[i]!, 0) / levels.reduce((a, b) => a + b, 0);
  /** The panel as seen after `d` frozen days. */
  const after = (d: number) => {
    const series: Record<string, number[]> = {};
    full.forEach(
      (v, e) => (series[`p${e}`] = (largest.includes(e) ? freeze(v, o.from) : v).slice(0, o.from + d)),
    );
    return historyOf(series);
  };
  return { after, volumeShare, frozen: largest.map((i) => `p${i}`).sort() };
}

const severityAfter = (h: ReturnType<typeof historyOf>, options: Partial<FrozenRunOptions> = {}) =>
  runOn(frozenRun, h, { options })[0];

describe('frozen-run on part of a panel (observation 2: 8 largest of 60 pages frozen 45 days)', () => {
  it.each([
    {
      name: 'skewed panel: the 8 largest carry about half the volume → block on day 2, by volume',
      sigma: 1,
      firstBlock: 2,
      escalation: 'volume',
    },
    {
      name: 'flat panel: the 8 largest carry under a quarter of the volume → block on day 7, by duration',
      sigma: 0.15,
      firstBlock: 7,
      escalation: 'duration',
    },
  ])('$name', ({ sigma, firstBlock, escalation }) => {
    const p = panel({ seed: 7, sigma, frozen: 8, from: 30, days: 75 });
    const seen: string[] = [];
    for (let d = 2; d <= 45; d++) {
      const f = severityAfter(p.after(d));
      seen.push(f?.severity ?? 'none');
      if (d === firstBlock) {
        expect(f?.entities).toEqual(p.frozen);
        expect(f?.evidence['escalation']).toBe(escalation);
        expect(f?.evidence['volumeShare']).toBeCloseTo(p.volumeShare, 1);
        expect(f?.explanation).toMatch(/% of the metric's volume/);
      }
    }
    // Warn before the first block, then block every day to the end: the freeze never resolves by itself.
    expect(seen).toEqual([
      ...Array.from({ length: firstBlock - 2 }, () => 'warn'),
      ...Array.from({ length: 45 - firstBlock + 1 }, () => 'block'),
    ]);
  });

  it('simulated Graph API: page_media_view of the 8 largest of 60 pages frozen from day 15 blocks from day 2 to day 45', () => {
    const model = new SeriesModel({
      seed: 13,
      namespace: 'graph',
      entityCount: 60,
      sizes: meta2024.graph.pages,
      metrics: meta2024.graph.metrics,
      events: [],
      startDate: START_DAY,
      firstDay: 0,
      lastDay: 120,
    });
    const largest = Array.from({ length: 60 }, (_, e) => e)
      .sort((a, b) => model.size(b) - model.size(a))
      .slice(0, 8);
    const frozenModel = new SeriesModel({
      seed: 13,
      namespace: 'graph',
      entityCount: 60,
      sizes: meta2024.graph.pages,
      metrics: meta2024.graph.metrics,
      events: [{ kind: 'freeze', day: 15, metric: 'page_media_view', pages: largest, mode: 'last' }],
      startDate: START_DAY,
      firstDay: 0,
      lastDay: 120,
    });
    const seen: string[] = [];
    for (let d = 2; d <= 45; d++) {
      const series: Record<string, number[]> = {};
      for (let e = 0; e < 60; e++)
        series[`p${e}`] = Array.from(
          { length: 15 + d },
          (_, i) => frozenModel.value(e, 'page_media_view', i) as number,
        );
      const f = severityAfter(historyOf(series));
      seen.push(f?.severity ?? 'none');
      if (d === 2) {
        expect(f?.entities).toEqual(largest.map((e) => `p${e}`).sort());
        expect(f?.evidence['escalation']).toBe('volume');
      }
    }
    expect(seen).toEqual(Array.from({ length: 44 }, () => 'block'));
  });

  it('a small page (≈1 % of the volume) frozen 45 days stays a warning and says why', () => {
    const p = panel({ seed: 8, sigma: 0.3, frozen: 60, from: 30, days: 75 });
    const h = p.after(45);
    // Keep only one frozen page: the others thaw (their full series).
    const thawed = panel({ seed: 8, sigma: 0.3, frozen: 0, from: 30, days: 75 }).after(45);
    const one = new Map(thawed.entities);
    one.set('p3', h.entities.get('p3')!);
    const f = severityAfter({ ...thawed, entities: one });
    expect(f?.severity).toBe('warn');
    expect(f?.entities).toEqual(['p3']);
    expect(f?.evidence['volumeShare']).toBeLessThan(0.05);
    expect(f?.explanation).toMatch(/stays a warning/);
  });

  it.each([
    { options: {}, severity: 'block' },
    { options: { escalateVolumeShare: 0.9, blockAfterDays: 60 }, severity: 'warn' },
    { options: { escalateVolumeShare: 0.9, blockAfterDays: 10 }, severity: 'block' },
  ])('per-metric contract options $options → $severity after 12 frozen days', ({ options, severity }) => {
    const p = panel({ seed: 7, sigma: 1, frozen: 8, from: 30, days: 75 });
    const metric = metricOf('m', 'count', { checks: { 'frozen-run': { options } } });
    const found = runDetectors({
      source: sourceOf([metric]),
      histories: new Map([['m', p.after(12)]]),
      polls: [pollOf(1, nowAfter(42).toISOString())],
      docChanges: [],
      now: nowAfter(42),
    });
    const frozen = found.find((f) => f.class === 'frozen');
    expect(frozen?.severity).toBe(severity);
  });

  // A freeze that has not thawed must not resolve by absence: some frozen finding blocks on every day of it.
  it.each([
    { name: '8 largest of 60, from day 31', frozen: 8, sigma: 1, from: 30, first: 2 },
    { name: '8 of a flat 60-page panel, from day 71', frozen: 8, sigma: 0.15, from: 70, first: 7 },
    { name: 'the whole panel, from day 31', frozen: 60, sigma: 1, from: 30, first: 2 },
  ])(
    'all detectors together block every day of a 45-day freeze: $name',
    ({ frozen, sigma, from, first }) => {
      const p = panel({ seed: 7, sigma, frozen, from, days: from + 45 });
      const metric = metricOf('m', 'count');
      const missing: number[] = [];
      for (let d = first; d <= 45; d++) {
        const now = nowAfter(from + d);
        const found = runDetectors({
          source: sourceOf([metric]),
          histories: new Map([['m', p.after(d)]]),
          polls: [pollOf(1, now.toISOString())],
          docChanges: [],
          now,
        });
        if (!found.some((f) => f.class === 'frozen' && f.severity === 'block')) missing.push(d);
      }
      expect(missing).toEqual([]);
    },
    90_000,
  ); // 44 days × all detectors over 60 pages: seconds on a busy machine
});

describe('frozen-run on small counts (observation 5: 6 follower-count pages at 1–100 a day)', () => {
  // The simulated Graph API's daily new follows (median page ≈16 a day, log-normal sizes): before, these blocked on
  // the 5th to 7th frozen day.
  const follows = (seed: number, frozen: boolean, days: number) => {
    const model = new SeriesModel({
      seed,
      namespace: 'graph',
      entityCount: 6,
      sizes: meta2024.graph.pages,
      metrics: meta2024.graph.metrics,
      events: frozen
        ? [
            {
              kind: 'freeze',
              day: 40,
              metric: 'page_daily_follows_unique',
              pages: [0, 1, 2, 3, 4, 5],
              mode: 'last',
            },
          ]
        : [],
      startDate: START_DAY,
      firstDay: 0,
      lastDay: 120,
    });
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 6; e++)
      series[`p${e}`] = Array.from(
        { length: days },
        (_, d) => model.value(e, 'page_daily_follows_unique', d) as number,
      );
    return historyOf(series);
  };

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])(
    'simulated page_daily_follows_unique, seed %i, frozen on day 40 → block within 3 frozen days, never on the healthy twin',
    (seed) => {
      const firstBlock = [1, 2, 3, 4].find(
        (d) => severityAfter(follows(seed, true, 40 + d))?.severity === 'block',
      );
      expect(firstBlock).toBeLessThanOrEqual(3);
      for (let days = 30; days <= 90; days++)
        expect(severityAfter(follows(seed, false, days))?.severity ?? 'none').not.toBe('block');
    },
  );

  const levels = [1, 3, 8, 20, 45, 100];
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: all six frozen on day 40 → block within 4 days', (seed) => {
    const full = levels.map((l, e) => clean(seed * 100 + e, l, 60));
    let firstBlock = 0;
    for (let d = 2; d <= 4 && !firstBlock; d++) {
      const series: Record<string, number[]> = {};
      full.forEach((v, e) => (series[`p${e}`] = freeze(v, 39).slice(0, 39 + d)));
      if (severityAfter(historyOf(series))?.severity === 'block') firstBlock = d;
    }
    expect(firstBlock).toBeGreaterThan(0);
  });

  it('property: while the evidence is short it says on which day it would block, and it blocks on that day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(fc.double({ min: 6, max: 25, noNaN: true }), { minLength: 1, maxLength: 3 }),
        (seed, lv) => {
          const full = lv.map((l, e) => clean(seed + e * 7919, l, 70));
          const at = (d: number) => {
            const series: Record<string, number[]> = {};
            full.forEach((v, e) => (series[`p${e}`] = freeze(v, 50).slice(0, 50 + d)));
            return severityAfter(historyOf(series));
          };
          for (let d = 2; d <= 12; d++) {
            const f = at(d);
            if (f?.severity !== 'warn') continue;
            // "needs N more flat days to rule out chance", then when it would block (it may need duration too).
            const m = /would block if still flat through (\d{4}-\d\d-\d\d)/.exec(f.explanation);
            if (!m || !/needs \d+ more flat days? to rule out chance at these counts/.test(f.explanation))
              return false;
            const more = dayNumber(m[1]!) - (dayNumber(START_DAY) + 50 + d - 1);
            if (more !== f.evidence['moreFlatDays']) return false;
            if (more > 1 && at(d + more - 1)?.severity === 'block') return false;
            return at(d + more)?.severity === 'block';
          }
          return true;
        },
      ),
      { numRuns: 40 },
    );
  });

  it('names the waiting day in words on a two-page panel at 6 and 10 a day, and blocks on it', () => {
    const full = [6, 10].map((l, e) => clean(40 + e, l, 70));
    const at = (d: number) => {
      const series: Record<string, number[]> = {};
      full.forEach((v, e) => (series[`p${e}`] = freeze(v, 50).slice(0, 50 + d)));
      return severityAfter(historyOf(series));
    };
    const d = [2, 3, 4, 5, 6].find((x) => at(x)?.severity === 'warn')!;
    const f = at(d)!;
    const more = Number(f.evidence['moreFlatDays']);
    expect(more).toBeGreaterThan(0);
    expect(f.explanation).toMatch(/needs \d+ more flat days? to rule out chance at these counts/);
    expect(f.explanation).toContain(
      `would block if still flat through ${dayString(dayNumber(START_DAY) + 49 + d + more)}`,
    );
    expect(at(d + more)?.severity).toBe('block');
    expect(at(d + more - 1)?.severity).toBe('warn');
  });
});
