// D2: the cross-entity distribution moved against the same weekday of the past 4 weeks (PSI), warn only.
import type { Detector } from '../core/detector.js';
import { forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, panelDayStat, type MetricFrame } from './stats/frame.js';
import { mean, quantileSorted, variance } from './stats/robust.js';
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

/** The panel's values on grid day i, sorted (empty before the grid). */
function sortedValuesOn(frame: MetricFrame, i: number): Float64Array {
  if (i < 0) return new Float64Array(0);
  return panelDayStat(frame, 'distribution', i, () => valuesOn(frame, i).sort());
}

/** The panel's values on grid day i, in the panel's order. */
function valuesOn(frame: MetricFrame, i: number): Float64Array {
  const { entities } = frame;
  let n = 0;
  for (let e = 0; e < entities.length; e++) if (entities[e]!.presence[i] === VALUE) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let e = 0; e < entities.length; e++) {
    const s = entities[e]!;
    if (s.presence[i] === VALUE) out[k++] = s.values[i]!;
  }
  return out;
}

/** The values of several sorted arrays in one sorted array (what sorting their concatenation gives). */
function mergeSorted(arrays: readonly Float64Array[]): Float64Array {
  let merged = arrays[0] ?? new Float64Array(0);
  for (let a = 1; a < arrays.length; a++) {
    const x = merged;
    const y = arrays[a]!;
    const out = new Float64Array(x.length + y.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < x.length && j < y.length) out[k++] = x[i]! <= y[j]! ? x[i++]! : y[j++]!;
    while (i < x.length) out[k++] = x[i++]!;
    while (j < y.length) out[k++] = y[j++]!;
    merged = out;
  }
  return merged;
}

/** Population stability index of `cur` against `ref` over quantile bins of `ref` (ε = 1e-4). */
export function psi(ref: number[], cur: number[], bins: number): number {
  // A typed-array sort orders numbers as the comparator (a, b) => a − b does, without calling back per comparison.
  return psiSorted(Float64Array.from(ref).sort(), cur, bins);
}

/** psi with the reference already sorted (bin counts do not depend on the order of the values). */
function psiSorted(sorted: Float64Array, cur: ArrayLike<number>, bins: number): number {
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(quantileSorted(sorted, b / bins));
  const r = binShares(sorted, edges, bins);
  const c = binShares(cur, edges, bins);
  let s = 0;
  for (let k = 0; k < bins; k++) s += (c[k]! - r[k]!) * Math.log(c[k]! / r[k]!);
  return s;
}

/** The share of `xs` in each bin below, between and above `edges`, floored at 1e-4. */
function binShares(xs: ArrayLike<number>, edges: readonly number[], bins: number): Float64Array {
  const h = new Float64Array(bins);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    let k = 0;
    while (k < edges.length && x > edges[k]!) k++;
    h[k]!++;
  }
  for (let k = 0; k < bins; k++) h[k] = Math.max(h[k]! / xs.length, 1e-4);
  return h;
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
    // Each day's values are sorted once (and, in a replay, once per day of the replay): a reference is their merge.
    const judge = (i: number) => {
      const cur = sortedValuesOn(frame, i);
      const refs = Array.from({ length: o.weeks }, (_, w) => sortedValuesOn(frame, i - 7 * (w + 1))).filter(
        (r) => r.length >= o.minEntities,
      );
      if (cur.length < o.minEntities || refs.length < o.weeks) return undefined;
      const loo = refs.map((r, k) => psiSorted(mergeSorted(refs.filter((_, j) => j !== k)), r, o.bins));
      const threshold = Math.max(o.minPsi, mean(loo) + 3 * Math.sqrt(Math.max(0, variance(loo))));
      const all = mergeSorted(refs);
      const value = psiSorted(all, cur, o.bins);
      return {
        value,
        threshold,
        m0: quantileSorted(all, 0.5),
        m1: quantileSorted(cur, 0.5),
        drift: value > threshold,
      };
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
