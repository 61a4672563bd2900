// N1: more entities sent null today than the metric's null rate allows; never-null metrics turning null.
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { NULL, VALUE, type MetricFrame } from './stats/frame.js';
import { binomialUpperTail } from './stats/probability.js';
import { formatNumber, formatProbability } from './stats/units.js';

export interface NullRateOptions {
  /** Binomial tail probability below which the null count is abnormal. */
  alpha: number;
  /** Smallest rise of the null rate, in percentage points. */
  minRisePp: number;
  baselineDays: number;
  /** A metric never null over this many days that now has `contractEntities` null entities breaks its contract. */
  contractDays: number;
  contractEntities: number;
  /** Share of null entities from which a contract break blocks. */
  escalateShare: number;
}

function dayCounts(
  frame: MetricFrame,
  i: number,
): { nulls: number; present: number; nullEntities: string[] } {
  let nulls = 0;
  let present = 0;
  const nullEntities: string[] = [];
  for (const s of frame.entities) {
    const p = s.presence[i]!;
    if (p === NULL) {
      nulls++;
      present++;
      nullEntities.push(s.entity);
    } else if (p === VALUE) present++;
  }
  return { nulls, present, nullEntities };
}

export const nullRate: Detector<NullRateOptions> = {
  id: 'null-rate',
  title: 'Null rate jumped',
  description:
    'Compares the number of entities that sent null today with the metric’s 28-day null rate (Jeffreys-smoothed) ' +
    'and fires when the binomial tail is below 1e-4 and the rate rose by at least 5 points. A metric never null ' +
    'for 28 days that now has 3 or more null entities breaks its contract (blocks when half the panel is null). ' +
    'An all-null metric suppresses scale and freeze findings on it.',
  class: 'nulls',
  stage: 'volume',
  scope: 'metric',
  defaults: {
    alpha: 1e-4,
    minRisePp: 5,
    baselineDays: 28,
    contractDays: 28,
    contractEntities: 3,
    escalateShare: 0.5,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      minRisePp: { type: 'number', minimum: 0, maximum: 100 },
      baselineDays: { type: 'integer', minimum: 3 },
      contractDays: { type: 'integer', minimum: 1 },
      contractEntities: { type: 'integer', minimum: 1 },
      escalateShare: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const today = dayCounts(frame, T);
    if (today.nulls === 0 || today.present === 0) return [];
    const judge = (i: number, p0: number): { p: number; rate: number } => {
      const c = dayCounts(frame, i);
      const rate = c.present > 0 ? c.nulls / c.present : 0;
      return { p: binomialUpperTail(c.present, c.nulls, p0), rate };
    };
    // The elevated stretch starts at the earliest day c from which every day is abnormal against the days before c.
    const baseline = (c: number) => {
      let xB = 0;
      let nB = 0;
      let baseDays = 0;
      for (let i = Math.max(0, c - o.baselineDays); i < c; i++) {
        const cnt = dayCounts(frame, i);
        if (cnt.present === 0) continue;
        xB += cnt.nulls;
        nB += cnt.present;
        baseDays++;
      }
      return { xB, nB, baseDays, p0: (xB + 0.5) / (nB + 1) };
    };
    const abnormal = (i: number, b: ReturnType<typeof baseline>): boolean => {
      const j = judge(i, b.p0);
      const c = dayCounts(frame, i);
      const contract = b.xB === 0 && b.baseDays >= o.contractDays && c.nulls >= o.contractEntities;
      return contract || (j.p < o.alpha && j.rate - b.p0 >= o.minRisePp / 100);
    };
    let onset = -1;
    let b = baseline(T);
    for (let c = Math.max(1, T - 14); c <= T; c++) {
      const bc = baseline(c);
      let all = true;
      for (let i = c; i <= T && all; i++)
        if (dayCounts(frame, i).present > 0 && !abnormal(i, bc)) all = false;
      if (all) {
        onset = c;
        b = bc;
        break;
      }
    }
    if (onset < 0) return [];
    const { xB, baseDays, p0 } = b;
    const rate = today.nulls / today.present;
    const pToday = binomialUpperTail(today.present, today.nulls, p0);
    const contract = xB === 0 && baseDays >= o.contractDays && today.nulls >= o.contractEntities;
    const allNull = today.nulls === today.present;
    const share = rate;
    const severity: Severity = contract && share >= o.escalateShare ? 'block' : 'warn';
    const explanation =
      `${metric.name}: ${today.nulls}/${today.present} entities null on ${dayString(frame.endDay)} ` +
      `(${baseDays}-day rate ${formatNumber(100 * p0)} %, chance ≈${formatProbability(pToday)})` +
      (contract
        ? `; it was never null in the prior ${baseDays} days, so the upstream contract changed`
        : '') +
      `${allNull ? '; every entity is null' : ''}: ${entityList(today.nullEntities)}.`;
    return [
      {
        rule: 'null-rate',
        class: 'nulls',
        severity,
        source: input.source.name,
        metric: metric.name,
        entities: today.nullEntities.sort(),
        entityShare: round6(share),
        onset: dayString(frame.startDay + onset),
        evidence: {
          nulls: today.nulls,
          entitiesChecked: today.present,
          rate: round6(rate),
          baselineRate: round6(p0),
          pValue: pToday,
          baselineDays: baseDays,
          neverNullBefore: xB === 0,
          allNull,
        },
        // Nothing left to be frozen, rescaled, drifting or late: those checks only echo the nulls.
        ...(allNull ? { explains: ['frozen', 'scale', 'drift', 'freshness'] as const } : {}),
        explanation,
      },
    ];
  }),
};
