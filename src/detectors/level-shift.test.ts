import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { levelShift } from './level-shift.js';
import { burst, countSeries, historyOf, rescale } from './testing/series.js';
import { seeded } from './testing/random.js';
import { runOn } from './testing/input.js';

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
