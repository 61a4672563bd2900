// A HistorySet's columns in shared memory, so worker threads replaying parts of it read the same rows without a copy
// of the file or of the parsed history each.
import { HistorySet, entityColumns, type EntityColumns } from './history-set.js';

/** One series of a shared history: where its days and values lie in the shared columns. */
type SeriesIndex = [source: string, metric: string, entity: string, start: number, length: number];

/** A HistorySet's columns laid end to end in SharedArrayBuffers (days as day numbers, null values as NaN). */
export interface SharedHistory {
  minDay: number;
  maxDay: number;
  rows: number;
  /** Every series in the set's order (sources, metrics and entities keep their first-seen order). */
  series: SeriesIndex[];
  days: Int32Array;
  values: Float64Array;
}

/**
 * Lay the finished `set`'s columns into shared memory (about 12 bytes a row, shared by every thread).
 *
 * @example
 * const shared = shareHistory(set); new Worker(url, { workerData: shared }); // the worker calls historyOf(shared)
 */
export function shareHistory(set: HistorySet): SharedHistory {
  let total = 0;
  for (const metrics of set.sources.values())
    for (const entities of metrics.values()) for (const cols of entities.values()) total += cols.days.length;
  const days = new Int32Array(new SharedArrayBuffer(Math.max(1, total) * 4));
  const values = new Float64Array(new SharedArrayBuffer(Math.max(1, total) * 8));
  const series: SeriesIndex[] = [];
  let at = 0;
  for (const [source, metrics] of set.sources)
    for (const [metric, entities] of metrics)
      for (const [entity, cols] of entities) {
        days.set(cols.days, at);
        values.set(cols.values, at);
        series.push([source, metric, entity, at, cols.days.length]);
        at += cols.days.length;
      }
  return { minDay: set.minDay, maxDay: set.maxDay, rows: set.rows, series, days, values };
}

/**
 * A HistorySet over a shared history's rows: new column objects (so nothing cached on another set's columns is
 * shared), the same sources, metrics, entities and order as the set it was made from.
 */
export function historyOf(shared: SharedHistory): HistorySet {
  const set = new HistorySet();
  for (const [source, metric, entity, start, length] of shared.series) {
    let metrics = set.sources.get(source);
    if (!metrics) set.sources.set(source, (metrics = new Map<string, Map<string, EntityColumns>>()));
    let entities = metrics.get(metric);
    if (!entities) metrics.set(metric, (entities = new Map<string, EntityColumns>()));
    entities.set(
      entity,
      entityColumns(
        Array.from(shared.days.subarray(start, start + length)),
        Array.from(shared.values.subarray(start, start + length)),
      ),
    );
  }
  set.minDay = shared.minDay;
  set.maxDay = shared.maxDay;
  set.rows = shared.rows;
  return set;
}
