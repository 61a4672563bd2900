// Compact in-memory history for a backtest: per source, metric and entity, day numbers and values (no text kept).
import type { SeriesColumns, SeriesPoint } from '../core/detector.js';
import type { SeriesOrigin } from '../detectors/stats/frame.js';
import { dayNumber, dayString } from '../detectors/stats/days.js';
import type { HistoryRow } from './history-file.js';

/**
 * One entity's series: parallel arrays, sorted by day on `finish()`, and what a replay keeps on it (it is the
 * series' origin on every day's grid, so carried statistics sit in its slots instead of in maps keyed by it).
 */
export interface EntityColumns extends SeriesOrigin {
  days: number[];
  values: number[];
  /** The window of points made so far (windowPoints). */
  window: SeriesPoint[] | undefined;
  /** Every point (pointsOf). */
  points: SeriesPoint[] | undefined;
  /** The series' typed columns (windowColumns), with the day array they were made from. */
  typed: { days: number[]; columns: SeriesColumns } | undefined;
  /** The replay's columns by absolute day (backtest/replay.ts). */
  grid: unknown;
  /**
   * Where the replay's last day found its window in `days` (first index, index after the last; backtest/replay.ts):
   * the next day's window is a step or two away.
   */
  windowLo: number;
  windowHi: number;
}

/**
 * An entity's columns with every slot present from the start, so all of them share one object shape.
 *
 * @example
 * const cols = entityColumns([20_000, 20_001], [4, 5]);
 */
export function entityColumns(days: number[], values: number[]): EntityColumns {
  return {
    days,
    values,
    window: undefined,
    points: undefined,
    typed: undefined,
    grid: undefined,
    windowLo: 0,
    windowHi: 0,
    baseline: undefined,
  };
}

/**
 * Collects rows into columns (about 16 bytes a row) and turns them into detector points on demand.
 *
 * @example
 * const set = new HistorySet(); set.add(row); set.finish(); set.points('src', 'm', 'p1');
 */
export class HistorySet {
  readonly sources = new Map<string, Map<string, Map<string, EntityColumns>>>();
  minDay = Infinity;
  maxDay = -Infinity;
  rows = 0;
  #dayCache = new Map<number, { day: string; periodEnd: string; seen: string }>();
  /** Day number of each ISO day read (a file has a few hundred distinct days and millions of rows). */
  #dayNumbers = new Map<string, number>();

  add(row: HistoryRow): void {
    let metrics = this.sources.get(row.source);
    if (!metrics) this.sources.set(row.source, (metrics = new Map<string, Map<string, EntityColumns>>()));
    let entities = metrics.get(row.metric);
    if (!entities) metrics.set(row.metric, (entities = new Map<string, EntityColumns>()));
    let cols = entities.get(row.entity);
    if (!cols) entities.set(row.entity, (cols = entityColumns([], [])));
    let d = this.#dayNumbers.get(row.date);
    if (d === undefined) this.#dayNumbers.set(row.date, (d = dayNumber(row.date)));
    cols.days.push(d);
    cols.values.push(row.value === null ? NaN : row.value);
    if (d < this.minDay) this.minDay = d;
    if (d > this.maxDay) this.maxDay = d;
    this.rows++;
  }

  /** Sort every series by day; a repeated day keeps the row that came last in the file. */
  finish(): void {
    for (const metrics of this.sources.values())
      for (const entities of metrics.values())
        for (const cols of entities.values()) {
          const idx = cols.days.map((_, i) => i);
          idx.sort((a, b) => cols.days[a]! - cols.days[b]! || a - b);
          const days: number[] = [];
          const values: number[] = [];
          for (const i of idx) {
            if (days.length > 0 && days[days.length - 1] === cols.days[i]) {
              values[values.length - 1] = cols.values[i]!;
              continue;
            }
            days.push(cols.days[i]!);
            values.push(cols.values[i]!);
          }
          cols.days = days;
          cols.values = values;
        }
  }

  #strings(d: number): { day: string; periodEnd: string; seen: string } {
    let s = this.#dayCache.get(d);
    if (!s) {
      const day = dayString(d);
      const next = dayString(d + 1);
      s = { day, periodEnd: `${next}T00:00:00.000Z`, seen: `${next}T06:00:00.000Z` };
      this.#dayCache.set(d, s);
    }
    return s;
  }

  /**
   * Points [lo, hi) of one series, in a new array: a replay's window of it on one day. Points are made on first use
   * and those before `lo` are let go (a replay's window only moves forward; one asked for again is made again),
   * so a long history keeps about a window's worth of point objects instead of one per row.
   */
  windowPoints(cols: EntityColumns, lo: number, hi: number): SeriesPoint[] {
    let pts = cols.window;
    if (!pts) cols.window = pts = new Array<SeriesPoint>(cols.days.length);
    const out = new Array<SeriesPoint>(hi - lo);
    for (let k = lo; k < hi; k++) out[k - lo] = pts[k] ??= this.#point(cols, k);
    for (let k = lo - 1; k >= 0 && pts[k] !== undefined; k--) pts[k] = undefined as unknown as SeriesPoint;
    return out;
  }

  /**
   * The columns of points [lo, hi) of one series, as windowPoints would make them (index-aligned with them): views of
   * the whole series' typed columns, made once per series.
   */
  windowColumns(cols: EntityColumns, lo: number, hi: number): SeriesColumns {
    let hit = cols.typed;
    if (hit?.days !== cols.days) cols.typed = hit = { days: cols.days, columns: typedColumns(cols) };
    const c = hit.columns;
    return {
      days: c.days.subarray(lo, hi),
      values: c.values.subarray(lo, hi),
      firstValues: c.firstValues.subarray(lo, hi),
      firstSeenDays: c.firstSeenDays.subarray(lo, hi),
    };
  }

  #point(cols: EntityColumns, k: number): SeriesPoint {
    const s = this.#strings(cols.days[k]!);
    const v = cols.values[k]!;
    const value = Number.isNaN(v) ? null : v;
    return {
      periodEnd: s.periodEnd,
      day: s.day,
      value,
      firstValue: value,
      jsonType: value === null ? 'null' : Number.isInteger(value) ? 'int' : 'float',
      firstSeen: s.seen,
      lastSeen: s.seen,
    };
  }

  /** Detector points of one series (built once; seen the morning after the period, as a daily poll would). */
  pointsOf(cols: EntityColumns): SeriesPoint[] {
    if (cols.points) return cols.points;
    const pts: SeriesPoint[] = new Array<SeriesPoint>(cols.days.length);
    for (let i = 0; i < cols.days.length; i++) pts[i] = this.#point(cols, i);
    cols.points = pts;
    return pts;
  }
}

/** A series' points as columns: a point's value is its first value, and it is first seen the day after its period. */
function typedColumns(cols: EntityColumns): SeriesColumns {
  const n = cols.days.length;
  const days = Int32Array.from(cols.days);
  const values = new Float64Array(n);
  const firstValues = new Float64Array(n);
  const firstSeenDays = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = cols.values[k]!;
    // NaN is null; a non-finite value is NaN among values and kept among first values (as seriesColumns does).
    values[k] = Number.isFinite(v) ? v : NaN;
    firstValues[k] = v;
    firstSeenDays[k] = days[k]! + 1;
  }
  return { days, values, firstValues, firstSeenDays };
}
