// A metric history's series as typed-array columns, built once by whoever reads the history (the stores), with its
// point objects handed lazily.
import type { MetricHistory, SeriesColumns, SeriesPoint } from './detector.js';
import { LazyMap } from './lazy-map.js';

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
  const c = {
    days: new Int32Array(n),
    values: new Float64Array(n),
    firstValues: new Float64Array(n),
    firstSeenDays: new Int32Array(n),
  };
  return fillColumns(points, c, 0) ? c : undefined;
}

/**
 * Write the columns of `points` into `c` from index `at` on; false when a day or first-seen time does not start
 * with an ISO date.
 */
function fillColumns(points: readonly SeriesPoint[], c: SeriesColumns, at: number): boolean {
  const { days, values, firstValues, firstSeenDays } = c;
  // A series' points are usually one a day, each first seen a day after the one before: the next day number is
  // then recognised by comparing strings, without parsing or hashing them.
  let dayN = 0;
  let seenN = 0;
  for (let p = 0; p < points.length; p++) {
    const pt = points[p]!;
    days[at + p] = dayN = p === 0 ? dayNumberOf(pt.day) : nearDayNumber(pt.day, dayN);
    firstSeenDays[at + p] = seenN =
      p === 0 ? dayNumberOf(pt.firstSeen.slice(0, 10)) : nearDayNumber(pt.firstSeen, seenN);
    if (Number.isNaN(dayN) || Number.isNaN(seenN)) return false;
    const v = pt.value;
    values[at + p] = v === null || !Number.isFinite(v) ? NaN : v;
    firstValues[at + p] = pt.firstValue === null ? NaN : pt.firstValue;
  }
  return true;
}

/**
 * Whether `columns` are the columns of `points`, to the bit (NaN equal to NaN): how a reader that makes points after
 * the columns (a store reading its rows again) checks they are still the same series.
 *
 * @example
 * columnsMatch(points, seriesColumns(points)!) // true
 */
export function columnsMatch(points: readonly SeriesPoint[], columns: SeriesColumns): boolean {
  const own = seriesColumns(points);
  if (!own || own.days.length !== columns.days.length) return false;
  for (let p = 0; p < own.days.length; p++)
    if (
      own.days[p] !== columns.days[p] ||
      own.firstSeenDays[p] !== columns.firstSeenDays[p] ||
      !Object.is(own.values[p], columns.values[p]) ||
      !Object.is(own.firstValues[p], columns.firstValues[p])
    )
      return false;
  return true;
}

/**
 * A copy of `history` (the same point arrays) carrying the columns of every entity; `history` itself when a day or
 * first-seen time is not an ISO date (detectors then read the points, as they always could).
 */
