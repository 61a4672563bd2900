// Helpers that read a history's columns instead of its points must give what the points give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';
import { seriesColumns, withColumns } from '../core/history-columns.js';
import { historyDaysBefore } from './run.js';
import { metricFrame, sliceHistory } from './stats/frame.js';

const START = '2026-01-27';

function point(day: string, value: number | null, lag: number): SeriesPoint {
  const seen = `${addDays(day, lag)}T06:00:00.000Z`;
  return {
    periodEnd: `${addDays(day, 1)}T00:00:00.000Z`,
    day,
    value,
    firstValue: value,
    jsonType: value === null ? 'null' : 'int',
    firstSeen: seen,
    lastSeen: seen,
  };
}

/** Entities of up to 60 days from START (some days absent, some null, some twice), ascending. */
const histories = fc
  .array(
    fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: 50 }) },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant('twice' as const) },
      ),
      { maxLength: 60 },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((series): MetricHistory => {
    const entities = new Map<string, SeriesPoint[]>();
    series.forEach((cells, e) => {
      const pts: SeriesPoint[] = [];
      cells.forEach((v, t) => {
        if (v === undefined) return;
        const day = addDays(START, t);
        if (v === 'twice') pts.push(point(day, 1, 1), point(day, 2, 2));
        else pts.push(point(day, v, 1));
      });
      entities.set(`e${e}`, pts);
    });
    return { source: 's', metric: 'm', entities };
  });
const day = fc.integer({ min: -2, max: 62 }).map((t) => addDays(START, t));

describe('reading columns instead of points', () => {
  it('sliceHistory keeps the same points, with their columns, and lays the same grid', () => {
    fc.assert(
      fc.property(histories, fc.option(day), fc.option(day), (plain, from, until) => {
        const columned = withColumns(plain);
        expect(columned.columns).toBeDefined();
        const a = sliceHistory(plain, from ?? undefined, until ?? undefined);
        const b = sliceHistory(columned, from ?? undefined, until ?? undefined);
        expect(b.columns).toBeDefined();
        expect([...b.entities.keys()]).toEqual([...a.entities.keys()]);
        for (const [e, pts] of a.entities) {
          expect(b.entities.get(e)).toEqual(pts);
          expect(b.columns!.get(e)).toEqual(seriesColumns(pts));
        }
        const { entities: fa, ...fga } = metricFrame(a);
        const { entities: fb, ...fgb } = metricFrame(b);
        expect(fgb).toEqual(fga);
        expect(fb.map(({ firstSeenDays: _, ...s }) => s)).toEqual(fa);
      }),
      { numRuns: 300 },
    );
  });

  it('historyDaysBefore counts the same days', () => {
    fc.assert(
      fc.property(histories, day, fc.integer({ min: 1, max: 70 }), (plain, before, enough) => {
        const columned = withColumns(plain);
        expect(historyDaysBefore(columned, before)).toBe(historyDaysBefore(plain, before));
        expect(historyDaysBefore(columned, before, enough)).toBe(historyDaysBefore(plain, before, enough));
      }),
      { numRuns: 300 },
    );
  });
});
