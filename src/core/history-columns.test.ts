// A history's columns must give detectors exactly the grid and arrival lags its point objects give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './clock.js';
import type { MetricHistory, SeriesPoint } from './detector.js';
import {
  ColumnsBuilder,
  HistoryBuilder,
  columnsMatch,
  seriesColumns,
  withColumns,
} from './history-columns.js';
import type { LazyMap } from './lazy-map.js';
import { arrivalLags } from '../detectors/arrival.js';
import { metricFrame, type MetricFrame } from '../detectors/stats/frame.js';

const START = '2026-01-27';
/** One day of one entity: a value, null, absent, a fraction, a non-finite value, or two periods on one day. */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 500 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(Infinity) },
  { weight: 1, arbitrary: fc.constant('twice' as const) },
);

function point(day: string, value: number | null, lagDays: number, hour: number): SeriesPoint {
  const seen = `${addDays(day, lagDays)}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  return {
    periodEnd: `${addDays(day, 1)}T00:00:00.000Z`,
    day,
    value,
    firstValue: value === null ? null : value + 1,
    jsonType: value === null ? 'null' : 'int',
    firstSeen: seen,
    lastSeen: seen,
  };
}

function comparable(f: MetricFrame): unknown {
  return {
    ...f,
    entities: f.entities.map((s) => ({
      entity: s.entity,
      values: [...s.values],
      firstValues: [...s.firstValues],
      presence: [...s.presence],
      pointIndex: [...s.pointIndex],
      valueCount: s.valueCount,
    })),
  };
}

describe('withColumns', () => {
  it('gives the same grid and arrival lags as the point objects', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(cell, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 })), {
            maxLength: 150,
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.integer({ min: 0, max: 40 }),
        (series, skip) => {
          const entities = new Map<string, SeriesPoint[]>();
          series.forEach((cells, e) => {
            const pts: SeriesPoint[] = [];
            cells.forEach(([v, lag, hour], t) => {
              if (v === undefined) return;
              const day = addDays(START, e * skip + t);
              if (v === 'twice') pts.push(point(day, 1, lag, hour), point(day, 2, lag + 1, hour));
              else pts.push(point(day, v, lag, hour));
            });
            entities.set(`e${e}`, pts);
          });
          const plain: MetricHistory = { source: 's', metric: 'm', entities };
          const columned = withColumns({ ...plain });
          const a = metricFrame(plain);
          const b = metricFrame(columned);
          expect(comparable(b)).toEqual(comparable(a));
          // Built point by point, in a store's order (by period, then entity), the columns are the same.
          const built = new HistoryBuilder<SeriesPoint>((p) => ({ ...p }));
          const order = [...entities].flatMap(([e, pts]) => pts.map((p, i) => ({ e, p, i })));
          order.sort((x, y) =>
            x.p.day < y.p.day ? -1 : x.p.day > y.p.day ? 1 : x.e < y.e ? -1 : x.e > y.e ? 1 : x.i - y.i,
          );
          for (const { e, p } of order) built.add(e, p, p.day, p.firstSeen, p.value, p.firstValue);
          const h = built.finish('s', 'm');
          // Laying the grid and the lags from the built columns makes no point object (a store has no entity
          // without points, and lists entities as they first appear).
          const c = metricFrame(h);
          const stored = {
            ...plain,
            entities: new Map([...h.entities.keys()].map((e) => [e, entities.get(e)!])),
          };
          const d = metricFrame(stored);
          expect(comparable(c)).toEqual(comparable(d));
          for (const days of [1, 28, 56])
            expect(arrivalLags(c, h, days)).toEqual(arrivalLags(d, stored, days));
          for (const e of h.entities.keys()) expect((h.entities as LazyMap<unknown>).isMade(e)).toBe(false);
          // The same numbers given straight (as a store computes them) build the same columns.
          const numbers = new ColumnsBuilder();
          for (const { e, p } of order) {
            const day = Math.round(Date.parse(p.day) / 86_400_000);
            numbers.add(e, day, p.value, p.firstValue, Math.floor(Date.parse(p.firstSeen) / 86_400_000));
          }
          const n = numbers.finish('s', 'm', (e) => entities.get(e)!);
          for (const [e, pts] of entities) {
            if (pts.length === 0) continue;
            expect(h.entities.get(e)).toEqual(pts);
            expect(h.columns!.get(e)).toEqual(columned.columns!.get(e));
            expect(n.columns!.get(e)).toEqual(columned.columns!.get(e));
            expect(columnsMatch(pts, n.columns!.get(e)!)).toBe(true);
          }
          for (const days of [1, 28, 56])
            expect(arrivalLags(b, columned, days)).toEqual(arrivalLags(a, plain, days));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lays out day numbers, values with NaN for null and non-finite, first values and first-seen days', () => {
    const c = seriesColumns([
      point('1970-01-02', 5, 1, 6),
      point('1970-01-03', null, 0, 23),
      point('1970-01-04', Infinity, 2, 0),
    ]);
    expect([...c!.days]).toEqual([1, 2, 3]);
    expect([...c!.values]).toEqual([5, NaN, NaN]);
    expect([...c!.firstValues]).toEqual([6, NaN, Infinity]);
    expect([...c!.firstSeenDays]).toEqual([2, 2, 5]);
  });

  it('leaves a history whose days are not ISO dates to be read from its points', () => {
    const h: MetricHistory = {
      source: 's',
      metric: 'm',
      entities: new Map([
        ['e', [point('1970-01-02', 5, 1, 6), { ...point('1970-01-03', 1, 0, 0), day: 'yesterday' }]],
      ]),
    };
    expect(withColumns(h)).toBe(h);
    expect(
      withColumns({ ...h, entities: new Map([['e', [point('1970-01-02', 5, 1, 6)]]]) }).columns?.size,
    ).toBe(1);
  });

  it('tells points that are not the columns any more (a restated value, a missing or an added point)', () => {
    const pts = [point('1970-01-02', 5, 1, 6), point('1970-01-03', null, 0, 23)];
    const c = seriesColumns(pts)!;
    expect(columnsMatch(pts, c)).toBe(true);
    expect(columnsMatch([pts[0]!, { ...pts[1]!, value: 7 }], c)).toBe(false);
    expect(columnsMatch([pts[0]!, { ...pts[1]!, firstSeen: '1970-01-05T00:00:00.000Z' }], c)).toBe(false);
    expect(columnsMatch(pts.slice(0, 1), c)).toBe(false);
    expect(columnsMatch([...pts, point('1970-01-04', 1, 0, 0)], c)).toBe(false);
  });

  it('builds no columns when a row has no ISO day, and still hands its points', () => {
    const b = new ColumnsBuilder();
    b.add('e', 1, 5, 5, 2);
    b.add('e', NaN, 6, 6, 3);
    const pts = [point('1970-01-02', 5, 1, 6)];
    const h = b.finish('s', 'm', () => pts);
    expect(h.columns).toBeUndefined();
    expect(h.entities.get('e')).toBe(pts);
  });
});