export function withColumns(history: MetricHistory): MetricHistory {
  // One array per column for the whole metric, each entity's columns a view of it: a few buffers instead of four
  // per entity, which the collector would otherwise track one by one.
  let total = 0;
  for (const points of history.entities.values()) total += points.length;
  const all: SeriesColumns = {
    days: new Int32Array(total),
    values: new Float64Array(total),
    firstValues: new Float64Array(total),
    firstSeenDays: new Int32Array(total),
  };
  const columns = new Map<string, SeriesColumns>();
  let at = 0;
  for (const [entity, points] of history.entities) {
    if (!fillColumns(points, all, at)) return history;
    const end = at + points.length;
    columns.set(entity, {
      days: all.days.subarray(at, end),
      values: all.values.subarray(at, end),
      firstValues: all.firstValues.subarray(at, end),
      firstSeenDays: all.firstSeenDays.subarray(at, end),
    });
    at = end;
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

/** One entity's growing columns while a history is read. */
interface GrowingColumns {
  n: number;
  days: Int32Array;
  values: Float64Array;
  firstValues: Float64Array;
  firstSeenDays: Int32Array;
}

/**
 * A history read row by row (a store's rows in order, by period then entity), as columns only: each row gives its
 * day number, value, first value and first-seen day number. `finish` hands the points lazily, made by the reader's
 * `points(entity)` when a detector asks, index-aligned with the columns.
 *
 * @example
 * const b = new ColumnsBuilder(); for (const r of rows) b.add(r[0], r[1], r[2], r[3], r[4]);
 * b.finish('meta', 'reach', (entity) => readPoints(entity))
 */
export class ColumnsBuilder {
  readonly #entities = new Map<string, GrowingColumns>();
  #valid = true;

  /**
   * One row of `entity`: day numbers (NaN or null when the row's day or first-seen time is not an ISO date: the
   * history then has no columns), its value and first value (null when the upstream sent null).
   */
  add(
    entity: string,
    day: number | null,
    value: number | null,
    firstValue: number | null,
    firstSeenDay: number | null,
  ): void {
    let e = this.#entities.get(entity);
    if (!e) this.#entities.set(entity, (e = newColumns()));
    const p = e.n++;
    if (p === e.days.length) grow(e);
    if (!Number.isInteger(day) || !Number.isInteger(firstSeenDay)) this.#valid = false;
    e.days[p] = day ?? 0;
    e.firstSeenDays[p] = firstSeenDay ?? 0;
    e.values[p] = value === null || !Number.isFinite(value) ? NaN : value;
    e.firstValues[p] = firstValue === null ? NaN : firstValue;
  }

  /** The day number of the previous row of `entity` and of its first-seen day (undefined for its first row). */
  previous(entity: string): { day: number; firstSeenDay: number } | undefined {
    const e = this.#entities.get(entity);
    return e && e.n > 0 ? { day: e.days[e.n - 1]!, firstSeenDay: e.firstSeenDays[e.n - 1]! } : undefined;
  }

  /**
   * The history: its entities in the order they first appeared, their points made by `points(entity)` when first
   * read (they must be the rows added, in order), and the columns unless a row's day was not an ISO date.
   */
  finish(source: string, metric: string, points: (entity: string) => readonly SeriesPoint[]): MetricHistory {
    const names = [...this.#entities.keys()];
    const entities = new LazyMap<readonly SeriesPoint[]>(names, (_, entity) => points(entity));
    // A day that is not an ISO date (never from a store) leaves the detectors to read the points.
    if (!this.#valid) return { source, metric, entities };
    const columns = new Map<string, SeriesColumns>();
    for (const [entity, e] of this.#entities)
      columns.set(entity, {
        days: e.days.subarray(0, e.n),
        values: e.values.subarray(0, e.n),
        firstValues: e.firstValues.subarray(0, e.n),
        firstSeenDays: e.firstSeenDays.subarray(0, e.n),
      });
    return { source, metric, entities, columns };
  }
}

/**
 * A history read row by row from rows that carry the points' text (a store driver's row objects): the columns are
 * filled as each row arrives, the rows kept, and an entity's points made from its rows by `toPoint` only when read.
 *
 * @example
 * const b = new HistoryBuilder(seriesPointFromRow); for (const r of rows) b.add(r.entity, r, r.day, r.first_seen, r.value, r.first_value);
 * b.finish('meta', 'reach')
 */
export class HistoryBuilder<R> {
  readonly #columns = new ColumnsBuilder();
  readonly #rows = new Map<string, R[]>();
  readonly #toPoint: (row: R) => SeriesPoint;

  constructor(toPoint: (row: R) => SeriesPoint) {
    this.#toPoint = toPoint;
  }

  /** One row of `entity`, with the point's `day`, `firstSeen`, `value` and `firstValue` it holds. */
  add(
    entity: string,
    row: R,
    day: string,
    firstSeen: string,
    value: number | null,
    firstValue: number | null,
  ): void {
    let rows = this.#rows.get(entity);
    if (!rows) this.#rows.set(entity, (rows = []));
    rows.push(row);
    const prev = this.#columns.previous(entity);
    this.#columns.add(
      entity,
      prev ? nearDayNumber(day, prev.day) : dayNumberOf(day),
      value,
      firstValue,
      prev ? nearDayNumber(firstSeen, prev.firstSeenDay) : dayNumberOf(firstSeen.slice(0, 10)),
    );
  }

  finish(source: string, metric: string): MetricHistory {
    return this.#columns.finish(source, metric, (entity) =>
      this.#rows.get(entity)!.map((r) => this.#toPoint(r)),
    );
  }
}

function newColumns(): GrowingColumns {
  return {
    n: 0,
    days: new Int32Array(0),
    values: new Float64Array(0),
    firstValues: new Float64Array(0),
    firstSeenDays: new Int32Array(0),
  };
}

/** Room for twice as many rows (at least 32). */
function grow(e: GrowingColumns): void {
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
