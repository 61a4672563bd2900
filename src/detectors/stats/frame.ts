// A metric's history laid on a dense day grid (one row per entity), memoised per history object for all detectors.
import type { MetricHistory, SeriesColumns, SeriesPoint } from '../../core/detector.js';
import { LazyMap } from '../../core/lazy-map.js';
import { MemoSlot } from '../../core/memo-slot.js';
import { dayNumber, dayString } from './days.js';

/** How many days of history detectors look at, at most (H=56 days before a run of up to 64 days; baselines need 35). */
export const FRAME_MAX_DAYS = 120;

/** Presence codes on the grid. */
export const MISSING = 0;
export const NULL = 1;
export const VALUE = 2;

/** One entity's series on the grid. Index 0 is `frame.startDay`, the last index is `frame.endDay`. */
export interface EntitySeries {
  entity: string;
  /** Latest value per day; NaN when missing or null. */
  values: Float64Array;
  /** First value seen per day; NaN when missing or null. */
  firstValues: Float64Array;
  /** MISSING, NULL or VALUE per day. */
  presence: Uint8Array;
  /**
   * Index into the entity's points (`history.entities.get(entity)`, index-aligned with its columns) per day (−1 when
   * missing): ≥ 0 exactly where `presence` is not MISSING, which is cheaper to read (a backtest's grid makes this
   * index only when it is first read). Reading those points makes them when the history hands them lazily: read the
   * grid where it suffices.
   */
  pointIndex: Int32Array;
  /** Day number of the UTC day each day's point was first seen (its `firstSeen`), when the history had columns. */
  firstSeenDays?: Int32Array;
  /** Number of days with a value. */
  valueCount: number;
  /**
   * The same series on every grid it is laid on, for a caller whose value on a given day never changes once
   * present (a backtest's append-only columns): baselines fitted over the same days are then reused from one
   * day's grid to the next. Absent when the series is read afresh (a poll).
   */
  origin?: SeriesOrigin;
  /**
   * Results the statistics modules memoise for this series on this grid, one slot each (baseline fits and
   * transforms, entity shifts): kept on the series rather than in WeakMaps, which cost the collector an ephemeron
   * per series and grid (hundreds of thousands in a replay).
   */
  memo?: SeriesMemo;
}

/**
 * A series' identity across the grids it is laid on, with the slots statistics carry on it from one grid to the
 * next (each read and written only by the module named): a field on the origin, not a WeakMap keyed by it, which
 * cost a hash lookup per series, grid and detector.
 */
export interface SeriesOrigin {
  /** stats/baseline.ts */
  baseline?: unknown;
}

/** Per-series memo slots; each is read and written only by the module named. */
export interface SeriesMemo {
  /** stats/baseline.ts: transformed views and fits */
  fits?: unknown;
  /** stats/shift.ts */
  shifts?: unknown;
}

/** The dense grid of one metric. */
export interface MetricFrame {
  startDay: number;
  endDay: number;
  length: number;
  entities: EntitySeries[];
  /**
   * The same metric on every grid it is laid on, for a caller whose grids hold every entity with a value on each of
   * their days and whose values never change once present (a backtest's day-by-day views of append-only columns):
   * a statistic of one absolute day across the panel is then the same on every later grid (see panelDayStat).
   * Absent when the metric is read afresh (a poll) or cut at a regime start.
   */
  origin?: object;
}

const panelStats = new WeakMap<object, Map<string, Map<number, unknown>>>();

/**
 * A statistic of the panel on grid day i (a function of every entity's presence and values that day only), kept by
 * absolute day under the frame's origin so a replay computes it once per day instead of once per later day that
 * looks back at it. Without an origin it is computed every time.
 *
 * @example
 * const d = panelDayStat(frame, 'cardinality', i, () => dayCardinality(frame, i));
 */
