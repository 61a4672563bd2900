// N4: settled periods (older than 3 days) were revised by more than 5 % on many entities.
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, type MetricFrame } from './stats/frame.js';
import { formatNumber } from './stats/units.js';

export interface RestatementOptions {
  /** Periods at least this old count as settled. */
  settledDays: number;
  /** How far back settled periods are checked. */
  windowDays: number;
  /** Relative revision |latest − first| / |first| that counts. */
  minChange: number;
  /** Share of a day's entities revised for the day to count. */
  minShare: number;
  minEntities: number;
}

/**
 * For each grid day from..to (index d − from): how many entities have a value and a first value, the entities whose
 * value moved from the first by more than `minChange` (in the panel's order; undefined when none) and the largest
 * such move. Read entity by entity, each series' days in order.
 */
function revisionsOf(
  frame: MetricFrame,
  from: number,
  to: number,
  minChange: number,
): { n: Int32Array; worst: Float64Array; revised: (string[] | undefined)[] } {
  const length = Math.max(0, to - from + 1);
  // Made before the loop (code after a loop V8 compiles mid-call must not wait on type feedback).
  const out = {
    n: new Int32Array(length),
    worst: new Float64Array(length),
    revised: new Array<string[] | undefined>(length).fill(undefined),
  };
  const { n, worst, revised } = out;
  const { entities } = frame;
  for (let e = 0; e < entities.length; e++) {
    const { presence, values, firstValues, entity } = entities[e]!;
    for (let i = from; i <= to; i++) {
      if (presence[i] !== VALUE) continue;
      const first = firstValues[i]!;
      if (!Number.isFinite(first)) continue;
      n[i - from]!++;
      const rel = Math.abs(values[i]! - first) / Math.max(Math.abs(first), 1e-9);
      if (rel > minChange) {
        (revised[i - from] ??= []).push(entity);
        worst[i - from] = Math.max(worst[i - from]!, rel);
      }
    }
  }
  return out;
}

export const restatement: Detector<RestatementOptions> = {
  id: 'restatement',
  title: 'Settled periods restated',
  description:
    'Compares the latest value of periods at least 3 days old with the first value seen for them: when more than ' +
    '30 % of the entities of a day were revised by over 5 %, the upstream rewrote history (a backfill, a ' +
    'redefinition). Meta does not document its revision window, so both limits are options. Warns.',
  class: 'drift',
  stage: 'volume',
  scope: 'metric',
  defaults: { settledDays: 3, windowDays: 14, minChange: 0.05, minShare: 0.3, minEntities: 3 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      settledDays: { type: 'integer', minimum: 0 },
      windowDays: { type: 'integer', minimum: 1 },
      minChange: { type: 'number', exclusiveMinimum: 0 },
      minShare: { type: 'number', minimum: 0, maximum: 1 },
      minEntities: { type: 'integer', minimum: 1 },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const from = Math.max(0, T - o.settledDays - o.windowDays + 1);
    const to = T - o.settledDays;
    const per = revisionsOf(frame, from, to, o.minChange);
    const days: { day: number; revised: string[]; n: number; worst: number }[] = [];
    for (let i = from; i <= to; i++) {
      const revised = per.revised[i - from] ?? [];
      const n = per.n[i - from]!;
      if (n >= o.minEntities && revised.length / n >= o.minShare)
        days.push({ day: i, revised, n, worst: per.worst[i - from]! });
    }
    if (days.length === 0) return [];
    const entities = [...new Set(days.flatMap((d) => d.revised))].sort();
    const worst = Math.max(...days.map((d) => d.worst));
    const first = days[0]!;
    return [
      {
        rule: 'restatement',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        subject: 'restatement',
        entities,
        entityShare: round6(first.revised.length / first.n),
        onset: dayString(frame.startDay + first.day),
        evidence: {
          daysRestated: days.length,
          largestRevision: round6(worst),
          minChange: o.minChange,
          settledDays: o.settledDays,
        },
        explanation:
          `${metric.name}: ${days.length} settled day(s) from ${dayString(frame.startDay + first.day)} were revised by more than ` +
          `${formatNumber(100 * o.minChange)} % (up to ${formatNumber(100 * worst)} %) on ${entityList(entities)}. The upstream restated history.`,
      },
    ];
  }),
};
