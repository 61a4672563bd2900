import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../core/clock.js';
import { fitBaseline } from './baseline.js';
import { metricFrame } from './frame.js';
import { historyOf } from '../../../test/helpers/detector-series.js';
import { modelNumbers } from '../../../test/helpers/model-numbers.js';

describe('fitBaseline', () => {
  it('recovers weekday factors, trend and level of a clean seasonal series', () => {
    const week = [0.3, -0.1, -0.1, 0, 0, -0.1, 0];
    const values = Array.from({ length: 42 }, (_, i) => Math.round(Math.exp(6 + 0.01 * i + week[i % 7]!)));
    const frame = metricFrame(historyOf({ p1: values }));
    const m = fitBaseline(frame, frame.entities[0]!, 'count', 14, 41)!;
    expect(m.cold).toBe(false);
    expect(m.beta).toBeCloseTo(0.01, 2);
    for (let i = 14; i <= 41; i++) expect(Math.abs(m.y[i]! - m.expected(i))).toBeLessThan(0.05);
    expect(m.sigma).toBeGreaterThanOrEqual(0.05);
  });

  it('floors the scale with the Poisson term and goes cold below 14 days', () => {
    const frame = metricFrame(historyOf({ p1: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] }));
    const m = fitBaseline(frame, frame.entities[0]!, 'count', 0, 9)!;
    expect(m.cold).toBe(true);
    expect(m.sigma).toBe(0.5);
    const frame2 = metricFrame(historyOf({ p1: Array.from({ length: 30 }, () => 3) }));
    expect(fitBaseline(frame2, frame2.entities[0]!, 'count', 0, 29)!.sigma).toBeCloseTo(0.5, 6);
    const frame3 = metricFrame(historyOf({ p1: Array.from({ length: 30 }, () => 99) }));
    expect(fitBaseline(frame3, frame3.entities[0]!, 'count', 0, 29)!.sigma).toBeCloseTo(0.1, 6);
  });

  it('needs minDays values', () => {
    const frame = metricFrame(historyOf({ p1: [1, 2, 3] }));
    expect(fitBaseline(frame, frame.entities[0]!, 'count', 0, 2)).toBeUndefined();
  });
});

describe('fitBaseline under an origin (a backtest: the same series on grids sliding a day at a time)', () => {
  const START = '2026-01-05';
  const cell = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) },
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  );

  it('gives every fit the numbers a fresh fit of the same days gives (weekday-window medians kept by day)', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 50, maxLength: 110 }),
        fc.constantFrom('count' as const, 'ratio' as const, 'gauge' as const),
        fc.integer({ min: 35, max: 70 }),
        fc.array(fc.record({ lag: fc.integer({ min: 0, max: 40 }), span: fc.integer({ min: 7, max: 40 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (vals, kind, length, ranges) => {
          const origin = {};
          for (let s = 0; s + length <= vals.length; s++) {
            const days = vals.slice(s, s + length);
            const history = () => historyOf({ p1: days }, { start: addDays(START, s) });
            const grid = metricFrame(history());
            const fresh = metricFrame(history());
            const series = grid.entities[0];
            if (!series) continue;
            series.origin = origin;
            for (const { lag, span } of ranges) {
              const to = grid.length - 1 - lag;
              const from = to - span + 1;
              const kept = fitBaseline(grid, series, kind, from, to, 1);
              const direct = fitBaseline(fresh, fresh.entities[0]!, kind, from, to, 1);
              expect(kept === undefined).toBe(direct === undefined);
              if (kept && direct)
                expect(modelNumbers(kept, grid.length)).toEqual(modelNumbers(direct, fresh.length));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
