// When a metric's periods normally arrive: the learned arrival lag and the day expected to be present now.
import type { MetricHistory } from '../core/detector.js';
import { dayNumber } from './stats/days.js';
import type { MetricFrame } from './stats/frame.js';
import { quantile } from './stats/robust.js';

const cache = new WeakMap<MetricFrame, Map<number, number[]>>();

/** Arrival lags (first-seen day − period day) of the last `days` periods, one per period (earliest entity). */
export function arrivalLags(frame: MetricFrame, history: MetricHistory, days: number): number[] {
  let per = cache.get(frame);
  if (!per) cache.set(frame, (per = new Map<number, number[]>()));
  const hit = per.get(days);
  if (hit) return hit;
  const lags = computeLags(frame, days);
  per.set(days, lags);
  void history;
  return lags;
}

function computeLags(frame: MetricFrame, days: number): number[] {
  // Earliest first-seen time per grid day, and the days in the order they were first met (the lags keep that order).
  const firstSeen = new Array<string | undefined>(frame.length);
  const order: number[] = [];
  const from = Math.max(0, frame.length - days);
  for (const s of frame.entities) {
    for (let i = from; i < frame.length; i++) {
      const pi = s.pointIndex[i]!;
      if (pi < 0) continue;
      // The earliest arrival of a period only needs the string order of ISO times; parse once per period.
      const seenAt = s.points[pi]!.firstSeen;
      const prev = firstSeen[i];
      if (prev === undefined) order.push(i);
      if (prev === undefined || seenAt < prev) firstSeen[i] = seenAt;
    }
  }
  return order.map((i) => dayNumber(firstSeen[i]!) - (frame.startDay + i));
}

/** The q-quantile of arrival lags (days), or `fallback` with fewer than `minPeriods` periods learned. */
export function normalLag(lags: number[], q: number, minPeriods: number, fallback: number): number {
  if (lags.length < minPeriods) return fallback;
  return Math.max(0, Math.ceil(quantile(lags, q)));
}
