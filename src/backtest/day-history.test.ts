// dayHistory builds a metric's grid from the backtest's columns; it must be the grid metricFrame builds from points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { seriesColumns } from '../core/history-columns.js';
import type { LazyMap } from '../core/lazy-map.js';
import { fitBaseline } from '../detectors/stats/baseline.js';
import { MISSING, metricFrame, panelDayStat, type MetricFrame } from '../detectors/stats/frame.js';
import { dayNumber } from '../detectors/stats/days.js';
import { HistorySet } from './history-set.js';
import { dayHistory } from './replay.js';
import { modelNumbers } from '../../test/helpers/model-numbers.js';

const START = '2026-01-05';
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 500 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
);

/** A finished history of source `s`, metric `m`: entity `e<i>` (or `name(i)`) has series[i][t] on day START + t. */
function historySetOf(
  series: readonly (readonly (number | null | undefined)[])[],
  name = (i: number) => `e${i}`,
): HistorySet {
  const set = new HistorySet();
  series.forEach((vals, e) =>
    vals.forEach((v, t) => {
      if (v !== undefined)
        set.add({ date: addDays(START, t), source: 's', metric: 'm', entity: name(e), value: v });
    }),
  );
  set.finish();
  return set;
}

describe('dayHistory', () => {
  it('builds the same grid as metricFrame over the same points, on every replayed day', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 140 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 150 }),
        (series, at) => {
          const set = historySetOf(series);
          const entities = set.sources.get('s')?.get('m');
          if (!entities) return;
          const d = dayNumber(START) + at;
          const h = dayHistory(set, 's', 'm', entities, d);
          const a = metricFrame(h);
          // Laying the grid made no point object.
          for (const e of h.entities.keys()) expect((h.entities as LazyMap<unknown>).isMade(e)).toBe(false);
          const fresh = { ...h, entities: new Map(h.entities), columns: new Map(h.columns) };
          const b = metricFrame(fresh);
          const points = metricFrame({ source: 's', metric: 'm', entities: new Map(h.entities) });
          expect(a).not.toBe(b);
          // The columns travel with the grid (fits carry over between days); metricFrame's series have none.
          for (const s of a.entities) expect(s.origin).toBe(entities.get(s.entity));
          // So does the metric's (panel statistics of a past day carry over); metricFrame's grid has none.
          if (a.entities.length > 0) expect(a.origin).toBe(entities);
          // A replay's row makes its point index when first read (a getter, not an own property): read it here.
          const withoutOrigin = (row: (typeof a.entities)[number]) => {
            const { origin: _, ...s } = row;
            return { ...s, pointIndex: row.pointIndex };
          };
          // A day has a point exactly where it is not MISSING (arrival's first-seen days read presence for it); the
          // grid from columns (b) and from points are compared with this one below, so all three builders keep it.
          for (const s of a.entities)
            for (let i = 0; i < a.length; i++) expect(s.pointIndex[i]! >= 0).toBe(s.presence[i] !== MISSING);
          const { origin: _frameOrigin, ...grid } = a;
          expect({ ...grid, entities: a.entities.map(withoutOrigin) }).toEqual(b);
          // The columns handed with the points are the points' columns, and the grid is the one the points give.
          for (const [e, pts] of h.entities) expect(h.columns!.get(e)).toEqual(seriesColumns(pts));
          const withoutSeen = ({ firstSeenDays: _, ...s }: (typeof a.entities)[number]) => s;
          expect({ ...b, entities: b.entities.map(withoutSeen) }).toEqual(points);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('carries a baseline fit to a later day with the same numbers a fresh fit on that day gives', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 60, maxLength: 170 }),
        fc.constantFrom('count' as const, 'ratio' as const),
        fc.integer({ min: 40, max: 169 }),
        fc.integer({ min: 1, max: 21 }),
        fc.integer({ min: 0, max: 20 }),
        (vals, kind, at, later, lag) => {
          const set = historySetOf([vals], () => 'e');
          const entities = set.sources.get('s')?.get('m');
          if (!entities) return;
          const d1 = dayNumber(START) + at;
          const h1 = dayHistory(set, 's', 'm', entities, d1);
          const f1 = metricFrame(h1);
          if (f1.entities.length === 0) return;
          // A 28-day baseline ending `lag` days before the first day's end, fitted on that day's grid…
          const last = f1.endDay - lag;
          const first = metricFrame(h1);
          fitBaseline(first, first.entities[0]!, kind, last - 27 - first.startDay, last - first.startDay, 1);
          // …and asked for again on a later day's grid (the grid slid once it was 120 days long).
          const h2 = dayHistory(set, 's', 'm', entities, d1 + later);
          const f2 = metricFrame(h2);
          if (f2.entities.length === 0) return;
          const fresh = metricFrame({ ...h2, entities: new Map(h2.entities) });
          const from = last - 27 - f2.startDay;
          const to = last - f2.startDay;
          const reused = fitBaseline(f2, f2.entities[0]!, kind, from, to, 1);
          const direct = fitBaseline(fresh, fresh.entities[0]!, kind, from, to, 1);
          if (!direct) {
            expect(reused).toBeUndefined();
            return;
          }
          expect(reused).toBeDefined();
          expect(modelNumbers(reused!, f2.length)).toEqual(modelNumbers(direct, f2.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("hands out a window's points as pointsOf has them, lets earlier ones go and makes them again when asked", () => {
    const set = new HistorySet();
    for (let t = 0; t < 200; t++)
      set.add({
        date: addDays(START, t),
        source: 's',
        metric: 'm',
        entity: 'e',
        value: t % 5 === 0 ? null : t / 4,
      });
    set.finish();
    const cols = set.sources.get('s')!.get('m')!.get('e')!;
    const all = new HistorySet();
    for (let t = 0; t < 200; t++)
      all.add({
        date: addDays(START, t),
        source: 's',
        metric: 'm',
        entity: 'e',
        value: t % 5 === 0 ? null : t / 4,
      });
    all.finish();
    const expected = all.pointsOf(all.sources.get('s')!.get('m')!.get('e')!);
    for (const [lo, hi] of [
      [0, 120],
      [30, 150],
      [80, 200],
      [10, 60],
    ] as const) {
      const w = set.windowPoints(cols, lo, hi);
      expect(w).toEqual(expected.slice(lo, hi));
    }
  });

  it('a panel statistic of a past day, kept under the grid origin, equals the same statistic on a later grid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 170 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 169 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 119 }),
        (series, at, later, back) => {
          const set = historySetOf(series);
          const entities = set.sources.get('s')?.get('m');
          if (!entities) return;
          // Every entity's presence and value on grid day i, in grid order.
          const panel = (f: MetricFrame, i: number) =>
            f.entities.map((s) => `${s.entity}:${s.presence[i]}:${s.values[i]}`).join(' ');
          const f1 = metricFrame(dayHistory(set, 's', 'm', entities, dayNumber(START) + at));
          if (f1.entities.length === 0) return;
          const day = f1.endDay - back;
          if (day < f1.startDay) return;
          const name = `panel-${at}-${later}-${back}`;
          const first = panelDayStat(f1, name, day - f1.startDay, () => panel(f1, day - f1.startDay));
          const f2 = metricFrame(dayHistory(set, 's', 'm', entities, dayNumber(START) + at + later));
          if (f2.entities.length === 0 || day < f2.startDay) return;
          const kept = panelDayStat(f2, name, day - f2.startDay, () => 'computed again');
          // Kept from the first grid, and what the later grid itself holds for that day (entities with no value
          // that day may come or go between grids; the ones with a value are the same).
          expect(kept).toBe(first);
          const withValues = (text: string) =>
            text
              .split(' ')
              .filter((c) => !c.includes(':0:'))
              .join(' ');
          expect(withValues(panel(f2, day - f2.startDay))).toBe(withValues(first));
        },
      ),
      { numRuns: 200 },
    );
  });
});
