// D2: the cross-entity distribution moved against the same weekday of the past 4 weeks (PSI), warn only.
import type { Detector } from '../core/detector.js';
import { forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, type MetricFrame } from './stats/frame.js';
import { mean, median, quantileSorted, variance } from './stats/robust.js';
import { formatNumber } from './stats/units.js';

export interface DistributionDriftOptions {
  /** Bins (quantiles of the reference). */
  bins: number;
  /** Floor of the threshold (fallback PSI when the reference is too short to learn it). */
  minPsi: number;
  /** Consecutive days the drift must hold. */
  days: number;
  minEntities: number;
  /** Same-weekday reference days (weeks back). */
  weeks: number;
}

function valuesOn(frame: MetricFrame, i: number): number[] {
  const out: number[] = [];
  if (i < 0) return out;
  for (const s of frame.entities) if (s.presence[i] === VALUE) out.push(s.values[i]!);
  return out;
}

/** Population stability index of `cur` against `ref` over quantile bins of `ref` (ε = 1e-4). */
export function psi(ref: number[], cur: number[], bins: number): number {
  // A typed-array sort orders numbers as the comparator (a, b) => a − b does, without calling back per comparison.
  const sorted = Float64Array.from(ref).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(quantileSorted(sorted, b / bins));
  const hist = (xs: number[]) => {
    const h = new Array<number>(bins).fill(0);
    for (const x of xs) {
      let k = 0;
      while (k < edges.length && x > edges[k]!) k++;
      h[k]!++;
    }
    return h.map((c) => Math.max(c / xs.length, 1e-4));
  };
  const r = hist(ref);
  const c = hist(cur);
  let s = 0;
  for (let k = 0; k < bins; k++) s += (c[k]! - r[k]!) * Math.log(c[k]! / r[k]!);
  return s;
}

export const distributionDrift: Detector<DistributionDriftOptions> = {
  id: 'distribution-drift',
  title: 'Cross-entity distribution drifted',
  description:
    'Compares today’s distribution of values across entities with the same weekday over the past 4 weeks using the ' +
    'population stability index over 10 quantile bins; the threshold is mean + 3 sd of the leave-one-out PSI of the ' +
    'reference days, floored at 0.25. Must hold 3 days in a row. Warn only: a real change or a redefinition.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { bins: 10, minPsi: 0.25, days: 3, minEntities: 30, weeks: 4 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      bins: { type: 'integer', minimum: 2 },
      minPsi: { type: 'number', exclusiveMinimum: 0 },
      days: { type: 'integer', minimum: 1 },
      minEntities: { type: 'integer', minimum: 5 },
      weeks: { type: 'integer', minimum: 2 },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const judge = (i: number) => {
      const cur = valuesOn(frame, i);
      const refs = Array.from({ length: o.weeks }, (_, w) => valuesOn(frame, i - 7 * (w + 1))).filter(
        (r) => r.length >= o.minEntities,
      );
      if (cur.length < o.minEntities || refs.length < o.weeks) return undefined;
      const loo = refs.map((r, k) => psi(refs.filter((_, j) => j !== k).flat(), r, o.bins));
      const threshold = Math.max(o.minPsi, mean(loo) + 3 * Math.sqrt(Math.max(0, variance(loo))));
      const value = psi(refs.flat(), cur, o.bins);
      return { value, threshold, m0: median(refs.flat()), m1: median(cur), drift: value > threshold };
    };
    // Today first: the days before are judged only while every day so far drifted (judge is pure).
    const today = judge(T);
    if (!today?.drift) return [];
    for (let k = 1; k < o.days; k++) if (!judge(T - k)?.drift) return [];
    return [
      {
        rule: 'distribution-drift',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: [],
        onset: dayString(frame.endDay - o.days + 1),
        evidence: {
          psi: round6(today.value),
          threshold: round6(today.threshold),
          medianBefore: round6(today.m0),
          medianNow: round6(today.m1),
          days: o.days,
        },
        explanation:
          `${metric.name}: PSI=${formatNumber(today.value)} against the same weekday of the past ${o.weeks} weeks (usual ≤${formatNumber(today.threshold)}) ` +
          `for ${o.days} days; median ${formatNumber(today.m0)}→${formatNumber(today.m1)}. Not unit-like: a real change or a redefinition.`,
      },
    ];
  }),
};
