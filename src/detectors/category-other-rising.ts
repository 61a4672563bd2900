// category-other-rising: the catch-all category (`other`, `unknown`) takes a larger share than its binomial range allows.
import type { MetricContract } from '../core/contract.js';
import type { Detector, MetricHistory } from '../core/detector.js';
import {
  CATEGORY_WINDOW_SCHEMA,
  categoryWindows,
  needsCategorical,
  pctOf,
  type CategoryWindowOptions,
} from './category-windows.js';
import { entityList, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { dispersion, shiftOnset, wilson } from './rate-shift.js';

export interface CategoryOtherRisingOptions extends CategoryWindowOptions {
  /** Normal quantile of the Wilson intervals (4 ≈ 3 in 100,000 one-sided). */
  z: number;
  /** Smallest rise of the share worth a finding, in share points (0.01 = one point). */
  minRise: number;
  /** Smallest relative rise worth a finding (recent share / baseline share − 1). */
  minRelativeRise: number;
}

interface Rise {
  entity: string;
  base: { count: number; total: number; share: number; high: number };
  recent: { count: number; total: number; share: number; low: number };
  dispersion: number;
}

/** The catch-all's count and the total of each recent day of one entity, for dating the rise. */
function shareDays(
  history: MetricHistory,
  entity: string,
  other: string,
  recentFrom: number,
): { day: string; successes: number; trials: number }[] {
  const from = dayString(recentFrom);
  const out: { day: string; successes: number; trials: number }[] = [];
  for (const p of history.entities.get(entity) ?? [])
    if (p.breakdown && p.day >= from)
      out.push({
        day: p.day,
        successes: p.breakdown[other] ?? 0,
        trials: Object.values(p.breakdown).reduce((n, v) => n + v, 0),
      });
  return out;
}

function needsOther(metric: MetricContract): string | undefined {
  return (
    needsCategorical(metric) ??
    (metric.categories?.other === undefined
      ? `it watches the catch-all category, and ${metric.name} declares none (add categories: { other: other })`
      : undefined)
  );
}

export const categoryOtherRising: Detector<CategoryOtherRisingOptions> = {
  id: 'category-other-rising',
  title: 'Other / unknown share rising in a categorical metric',
  description:
    'For a `categorical` metric that declares its catch-all label (`categories.other`), pools each entity’s counts ' +
    'over the last 7 days and the 28 before and compares the catch-all’s share through Wilson intervals (z = 4), ' +
    'with trials divided by the baseline’s day-to-day overdispersion as `rate-shift` does. Flags a rise whose ' +
    'intervals do not overlap, of at least one share point and 20 % relative: the categories no longer fit the data ' +
    '(a tagger filing new intents under "other"). Warns; the evidence gives both shares with their counts. The ' +
    'onset is the recent day the rise began, dated as `rate-shift` dates a shift.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: {
    recentDays: 7,
    baselineDays: 28,
    minBaselineDays: 14,
    z: 4,
    minRise: 0.01,
    minRelativeRise: 0.2,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...CATEGORY_WINDOW_SCHEMA,
      z: { type: 'number', exclusiveMinimum: 0 },
      minRise: { type: 'number', minimum: 0, maximum: 1 },
      minRelativeRise: { type: 'number', minimum: 0 },
    },
  },
  appliesTo: needsOther,
  detect(input) {
    const { metric, history } = input;
    const other = metric?.categories?.other;
    if (!metric || !history || metric.kind !== 'categorical' || other === undefined) return [];
    const o = input.options;
    const w = categoryWindows(history, o);
    if (!w) return [];
    const rises: Rise[] = [];
    for (const e of w.entities) {
      const days = e.baselineDays.map((d) => ({
        successes: d.get(other) ?? 0,
        trials: [...d.values()].reduce((s, v) => s + v, 0),
      }));
      const phi = dispersion(days);
      const bc = e.baseline.counts.get(other) ?? 0;
      const rc = e.recent.counts.get(other) ?? 0;
      const bShare = bc / e.baseline.total;
      const rShare = rc / e.recent.total;
      const b = wilson(bc / phi, e.baseline.total / phi, o.z);
      const r = wilson(rc / phi, e.recent.total / phi, o.z);
      const rise = rShare - bShare;
      const relative = bShare > 0 ? rShare / bShare - 1 : Infinity;
      if (r.low > b.high && rise >= o.minRise && relative >= o.minRelativeRise)
        rises.push({
          entity: e.entity,
          base: { count: bc, total: e.baseline.total, share: bShare, high: b.high },
          recent: { count: rc, total: e.recent.total, share: rShare, low: r.low },
          dispersion: phi,
        });
    }
    if (rises.length === 0) return [];
    rises.sort(
      (a, b) =>
        b.recent.share - b.base.share - (a.recent.share - a.base.share) || a.entity.localeCompare(b.entity),
    );
    const top = rises[0]!;
    const entities = rises.map((r) => r.entity).sort();
    const onset = shiftOnset(
      rises.map((r) => ({
        baselineRate: r.base.share,
        days: shareDays(history, r.entity, other, w.recentFrom),
      })),
    );
    return [
      {
        rule: 'category-other-rising',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities,
        entityShare: round6(entities.length / Math.max(1, history.entities.size)),
        onset: onset ?? dayString(w.recentFrom),
        subject: `category-other:${other}`,
        title: `${metric.name}: "${other}" share rising`,
        evidence: {
          category: other,
          baselineCount: top.base.count,
          baselineTotal: top.base.total,
          baselineShare: round6(top.base.share),
          baselineHigh: round6(top.base.high),
          recentCount: top.recent.count,
          recentTotal: top.recent.total,
          recentShare: round6(top.recent.share),
          recentLow: round6(top.recent.low),
          dispersion: round6(top.dispersion),
          z: o.z,
          entitiesRising: rises.length,
        },
        explanation:
          `"${other}" takes a growing share of ${metric.name} at ${entityList(entities)}: ${top.entity} ` +
          `${pctOf(top.recent.share)} (${top.recent.count} of ${top.recent.total}) over the last ${o.recentDays} days ` +
          `against ${pctOf(top.base.share)} (${top.base.count} of ${top.base.total}) in the ${o.baselineDays} days before; ` +
          `the recent interval starts at ${pctOf(top.recent.low)}, above the baseline's top of ${pctOf(top.base.high)}. ` +
          `Values the categories do not cover are arriving: look at what "${other}" now holds and extend the categories.`,
      },
    ];
  },
};