export function panelDayStat<T>(frame: MetricFrame, name: string, i: number, compute: () => T): T {
  if (!frame.origin) return compute();
  let per = panelStats.get(frame.origin);
  if (!per) panelStats.set(frame.origin, (per = new Map<string, Map<number, unknown>>()));
  let days = per.get(name);
  if (!days) per.set(name, (days = new Map<number, unknown>()));
  const day = frame.startDay + i;
  if (days.has(day)) return days.get(day) as T;
  const value = compute();
  days.set(day, value);
  // Days that slid out of every grid are dropped now and then (a grid spans at most FRAME_MAX_DAYS).
  if (days.size > 2 * FRAME_MAX_DAYS)
    for (const d of days.keys()) if (d <= frame.endDay - FRAME_MAX_DAYS) days.delete(d);
  return value;
}

/** Each history's grid, on the history (a WeakMap kept a replay's grids through the young generation's collections). */
const frames = new MemoSlot<MetricHistory, MetricFrame>('upwatch.frame');
/** Each history's grid maker, when its reader primed one (see primeFrame). */
const primers = new MemoSlot<MetricHistory, () => MetricFrame>('upwatch.primer');

/**
 * Lay a history on a dense grid ending at its latest day (or `endDay` when given) and spanning at most
 * FRAME_MAX_DAYS. Memoised per history object, so every detector of a poll shares one grid.
 *
 * @example
 * const f = metricFrame(history); f.entities[0]?.values[f.length - 1] // latest value of the first entity
 */
export function metricFrame(history: MetricHistory): MetricFrame {
  const hit = frames.get(history);
  if (hit) return hit;
  const primed = primers.get(history);
  if (primed) return frames.set(history, primed());
  return frames.set(
    history,
    history.columns ? frameOfColumns(history, history.columns) : frameOfPoints(history),
  );
}

/** The grid read from point objects (a history without columns). */
function frameOfPoints(history: MetricHistory): MetricFrame {
  let end = -Infinity;
  let start = Infinity;
  for (const points of history.entities.values()) {
    if (points.length === 0) continue;
    const last = dayNumber(points[points.length - 1]!.day);
    const first = dayNumber(points[0]!.day);
    if (last > end) end = last;
    if (first < start) start = first;
  }
  if (!Number.isFinite(end)) return { startDay: 0, endDay: -1, length: 0, entities: [] };
  const length = Math.min(FRAME_MAX_DAYS, end - start + 1);
  const startDay = end - length + 1;
  const entities: EntitySeries[] = [];
  // One allocation per kind of array for the whole metric; each entity gets views.
  const count = history.entities.size;
  const allValues = new Float64Array(count * length).fill(NaN);
  const allFirst = new Float64Array(count * length).fill(NaN);
  const allPresence = new Uint8Array(count * length);
  const allIndex = new Int32Array(count * length).fill(-1);
  let row = 0;
  for (const [entity, points] of history.entities) {
    const at = row++ * length;
    const values = allValues.subarray(at, at + length);
    const firstValues = allFirst.subarray(at, at + length);
    const presence = allPresence.subarray(at, at + length);
    const pointIndex = allIndex.subarray(at, at + length);
    let valueCount = 0;
    // Daily series are usually contiguous: then the grid index follows from the position, no date parsing.
    const last = points.length > 0 ? dayNumber(points[points.length - 1]!.day) : 0;
    const contiguous = points.length > 0 && last - dayNumber(points[0]!.day) === points.length - 1;
    for (let p = points.length - 1; p >= 0; p--) {
      const pt = points[p]!;
      const i = (contiguous ? last - (points.length - 1 - p) : dayNumber(pt.day)) - startDay;
      if (i < 0) break;
      if (i >= length || pointIndex[i] !== -1) continue;
      pointIndex[i] = p;
      if (pt.value === null || !Number.isFinite(pt.value)) {
        presence[i] = NULL;
      } else {
        presence[i] = VALUE;
        values[i] = pt.value;
        valueCount++;
      }
      firstValues[i] = pt.firstValue === null ? NaN : pt.firstValue;
    }
    entities.push({ entity, values, firstValues, presence, pointIndex, valueCount });
  }
  return { startDay, endDay: end, length, entities };
}

/**
 * The grid read from the history's columns: the same grid as frameOfPoints (the same days, values, presence and
 * point indexes) without touching a point object.
 */
