import { describe, expect, it } from 'vitest';
import { restatement } from './restatement.js';
import { distributionDrift, psi } from './distribution-drift.js';
import { countSeries, historyOf, pointOf, START_DAY } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { addDays } from '../core/clock.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';

function restated(n: number, revise: (e: number, i: number) => number): MetricHistory {
  const entities = new Map<string, SeriesPoint[]>();
  for (let e = 0; e < n; e++) {
    const pts = countSeries(seeded(e + 1), { days: 30, level: 100 }).map((v, i) =>
      pointOf(addDays(START_DAY, i), Math.round(v * revise(e, i)), v),
    );
    entities.set(`p${e}`, pts);
  }
  return { source: 'src', metric: 'm', entities };
}

describe('restatement', () => {
  it.each([
    {
      name: 'day 20 revised +20 % on all entities',
      h: restated(5, (_e, i) => (i === 20 ? 1.2 : 1)),
      fires: true,
    },
    {
      name: 'recent days revised (not settled yet)',
      h: restated(5, (_e, i) => (i >= 28 ? 1.2 : 1)),
      fires: false,
    },
    { name: 'small revisions', h: restated(5, () => 1.01), fires: false },
  ])('$name → fires: $fires', ({ h, fires }) => {
    const drafts = runOn(restatement, h);
    expect(drafts.length > 0).toBe(fires);
    if (fires)
      expect(drafts[0]).toMatchObject({
        severity: 'warn',
        subject: 'restatement',
        onset: addDays(START_DAY, 20),
      });
  });
});

describe('distribution-drift', () => {
  function panel(edit: (v: number, e: number, i: number) => number) {
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 60; e++)
      series[`p${e}`] = countSeries(seeded(900 + e), { days: 50, level: 20 + 5 * e, weekdayAmp: 0.1 }).map(
        (v, i) => edit(v, e, i),
      );
    return historyOf(series);
  }
  it.each([
    {
      name: 'small entities tripled for 4 days (shape change)',
      h: panel((v, e, i) => (i >= 46 && e < 30 ? v * 3 : v)),
      fires: true,
    },
    { name: 'clean panel', h: panel((v) => v), fires: false },
  ])('$name → fires: $fires', ({ h, fires }) => {
    const drafts = runOn(distributionDrift, h);
    expect(drafts.length > 0).toBe(fires);
    if (fires) expect(drafts[0]!.severity).toBe('warn');
  });

  it('PSI is zero for identical samples and grows with a shift', () => {
    const ref = Array.from({ length: 200 }, (_, i) => i);
    expect(psi(ref, ref, 10)).toBeCloseTo(0, 6);
    expect(
      psi(
        ref,
        ref.map((x) => x + 100),
        10,
      ),
    ).toBeGreaterThan(1);
  });
});
