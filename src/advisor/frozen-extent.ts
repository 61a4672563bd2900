// The days an entity's series stayed frozen: the run of one repeated value that a frozen finding's onset falls in.
import type { SeriesPoint } from '../core/detector.js';

/**
 * From `onset` (the finding's first bad day: the detector decides whether the run's first value is already bad) to
 * the last day of the run of equal values that holds it, or undefined when the series has no value on that day. A
 * run that has not ended ends on the series' last day.
 *
 * @example
 * frozenExtent([p('03-01', 5), p('03-02', 7), p('03-03', 7), p('03-04', 7), p('03-05', 9)], '2026-03-03')
 * // { from: '2026-03-03', to: '2026-03-04' }
 */
export function frozenExtent(
  series: readonly Pick<SeriesPoint, 'day' | 'value'>[],
  onset: string,
): { from: string; to: string } | undefined {
  const at = series.findIndex((p) => p.day >= onset);
  const point = series[at];
  if (at < 0 || point === undefined || point.day !== onset || point.value === null) return undefined;
  const v = point.value;
  let last = at;
  while (last + 1 < series.length && series[last + 1]!.value === v) last++;
  return { from: onset, to: series[last]!.day };
}
