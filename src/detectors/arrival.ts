// When a metric's periods normally arrive: the learned arrival lag and the day expected to be present now.
import type { MetricHistory } from '../core/detector.js';
import { dayNumber } from './stats/days.js';
import type { MetricFrame } from './stats/frame.js';
import { quantile } from './stats/robust.js';

/** Arrival lags (first-seen day − period day) of the last `days` periods, one per period (earliest entity). */
export function arrivalLags(frame: MetricFrame, history: MetricHistory, days: number): number[] {
  const first = new Map<number, number>();
  for (const s of frame.entities) {
    for (let i = Math.max(0, frame.length - days); i < frame.length; i++) {
      const pi = s.pointIndex[i]!;
      if (pi < 0) continue;
      const seen = dayNumber(s.points[pi]!.firstSeen);
      const prev = first.get(i);
      if (prev === undefined || seen < prev) first.set(i, seen);
    }
  }
  void history;
  return [...first.entries()].map(([i, seen]) => seen - (frame.startDay + i));
}

/** The q-quantile of arrival lags (days), or `fallback` with fewer than `minPeriods` periods learned. */
export function normalLag(lags: number[], q: number, minPeriods: number, fallback: number): number {
  if (lags.length < minPeriods) return fallback;
  return Math.max(0, Math.ceil(quantile(lags, q)));
}
