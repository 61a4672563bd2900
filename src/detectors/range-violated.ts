// Values outside the declared range (or the range the metric's kind implies: counts ≥ 0, ratio 0..1, percent 0..100).
import type { MetricContract, Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { entitiesToday, entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE } from './stats/frame.js';
import { formatNumber } from './stats/units.js';

export interface RangeViolatedOptions {
  /** Also enforce the range implied by the metric kind. */
  kindRange: boolean;
  /** Share of entities out of range from which the finding blocks. */
  escalateShare: number;
}

/** The range a metric must respect: declared, else implied by its kind. */
export function rangeOf(metric: MetricContract, kindRange: boolean): { min?: number; max?: number } {
  const implied: { min?: number; max?: number } =
    metric.kind === 'count'
      ? { min: 0 }
      : metric.kind === 'ratio'
        ? { min: 0, max: 1 }
        : metric.kind === 'percent'
          ? { min: 0, max: 100 }
          : {};
  const r = kindRange ? { ...implied } : {};
  if (metric.range?.min !== undefined) r.min = metric.range.min;
  if (metric.range?.max !== undefined) r.max = metric.range.max;
  return r;
}

export const rangeViolated: Detector<RangeViolatedOptions> = {
  id: 'range-violated',
  title: 'Value outside the declared range',
  description:
    'Checks the latest value of every entity against the range declared in the contract (`range: {min, max}`) or ' +
    'implied by the kind (count ≥ 0, ratio 0..1, percent 0..100). Warns; blocks when half the entities are out of ' +
    'range. The onset is the first day of the current out-of-range stretch.',
  class: 'scale',
  stage: 'scale',
  scope: 'metric',
  defaults: { kindRange: true, escalateShare: 0.5 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { kindRange: { type: 'boolean' }, escalateShare: { type: 'number', minimum: 0, maximum: 1 } },
  },
  detect: forMetric(({ input, frame, metric }) => {
    const range = rangeOf(metric, input.options.kindRange);
    if (range.min === undefined && range.max === undefined) return [];
    const out = (v: number) =>
      (range.min !== undefined && v < range.min) || (range.max !== undefined && v > range.max);
    const T = frame.length - 1;
    const bad: { entity: string; value: number; since: number }[] = [];
    for (const s of frame.entities) {
      if (s.presence[T] !== VALUE || !out(s.values[T]!)) continue;
      let since = T;
      for (let i = T - 1; i >= 0; i--) {
        if (s.presence[i] !== VALUE) continue;
        if (!out(s.values[i]!)) break;
        since = i;
      }
      bad.push({ entity: s.entity, value: s.values[T]!, since });
    }
    if (bad.length === 0) return [];
    const n = Math.max(1, entitiesToday(frame));
    const share = bad.length / n;
    const severity: Severity = share >= input.options.escalateShare ? 'block' : 'warn';
    const values = bad.map((b) => b.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const rangeText = `${range.min ?? '−∞'}..${range.max ?? '∞'}`;
    const onset = Math.min(...bad.map((b) => b.since));
    return [
      {
        rule: 'range-violated',
        class: 'scale',
        severity,
        source: input.source.name,
        metric: metric.name,
        entities: bad.map((b) => b.entity).sort(),
        entityShare: round6(share),
        onset: dayString(frame.startDay + onset),
        evidence: {
          min: range.min ?? null,
          max: range.max ?? null,
          lowest: lo,
          highest: hi,
          entitiesOut: bad.length,
          entitiesChecked: n,
        },
        explanation:
          `${metric.name}: ${bad.length}/${n} entities outside ${metric.range ? 'the declared' : `the ${metric.kind}`} range ${rangeText} ` +
          `since ${dayString(frame.startDay + onset)} (values ${formatNumber(lo)}–${formatNumber(hi)}): ${entityList(bad.map((b) => b.entity))}.`,
      },
    ];
  }),
};