function frameOfColumns(history: MetricHistory, columns: ReadonlyMap<string, SeriesColumns>): MetricFrame {
  let end = -Infinity;
  let start = Infinity;
  for (const c of columns.values()) {
    const n = c.days.length;
    if (n === 0) continue;
    if (c.days[n - 1]! > end) end = c.days[n - 1]!;
    if (c.days[0]! < start) start = c.days[0]!;
  }
  if (!Number.isFinite(end)) return { startDay: 0, endDay: -1, length: 0, entities: [] };
  const length = Math.min(FRAME_MAX_DAYS, end - start + 1);
  const startDay = end - length + 1;
  const count = columns.size;
  const allValues = new Float64Array(count * length).fill(NaN);
  const allFirst = new Float64Array(count * length).fill(NaN);
  const allPresence = new Uint8Array(count * length);
  const allIndex = new Int32Array(count * length).fill(-1);
  const allSeen = new Int32Array(count * length);
  const entities: EntitySeries[] = [];
  let row = 0;
  // In the history's entity order (its keys: no point object is made).
  for (const entity of history.entities.keys()) {
    const c = columns.get(entity)!;
    const at = row++ * length;
    const values = allValues.subarray(at, at + length);
    const firstValues = allFirst.subarray(at, at + length);
    const presence = allPresence.subarray(at, at + length);
    const pointIndex = allIndex.subarray(at, at + length);
    const firstSeenDays = allSeen.subarray(at, at + length);
    const n = c.days.length;
    // As frameOfPoints: a series spanning exactly as many days as points is placed by position.
    const last = n > 0 ? c.days[n - 1]! : 0;
    const contiguous = n > 0 && last - c.days[0]! === n - 1;
    const series: EntitySeries = {
      entity,
      values,
      firstValues,
      presence,
      pointIndex,
      firstSeenDays,
      valueCount: 0,
    };
    series.valueCount = contiguous
      ? placeRun(c, series, last - (n - 1) - startDay)
      : placeByDay(c, series, startDay, length);
    entities.push(series);
  }
  return { startDay, endDay: end, length, entities };
}

/**
 * Lay a contiguous series on its grid row: point p on day p + offset (the points before the grid left out), each
 * day once. Returns how many days have a value.
 */
function placeRun(c: SeriesColumns, s: EntitySeries, offset: number): number {
  let valueCount = 0;
  for (let p = Math.max(0, -offset); p < c.days.length; p++) valueCount += placePoint(c, s, p, p + offset);
  return valueCount;
}

/**
 * Lay a series on its grid row by its day numbers, latest point first: a day seen twice keeps its latest point.
 * Returns how many days have a value.
 */
function placeByDay(c: SeriesColumns, s: EntitySeries, startDay: number, length: number): number {
  const { pointIndex } = s;
  let valueCount = 0;
  for (let p = c.days.length - 1; p >= 0; p--) {
    const i = c.days[p]! - startDay;
    if (i < 0) break;
    if (i >= length || pointIndex[i] !== -1) continue;
    valueCount += placePoint(c, s, p, i);
  }
  return valueCount;
}

/** Lay point p of the columns on grid day i of the row; 1 when it has a value, 0 when it is null. */
function placePoint(c: SeriesColumns, s: EntitySeries, p: number, i: number): number {
  s.pointIndex[i] = p;
  s.firstSeenDays![i] = c.firstSeenDays[p]!;
  s.firstValues[i] = c.firstValues[p]!;
  const v = c.values[p]!;
  if (Number.isNaN(v)) {
    s.presence[i] = NULL;
    return 0;
  }
  s.presence[i] = VALUE;
  s.values[i] = v;
  return 1;
}

/**
 * Memoise `frame` as the grid of `history`, for a caller that holds the series as day/value columns and builds the
 * grid without reading point objects (the backtest). It must be exactly what metricFrame(history) would build. A
 * function is called when a detector first asks for the grid, and again after forgetFrame.
 *
 * @example
 * primeFrame(history, frame); metricFrame(history) === frame // true
 * primeFrame(history, () => layGrid(columns)); // laid on first use
 */
