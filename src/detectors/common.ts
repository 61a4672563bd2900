// Helpers every statistical detector shares: reading its metric input, listing entities in words, severity escalation.
import type { MetricContract } from '../core/contract.js';
import type { DetectorInput, MetricHistory } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { metricFrame, type MetricFrame } from './stats/frame.js';

/** The metric, its history and its grid, when the input is a metric-scope input with history. */
export function metricInput<O>(
  input: DetectorInput<O>,
): { metric: MetricContract; history: MetricHistory; frame: MetricFrame } | undefined {
  const { metric, history } = input;
  if (!metric || !history) return undefined;
  const frame = metricFrame(history);
  if (frame.length === 0) return undefined;
  return { metric, history, frame };
}

/** What a metric detector works on: the metric, its history and day grid, the options, and the grid's last day. */
export interface MetricCase<O> {
  input: DetectorInput<O>;
  metric: MetricContract;
  history: MetricHistory;
  frame: MetricFrame;
  /** The detector's options, defaults and overrides applied. */
  o: O;
  /** Index of the grid's last day (today). */
  T: number;
}

/**
 * The `detect` of a metric detector: no findings without a metric history (or with an empty one), else `body`'s.
 *
 * @example
 * detect: forMetric(({ frame, metric, o, T }) => (frame.entities.length < o.minEntities ? [] : …)),
 */
export function forMetric<O>(
  body: (c: MetricCase<O>) => FindingDraft[],
): (input: DetectorInput<O>) => FindingDraft[] {
  return (input) => {
    const m = metricInput(input);
    // Named keys, not a spread of m: a spread copies key by key at run time, once per detector, metric and day.
    return m
      ? body({ input, metric: m.metric, history: m.history, frame: m.frame, o: input.options, T: m.frame.length - 1 })
      : [];
  };
}

/**
 * Entities in words: `p1, p2 and 3 more`.
 *
 * @example
 * entityList(['a', 'b', 'c', 'd'], 2) // 'a, b and 2 more'
 */
export function entityList(entities: readonly string[], max = 3): string {
  if (entities.length === 0) return 'no entity';
  if (entities.length <= max) {
    if (entities.length === 1) return entities[0]!;
    return `${entities.slice(0, -1).join(', ')} and ${entities[entities.length - 1]!}`;
  }
  return `${entities.slice(0, max).join(', ')} and ${entities.length - max} more`;
}

/** Entities with any point (value or null) on the grid's last day. */
export function entitiesToday(frame: MetricFrame): number {
  const T = frame.length - 1;
  const { entities } = frame;
  let n = 0;
  for (let e = 0; e < entities.length; e++) if (entities[e]!.presence[T]! > 0) n++;
  return n;
}

/**
 * Entities with any point (value or null) on each grid day from..to (index d − from), counted entity by entity:
 * each series' row is read once, in order, instead of every series once per day.
 *
 * @example
 * presentCounts(frame, T - 27, T)[27] === entitiesToday(frame) // true
 */
export function presentCounts(frame: MetricFrame, from: number, to: number): Int32Array {
  const counts = new Int32Array(Math.max(0, to - from + 1));
  const { entities } = frame;
  for (let e = 0; e < entities.length; e++) {
    const presence = entities[e]!.presence;
    for (let i = from; i <= to; i++) if (presence[i]! > 0) counts[i - from]!++;
  }
  return counts;
}

/** Round a number for evidence (6 significant digits). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}
