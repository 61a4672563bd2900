// When a metric's periods normally arrive: the learned arrival lag and the day expected to be present now.
import type { MetricHistory } from '../core/detector.js';
import { MemoSlot } from '../core/memo-slot.js';
import { dayNumber } from './stats/days.js';
import { MISSING, panelDayStat, type MetricFrame } from './stats/frame.js';
import { quantile } from './stats/robust.js';

/** Lags by frame and number of days (on the frame: see MemoSlot). */
const cache = new MemoSlot<MetricFrame, Map<number, number[]>>('upwatch.arrival');

/** Arrival lags (first-seen day − period day) of the last `days` periods, one per period (earliest entity), by day. */
export function arrivalLags(frame: MetricFrame, history: MetricHistory, days: number): number[] {
  const per = cache.get(frame) ?? cache.set(frame, new Map<number, number[]>());
  const hit = per.get(days);
  if (hit) return hit;
  const lags = computeLags(frame, history, days);
  per.set(days, lags);
  return lags;
}

function computeLags(frame: MetricFrame, history: MetricHistory, days: number): number[] {
  const from = Math.max(0, frame.length - days);
  // A grid read once (a poll) is walked entity by entity, each entity's points in order (they sit together in
  // memory); a replay's grid takes each past day's lag from the days before.
  if (!frame.origin) return lagsOfGrid(frame, history, from);
  const seenDays = everySeenDay(frame);
  const lags: number[] = [];
  for (let i = from; i < frame.length; i++) {
    const lag = panelDayStat(frame, 'arrival-lag', i, () =>
      seenDays ? dayLagOfSeenDays(frame, i) : dayLag(frame, history, i),
    );
    if (lag !== undefined) lags.push(lag);
  }
  return lags;
}

/** Whether every series of the grid carries its first-seen days (the history had columns). */
function everySeenDay(frame: MetricFrame): boolean {
  const { entities } = frame;
  if (entities.length === 0) return false;
  for (let e = 0; e < entities.length; e++) if (!entities[e]!.firstSeenDays) return false;
  return true;
}

/** The lags of grid days from..end, by day: what dayLag gives for each, in one pass over the entities. */
function lagsOfGrid(frame: MetricFrame, history: MetricHistory, from: number): number[] {
  if (everySeenDay(frame)) return lagsOfSeenDays(frame, from);
  const firstSeen = new Array<string | undefined>(frame.length);
  for (const s of frame.entities) {
    const points = history.entities.get(s.entity)!;
    for (let i = from; i < frame.length; i++) {
      const pi = s.pointIndex[i]!;
      if (pi < 0) continue;
      const seenAt = points[pi]!.firstSeen;
      const prev = firstSeen[i];
      if (prev === undefined || seenAt < prev) firstSeen[i] = seenAt;
    }
  }
  const lags: number[] = [];
  for (let i = from; i < frame.length; i++) {
    const first = firstSeen[i];
    if (first !== undefined) lags.push(dayNumber(first) - (frame.startDay + i));
  }
  return lags;
}

/**
 * lagsOfGrid from the points' first-seen day numbers: the earliest first-seen time of a period is on the earliest
 * of their UTC days (ISO times order as their days do), so the lags are the same.
 */
function lagsOfSeenDays(frame: MetricFrame, from: number): number[] {
  const firstDay = new Float64Array(frame.length).fill(Infinity);
  earliestSeenDays(frame, from, firstDay);
  const lags: number[] = [];
  for (let i = from; i < frame.length; i++)
    if (firstDay[i] !== Infinity) lags.push(firstDay[i]! - (frame.startDay + i));
  return lags;
}

/**
 * The earliest first-seen day of each grid day from `from` on, into firstDay (left as it is on a day without a
 * point). The loop is a function of its own that returns nothing: code after a loop V8 compiles mid-call must not
 * wait on type feedback, or every later call goes back to the interpreter.
 */
function earliestSeenDays(frame: MetricFrame, from: number, firstDay: Float64Array): void {
  const { entities } = frame;
  for (let e = 0; e < entities.length; e++) {
    // A day has a point exactly where its presence is not MISSING: no point index is read (a replay makes those
    // only when asked).
    const { presence, firstSeenDays } = entities[e]!;
    const seen = firstSeenDays!;
    for (let i = from; i < frame.length; i++)
      if (presence[i]! !== MISSING && seen[i]! < firstDay[i]!) firstDay[i] = seen[i]!;
  }
}

/** dayLag from the first-seen day numbers (the same lag, as lagsOfSeenDays argues). */
function dayLagOfSeenDays(frame: MetricFrame, i: number): number | undefined {
  const { entities } = frame;
  let first = Infinity;
  for (let e = 0; e < entities.length; e++) {
    const s = entities[e]!;
    if (s.presence[i]! !== MISSING && s.firstSeenDays![i]! < first) first = s.firstSeenDays![i]!;
  }
  return first === Infinity ? undefined : first - (frame.startDay + i);
}

/** Arrival lag of grid day i: the earliest first-seen day among its entities minus the period's day. */
function dayLag(frame: MetricFrame, history: MetricHistory, i: number): number | undefined {
  let first: string | undefined;
  for (const s of frame.entities) {
    const pi = s.pointIndex[i]!;
    if (pi < 0) continue;
    // The earliest arrival of a period only needs the string order of ISO times; parsed once per period.
    const seenAt = history.entities.get(s.entity)![pi]!.firstSeen;
    if (first === undefined || seenAt < first) first = seenAt;
  }
  return first === undefined ? undefined : dayNumber(first) - (frame.startDay + i);
}

/** The q-quantile of arrival lags (days), or `fallback` with fewer than `minPeriods` periods learned. */
export function normalLag(lags: number[], q: number, minPeriods: number, fallback: number): number {
  if (lags.length < minPeriods) return fallback;
  return Math.max(0, Math.ceil(quantile(lags, q)));
}
