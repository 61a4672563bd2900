// A metric history's series as typed-array columns, built once by whoever reads the history (the stores).
import type { MetricHistory, SeriesColumns, SeriesPoint } from './detector.js';

/**
 * The columns of one entity's points: day numbers, values (NaN for null or not finite), first values (NaN for
 * null) and the day each first arrived, index-aligned with the points; undefined when a day or first-seen time
 * does not start with an ISO date.
 *
 * @example
 * seriesColumns([{ day: '1970-01-02', value: 5, firstValue: 4, firstSeen: '1970-01-03T06:00:00Z', … }]) // { days: [1], values: [5], firstValues: [4], firstSeenDays: [2] }
 */
export function seriesColumns(points: readonly SeriesPoint[]): SeriesColumns | undefined {
  const n = points.length;
  const days = new Int32Array(n);
  const values = new Float64Array(n);
  const firstValues = new Float64Array(n);
  const firstSeenDays = new Int32Array(n);
  // A series' points are usually one a day, each first seen a day after the one before: the next day number is
  // then recognised by comparing strings, without parsing or hashing them.
  let dayN = 0;
  let seenN = 0;
  for (let p = 0; p < n; p++) {
    const pt = points[p]!;
    days[p] = dayN = p === 0 ? dayNumberOf(pt.day) : nearDayNumber(pt.day, dayN);
    firstSeenDays[p] = seenN =
      p === 0 ? dayNumberOf(pt.firstSeen.slice(0, 10)) : nearDayNumber(pt.firstSeen, seenN);
    if (Number.isNaN(dayN) || Number.isNaN(seenN)) return undefined;
    const v = pt.value;
    values[p] = v === null || !Number.isFinite(v) ? NaN : v;
    firstValues[p] = pt.firstValue === null ? NaN : pt.firstValue;
  }
  return { days, values, firstValues, firstSeenDays };
}

/**
 * A copy of `history` (the same point arrays) carrying the columns of every entity; `history` itself when a day or
 * first-seen time is not an ISO date (detectors then read the points, as they always could).
 */
export function withColumns(history: MetricHistory): MetricHistory {
  const columns = new Map<string, SeriesColumns>();
  for (const [entity, points] of history.entities) {
    const c = seriesColumns(points);
    if (c === undefined) return history;
    columns.set(entity, c);
  }
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

const dayStrings = new Map<number, string>();

/** The ISO day of a day number, remembered. */
function dayStringOf(n: number): string {
  let s = dayStrings.get(n);
  if (s === undefined) {
    if (dayStrings.size >= 100_000) dayStrings.clear();
    dayStrings.set(n, (s = new Date(n * 86_400_000).toISOString().slice(0, 10)));
  }
  return s;
}

/** The day number of an ISO day or date-time, checking first whether it is day `prev` or the day after. */
function nearDayNumber(iso: string, prev: number): number {
  if (iso.startsWith(dayStringOf(prev + 1))) return prev + 1;
  if (iso.startsWith(dayStringOf(prev))) return prev;
  return dayNumberOf(iso.slice(0, 10));
}

/** One entity's points and growing columns while a history is read. */
interface EntityColumns {
  points: SeriesPoint[];
  days: Int32Array;
  values: Float64Array;
  firstValues: Float64Array;
  firstSeenDays: Int32Array;
}

/**
 * A history read point by point (a store's rows in order), its columns filled as each point arrives, while the
 * point is fresh in memory: `finish()` gives what `withColumns` gives over the same points.
 *
 * @example
 * const b = new HistoryBuilder(); for (const r of rows) b.add(r.entity, pointOf(r)); b.finish('meta', 'reach')
 */
export class HistoryBuilder {
  readonly #entities = new Map<string, EntityColumns>();
  #valid = true;

  add(entity: string, pt: SeriesPoint): void {
    let e = this.#entities.get(entity);
    if (!e) this.#entities.set(entity, (e = newEntity()));
    const p = e.points.length;
    if (p === e.days.length) grow(e);
    e.points.push(pt);
    const day = p === 0 ? dayNumberOf(pt.day) : nearDayNumber(pt.day, e.days[p - 1]!);
    const seen =
      p === 0 ? dayNumberOf(pt.firstSeen.slice(0, 10)) : nearDayNumber(pt.firstSeen, e.firstSeenDays[p - 1]!);
    if (Number.isNaN(day) || Number.isNaN(seen)) this.#valid = false;
    e.days[p] = day;
    e.firstSeenDays[p] = seen;
    const v = pt.value;
    e.values[p] = v === null || !Number.isFinite(v) ? NaN : v;
    e.firstValues[p] = pt.firstValue === null ? NaN : pt.firstValue;
  }

  finish(source: string, metric: string): MetricHistory {
    const entities = new Map<string, SeriesPoint[]>();
    const columns = new Map<string, SeriesColumns>();
    for (const [entity, e] of this.#entities) {
      const n = e.points.length;
      entities.set(entity, e.points);
      const [days, values, firstValues, firstSeenDays] = [e.days, e.values, e.firstValues, e.firstSeenDays];
      columns.set(entity, {
        days: days.subarray(0, n),
        values: values.subarray(0, n),
        firstValues: firstValues.subarray(0, n),
        firstSeenDays: firstSeenDays.subarray(0, n),
      });
    }
    // A day that is not an ISO date (never from a store) leaves the detectors to read the points.
    return this.#valid ? { source, metric, entities, columns } : { source, metric, entities };
  }
}

function newEntity(): EntityColumns {
  return {
    points: [],
    days: new Int32Array(0),
    values: new Float64Array(0),
    firstValues: new Float64Array(0),
    firstSeenDays: new Int32Array(0),
  };
}

/** Room for twice as many points (at least 32). */
function grow(e: EntityColumns): void {
  const size = Math.max(32, 2 * e.days.length);
  const days = new Int32Array(size);
  days.set(e.days);
  const values = new Float64Array(size);
  values.set(e.values);
  const firstValues = new Float64Array(size);
  firstValues.set(e.firstValues);
  const firstSeenDays = new Int32Array(size);
  firstSeenDays.set(e.firstSeenDays);
  Object.assign(e, { days, values, firstValues, firstSeenDays });
}
