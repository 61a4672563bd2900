// A metric history's series as typed-array columns, built once by whoever reads the history (the stores).
import type { MetricHistory, SeriesColumns, SeriesPoint } from './detector.js';

/**
 * The columns of one entity's points: day numbers, values (NaN for null or not finite), first values (NaN for
 * null) and the day each first arrived, index-aligned with the points.
 *
 * @example
 * seriesColumns([{ day: '1970-01-02', value: 5, firstValue: 4, firstSeen: '1970-01-03T06:00:00Z', … }]) // { days: [1], values: [5], firstValues: [4], firstSeenDays: [2] }
 */
export function seriesColumns(points: readonly SeriesPoint[]): SeriesColumns {
  const n = points.length;
  const days = new Int32Array(n);
  const values = new Float64Array(n);
  const firstValues = new Float64Array(n);
  const firstSeenDays = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const pt = points[p]!;
    days[p] = dayNumberOf(pt.day);
    const v = pt.value;
    values[p] = v === null || !Number.isFinite(v) ? NaN : v;
    firstValues[p] = pt.firstValue === null ? NaN : pt.firstValue;
    firstSeenDays[p] = dayNumberOf(pt.firstSeen.slice(0, 10));
  }
  return { days, values, firstValues, firstSeenDays };
}

/** A copy of `history` (the same point arrays) carrying the columns of every entity. */
export function withColumns(history: MetricHistory): MetricHistory {
  const columns = new Map<string, SeriesColumns>();
  for (const [entity, points] of history.entities) columns.set(entity, seriesColumns(points));
  return { source: history.source, metric: history.metric, entities: history.entities, columns };
}

const dayNumbers = new Map<string, number>();

/** dayNumber of an ISO day, remembered: a history has a few hundred distinct days and millions of points. */
function dayNumberOf(day: string): number {
  let n = dayNumbers.get(day);
  if (n === undefined) {
    if (dayNumbers.size >= 100_000) dayNumbers.clear();
    // detectors/stats/days.ts's dayNumber (core imports nothing internal; the columns' test compares the grids).
    dayNumbers.set(
      day,
      (n = Math.round(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000)),
    );
  }
  return n;
}
