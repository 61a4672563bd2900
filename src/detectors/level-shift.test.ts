import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { levelShift, locateOnset } from './level-shift.js';
import { burst, countSeries, historyOf, rescale } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

function panel(seed: number, n: number, edit: (v: number[], e: number) => number[] = (v) => v) {
  const series: Record<string, number[]> = {};
  for (let e = 0; e < n; e++)
    series[`p${e}`] = edit(
      countSeries(seeded(seed * 100 + e), { days: 60, level: 50 + 30 * e, weekdayAmp: 0.2, growth: 0.002 }),
      e,
    );
  return historyOf(series);
}

describe('level-shift', () => {
  it.each([
    { factor: 1.3, from: 55 },
    { factor: 0.7, from: 55 },
    { factor: 0.5, from: 57 },
  ])('panel-wide ×$factor from day $from → warn with the factor', ({ factor, from }) => {
    const h = panel(1, 40, (v) => rescale(v, from, factor, true));
    const [d] = runOn(levelShift, h);
    expect(d?.severity).toBe('warn');
    expect(Math.abs(Math.log(Number(d?.evidence['kappa']) / factor))).toBeLessThan(0.15);
    expect(Math.abs(Date.parse(d!.onset) - Date.parse(h.entities.get('p0')![from]!.day))).toBeLessThanOrEqual(
      2 * 86_400_000, // CUSUM onsets can lead by up to 2 days
    );
  });

  it.each([
    { factor: 1.3, from: 55 },
    { factor: 0.7, from: 55 },
    { factor: 0.5, from: 57 },
  ])(
    '×$factor from day $from: segmentation puts the onset on its day, with the cost it removed',
    ({ factor, from }) => {
      const h = panel(1, 40, (v) => rescale(v, from, factor, true));
      const [d] = runOn(levelShift, h);
      expect(d?.onset).toBe(h.entities.get('p0')![from]!.day);
      expect(d?.evidence['onsetMethod']).toBe('segmentation');
      expect(Number(d?.evidence['onsetCostReduction'])).toBeGreaterThan(0);
      expect(Number(d?.evidence['onsetCostShare'])).toBeGreaterThan(0.3);
      expect(d?.explanation).toMatch(
        /Onset by segmentation: the split there removes \d+ % of the 28-day variation/,
      );
    },
  );

  it.each([1, 2, 3, 4])(
    'seed %i: a shift 2 days old (shorter than a segment) still gets its own day as onset',
    (seed) => {
      const h = panel(seed, 40, (v) => rescale(v, 58, 0.5, true));
      const [d] = runOn(levelShift, h);
      expect(d?.onset).toBe(h.entities.get('p0')![58]!.day);
    },
  );

  describe('locateOnset', () => {
    const o = levelShift.defaults;
    // 35 days of standardised panel median, quiet (alternating ±0.3) until the change.
    const quiet = (i: number) => (i % 2 ? 0.3 : -0.3);
    it.each([
      {
        name: 'a step of 4 at day 28',
        u: (i: number) => quiet(i) + (i >= 28 ? 4 : 0),
        onset: 28,
        abrupt: true,
      },
      {
        name: 'a step of 4 reached over 2 days',
        u: (i: number) => quiet(i) + (i >= 29 ? 4 : i === 28 ? 2 : 0),
        onset: 28,
        abrupt: true,
      },
      {
        name: 'a drop of 3 at day 30',
        u: (i: number) => quiet(i) - (i >= 30 ? 3 : 0),
        onset: 30,
        abrupt: true,
        dir: -1 as const,
      },
      {
        name: 'a ramp of 0.6 a day from day 20',
        u: (i: number) => quiet(i) + Math.max(0, 0.6 * (i - 19)),
        abrupt: false,
      },
    ])('$name → abrupt $abrupt', ({ u, onset, abrupt, dir }) => {
      const xs = Array.from({ length: 35 }, (_, i) => u(i));
      const loc = locateOnset(xs, 34, dir ?? 1, 31, o);
      expect(loc.method).toBe('segmentation');
      expect(loc.abrupt).toBe(abrupt);
      if (onset !== undefined) expect(loc.onset - onset).toBeGreaterThanOrEqual(0);
      if (onset !== undefined) expect(loc.onset - onset).toBeLessThanOrEqual(1);
    });

    it('missing days are skipped, and a 2-day-old shift is left to the run rule', () => {
      const xs = Array.from({ length: 35 }, (_, i) => (i === 29 ? NaN : quiet(i) + (i >= 27 ? 4 : 0)));
      expect(locateOnset(xs, 34, 1, 27, o).onset).toBe(27);
      expect(locateOnset(xs, 34, 1, 33, o)).toEqual({ onset: 33, method: 'run' });
    });
  });

  it.each([
    { name: 'clean panel', edit: (v: number[]) => v },
    {
      name: '×1.4 step on a quarter of the entities',
      edit: (v: number[], e: number) => (e % 4 === 0 ? rescale(v, 55, 1.4, true) : v),
    },
    {
      name: 'bursts on a fifth of the entities',
      edit: (v: number[], e: number) => (e % 5 === 0 ? burst(v, 57, 3, 6) : v),
    },
  ])('stays quiet on $name', ({ edit }) => {
    expect(runOn(levelShift, panel(2, 40, edit))).toEqual([]);
  });

  it('needs at least 20 entities', () => {
    expect(
      runOn(
        levelShift,
        panel(3, 12, (v) => rescale(v, 55, 1.5, true)),
      ),
    ).toEqual([]);
  });

  it('property: clean panels never block (level-shift only ever warns)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e5 }), (seed) =>
        runOn(levelShift, panel(seed, 25)).every((d) => d.severity === 'warn'),
      ),
      { numRuns: 15 },
    );
  });
});
