// Splits a replay's judged days into consecutive chunks of about equal work, one per worker thread.
import { FRAME_MAX_DAYS } from '../detectors/stats/frame.js';
import type { HistorySet } from './history-set.js';

/** Consecutive data days [from, to] a worker replays. */
export interface DayChunk {
  from: number;
  to: number;
}

/**
 * A day's fixed cost per series, in units of what a full window (FRAME_MAX_DAYS days) adds on top: measured on the
 * 1 M-row benchmark (10 metrics × 556 series × 180 days), a day cost ≈ 0.83 s plus ≈ 0.0023 s per day of window.
 */
const FIXED_PER_WINDOW = 3;

/**
 * Split data days [first, last] into at most `count` consecutive chunks of about equal work. A day's work is taken
 * as the series its poll reads (those with a row in the last FRAME_MAX_DAYS days) times a fixed cost plus one that
 * grows with the window: the replay carries each series' fits and statistics from one day to the next, so a day
 * costs mostly the same whatever its window, a little more with a longer one, and a panel that grows costs more late.
 *
 * @example
 * planChunks(set, set.minDay + 1, set.maxDay, 2) // [{ from, to: m }, { from: m + 1, to: set.maxDay }]
 */
export function planChunks(set: HistorySet, first: number, last: number, count: number): DayChunk[] {
  if (last < first) return [];
  // series[d - first]: series read on day d (a difference array over each series' span of days).
  const change = new Float64Array(last - first + 2);
  for (const metrics of set.sources.values())
    for (const entities of metrics.values())
      for (const cols of entities.values()) {
        if (cols.days.length === 0) continue;
        const from = Math.max(first, cols.days[0]!);
        const to = Math.min(last, cols.days[cols.days.length - 1]! + FRAME_MAX_DAYS - 1);
        if (from > to) continue;
        change[from - first]! += 1;
        change[to - first + 1]! -= 1;
      }
  const work = new Float64Array(last - first + 1);
  let series = 0;
  for (let i = 0; i < work.length; i++) {
    const window = Math.min(first + i - set.minDay + 1, FRAME_MAX_DAYS) / FRAME_MAX_DAYS;
    work[i] = ((series += change[i]!) + 1) * (FIXED_PER_WINDOW + window);
  }
  const total = work.reduce((a, b) => a + b, 0);
  const n = Math.max(1, Math.min(count, work.length));
  const chunks: DayChunk[] = [];
  let from = first;
  let done = 0;
  for (let d = first; d <= last; d++) {
    done += work[d - first]!;
    const left = last - d;
    const still = n - chunks.length - 1;
    // Close the chunk once it holds its share of the work, while days remain for the chunks still to come.
    if (still > 0 && left >= still && (done >= (total * (chunks.length + 1)) / n || left === still)) {
      chunks.push({ from, to: d });
      from = d + 1;
    }
  }
  chunks.push({ from, to: last });
  return chunks;
}