export function primeFrame(history: MetricHistory, frame: MetricFrame | (() => MetricFrame)): void {
  if (typeof frame === 'function') primers.set(history, frame);
  else frames.set(history, frame);
}

/**
 * Let the grid of `history` go (and everything memoised on its series): the detection pass does so after a metric's
 * detectors ran, so the grid dies young. A later metricFrame(history) lays it again, to the same numbers.
 *
 * @example
 * forgetFrame(history); metricFrame(history) // a new grid, equal to the one before
 */
export function forgetFrame(history: MetricHistory): void {
  frames.forget(history);
}

/** ISO day of a grid index. */
export function frameDay(frame: MetricFrame, i: number): string {
  return dayString(frame.startDay + i);
}

/**
 * A copy of a history keeping only days ≥ `fromDay` (and ≤ `untilDay` when given): how a regime start
 * re-baselines a metric and how the backtest replays day by day. A history with columns is cut on its columns and
 * hands the kept points lazily (the same point objects, made when read).
 */
export function sliceHistory(history: MetricHistory, fromDay?: string, untilDay?: string): MetricHistory {
  const { columns } = history;
  if (
    columns &&
    (fromDay === undefined || ISO_DAY.test(fromDay)) &&
    (untilDay === undefined || ISO_DAY.test(untilDay))
  )
    return sliceColumns(history, columns, fromDay, untilDay);
  const entities = new Map<string, readonly SeriesPoint[]>();
  for (const [entity, points] of history.entities) {
    const kept = points.filter(
      (p) => (fromDay === undefined || p.day >= fromDay) && (untilDay === undefined || p.day <= untilDay),
    );
    if (kept.length > 0) entities.set(entity, kept);
  }
  return { source: history.source, metric: history.metric, entities };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * sliceHistory on the columns: a point's ISO day is ≥ an ISO day exactly when its day number is, so the same points
 * are kept (a run of consecutive points, the usual case, as views of the columns).
 */
function sliceColumns(
  history: MetricHistory,
  columns: ReadonlyMap<string, SeriesColumns>,
  fromDay: string | undefined,
  untilDay: string | undefined,
): MetricHistory {
  const from = fromDay === undefined ? -Infinity : dayNumber(fromDay);
  const until = untilDay === undefined ? Infinity : dayNumber(untilDay);
  const names: string[] = [];
  const keptColumns = new Map<string, SeriesColumns>();
  const keptIndex: (readonly number[] | { lo: number; hi: number })[] = [];
  for (const entity of history.entities.keys()) {
    const c = columns.get(entity)!;
    const kept: number[] = [];
    for (let p = 0; p < c.days.length; p++) if (c.days[p]! >= from && c.days[p]! <= until) kept.push(p);
    if (kept.length === 0) continue;
    const lo = kept[0]!;
    const hi = kept[kept.length - 1]! + 1;
    const run = hi - lo === kept.length;
    names.push(entity);
    keptIndex.push(run ? { lo, hi } : kept);
    keptColumns.set(entity, run ? columnsRange(c, lo, hi) : columnsAt(c, kept));
  }
  const entities = new LazyMap<readonly SeriesPoint[]>(names, (i, entity) => {
    const points = history.entities.get(entity)!;
    const k = keptIndex[i]!;
    return 'lo' in k ? points.slice(k.lo, k.hi) : k.map((p) => points[p]!);
  });
  return { source: history.source, metric: history.metric, entities, columns: keptColumns };
}

function columnsRange(c: SeriesColumns, lo: number, hi: number): SeriesColumns {
  return {
    days: c.days.subarray(lo, hi),
    values: c.values.subarray(lo, hi),
    firstValues: c.firstValues.subarray(lo, hi),
    firstSeenDays: c.firstSeenDays.subarray(lo, hi),
  };
}

function columnsAt(c: SeriesColumns, at: readonly number[]): SeriesColumns {
  return {
    days: Int32Array.from(at, (p) => c.days[p]!),
    values: Float64Array.from(at, (p) => c.values[p]!),
    firstValues: Float64Array.from(at, (p) => c.firstValues[p]!),
    firstSeenDays: Int32Array.from(at, (p) => c.firstSeenDays[p]!),
  };
}
