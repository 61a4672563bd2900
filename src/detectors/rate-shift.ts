// rate-shift: a ratio of two counts whose recent rate left its baseline by more than its binomial noise allows.
import type { Detector } from '../core/detector.js';
import { ratioHistory, type RatioPoint } from '../core/ratio-history.js';
import { entityList, round6 } from './common.js';
import { dayNumber, dayString } from './stats/days.js';

export interface RateShiftOptions {
  /** Days (ending at the newest day) pooled into the recent rate. */
  recentDays: number;
  /** Days at the end of the recent window also tested alone (0 = off): a recent step is not diluted by the week. */
  fastDays: number;
  /** Normal quantile of both intervals in the `fastDays` look. */
  fastZ: number;
  /** Days before the recent window pooled into the baseline rate. */
  baselineDays: number;
  /** Baseline days an entity needs before it is judged. */
  minBaselineDays: number;
  /** Normal quantile of the Wilson intervals (3.29 = 99.9 % two-sided). */
  z: number;
  /** Smallest relative change worth a finding, whatever the counts (|recent / baseline − 1|). */
  minRelativeChange: number;
}

/**
 * Wilson score interval of a binomial proportion: `successes` out of `trials` at normal quantile `z`.
 *
 * @example
 * wilson(3, 40, 1.96) // { low: 0.026, high: 0.199 } — a rate from 3 of 40 says little
 * wilson(300, 4000, 1.96) // { low: 0.067, high: 0.084 }
 */
export function wilson(successes: number, trials: number, z: number): { low: number; high: number } {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = Math.min(1, Math.max(0, successes / trials));
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Overdispersion of daily counts around their pooled rate (Pearson χ² / degrees of freedom, at least 1): how much
 * more the days vary than a binomial would. Trials are divided by it (a quasi-binomial effective sample size), so a
 * rate that wobbles day to day for reasons of its own does not alarm just because its counts are large.
 *
 * @example
 * dispersion([{ successes: 30, trials: 1000 }, { successes: 31, trials: 1000 }]) // 1 (binomial noise)
 */
export function dispersion(days: readonly { successes: number; trials: number }[]): number {
  const k = days.reduce((s, d) => s + d.successes, 0);
  const n = days.reduce((s, d) => s + d.trials, 0);
  if (days.length < 2 || n <= 0) return 1;
  const p = k / n;
  if (p <= 0 || p >= 1) return 1;
  const chi2 = days.reduce((s, d) => s + (d.successes - d.trials * p) ** 2 / (d.trials * p * (1 - p)), 0);
  return Math.max(1, chi2 / (days.length - 1));
}

interface Shift {
  entity: string;
  baseline: { successes: number; trials: number; rate: number; low: number; high: number };
  recent: { successes: number; trials: number; rate: number; low: number; high: number };
  dispersion: number;
  /** The entity's days in the recent window. */
  days: RatioPoint[];
  /** Days of the recent window the flagged rate pools (recentDays, or fastDays for the short look). */
  window: number;
  /** Normal quantile of the look that flagged it. */
  z: number;
}

function pooled(days: readonly RatioPoint[], phi: number, z: number) {
  const successes = days.reduce((s, d) => s + d.successes, 0);
  const trials = days.reduce((s, d) => s + d.trials, 0);
  const w = wilson(successes / phi, trials / phi, z);
  return { successes, trials, rate: trials > 0 ? successes / trials : 0, ...w };
}

/** Binomial log-likelihood of `successes` of `trials` at rate `p` (the constant term left out). */
function binomialLogLik(successes: number, trials: number, p: number): number {
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return successes * Math.log(q) + (trials - successes) * Math.log(1 - q);
}

type DayCount = { day: string; successes: number; trials: number };

/** Log-likelihood of one entity's recent days: its baseline rate before `split`, its own pooled rate from it on. */
function splitLogLik(days: readonly DayCount[], baselineRate: number, split: string): number {
  let s = 0;
  let t = 0;
  for (const d of days)
    if (d.day >= split) {
      s += d.successes;
      t += d.trials;
    }
  let ll = 0;
  for (const d of days) ll += binomialLogLik(d.successes, d.trials, d.day < split ? baselineRate : s / t);
  return ll;
}

/**
 * The first day of the new rate inside the recent window: of every day the recent days could split at, the one that
 * best explains them as each entity's baseline rate before it and one new rate per entity from it on (binomial
 * likelihood summed over the shifted entities). A shift that began before the window gives its first day, as before;
 * a shift on the window's fifth day gives that day, so a finding can be matched with a declared event that began then.
 *
 * @example
 * shiftOnset([{ baselineRate: 0.03, days: [{ day: '2026-03-01', successes: 30, trials: 1000 },
 *   { day: '2026-03-02', successes: 42, trials: 1000 }] }]) // '2026-03-02'
 */
export function shiftOnset(
  entities: readonly { baselineRate: number; days: readonly DayCount[] }[],
): string | undefined {
  const splits = [...new Set(entities.flatMap((e) => e.days.map((d) => d.day)))].sort();
  let best: string | undefined;
  let bestLogLik = -Infinity;
  for (const split of splits) {
    const ll = entities.reduce((n, e) => n + splitLogLik(e.days, e.baselineRate, split), 0);
    // Strictly better only: on a tie the earlier split wins (the window's first day when nothing tells them apart).
    if (ll > bestLogLik + 1e-9) {
      bestLogLik = ll;
      best = split;
    }
  }
  return best;
}

export const rateShift: Detector<RateShiftOptions> = {
  id: 'rate-shift',
  title: 'Rate left its binomial range (ratio of two counts)',
  description:
    'For a `ratio` declared with `numerator` and `denominator` (claims / policies), pools each entity’s counts over ' +
    'the last 7 days and over the 28 days before, and compares the two rates through their Wilson score intervals ' +
    '(z = 3.29, 99.9 % two-sided) instead of a z-score on the daily rate: a rate from 3 claims out of 40 policies ' +
    'has a wide interval and alarms only on a large move, one from 300 out of 4,000 a narrow one. Trials are divided ' +
    'by the baseline’s overdispersion (Pearson χ² per degree of freedom, at least 1), so a rate that varies day to ' +
    'day beyond binomial noise is judged against its own variation. An entity is flagged when the intervals do not ' +
    'overlap and the rate moved by at least 20 % (relative); it needs 14 baseline days. Warns; the evidence names ' +
    'both rates with their counts and intervals. A second look pools only the last 3 days (`fastDays`) against the ' +
    'same baseline with stricter intervals (z = 4, `fastZ`), so a step three days old is not diluted by the four ' +
    'days before it. The onset is the day inside the recent window where the shift began: ' +
    'the split of the recent days that best fits the baseline rate before it and one new rate after (binomial ' +
    'likelihood over the flagged entities), so a shift can be matched with a declared event that began that day.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: {
    recentDays: 7,
    fastDays: 3,
    fastZ: 4,
    baselineDays: 28,
    minBaselineDays: 14,
    z: 3.29,
    minRelativeChange: 0.2,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      recentDays: { type: 'integer', minimum: 1, maximum: 28 },
      fastDays: { type: 'integer', minimum: 0, maximum: 28 },
      fastZ: { type: 'number', exclusiveMinimum: 0 },
      baselineDays: { type: 'integer', minimum: 3, maximum: 180 },
      minBaselineDays: { type: 'integer', minimum: 2 },
      z: { type: 'number', exclusiveMinimum: 0 },
      minRelativeChange: { type: 'number', minimum: 0 },
    },
  },
  detect(input) {
    const { metric, metricHistories } = input;
    if (!metric || metric.numerator === undefined || metric.denominator === undefined || !metricHistories)
      return [];
    const num = metricHistories.get(metric.numerator);
    const den = metricHistories.get(metric.denominator);
    if (!num || !den) return [];
    const o = input.options;
    const history = ratioHistory(input.source.name, metric.name, num, den);
    let end = -Infinity;
    for (const pts of history.entities.values()) for (const p of pts) end = Math.max(end, dayNumber(p.day));
    if (!Number.isFinite(end)) return [];
    const recentFrom = end - o.recentDays + 1;
    const baselineFrom = recentFrom - o.baselineDays;
    const shifts: Shift[] = [];
    for (const [entity, pts] of history.entities) {
      const days = pts as RatioPoint[];
      const base = days.filter((p) => dayNumber(p.day) >= baselineFrom && dayNumber(p.day) < recentFrom);
      const recent = days.filter((p) => dayNumber(p.day) >= recentFrom);
      if (base.length < o.minBaselineDays || recent.length === 0) continue;
      const phi = dispersion(base);
      const base0 = pooled(base, phi, o.z);
      // The whole recent window, then its last `fastDays` alone: a step three days old is diluted in seven.
      const windows =
        o.fastDays > 0 && o.fastDays < o.recentDays ? [recent, recent.slice(-o.fastDays)] : [recent];
      for (const [i, w] of windows.entries()) {
        // The short window is a second look: stricter intervals keep the two looks' false alarms at one look's.
        const z = i === 0 ? o.z : o.fastZ;
        const b = i === 0 ? base0 : pooled(base, phi, z);
        const r = pooled(w, phi, z);
        if (b.rate <= 0 && r.rate <= 0) continue;
        const relative = b.rate > 0 ? Math.abs(r.rate / b.rate - 1) : Infinity;
        const disjoint = r.low > b.high || r.high < b.low;
        if (disjoint && relative >= o.minRelativeChange) {
          shifts.push({ entity, baseline: b, recent: r, dispersion: phi, days: recent, window: w.length, z });
          break;
        }
      }
    }
    if (shifts.length === 0) return [];
    shifts.sort((a, b) => a.entity.localeCompare(b.entity));
    const top = shifts[0]!;
    const onset = shiftOnset(shifts.map((x) => ({ baselineRate: x.baseline.rate, days: x.days })));
    const pct = (x: number) => `${round6(x * 100)}%`;
    const word = top.recent.rate > top.baseline.rate ? 'rose' : 'fell';
    return [
      {
        rule: 'rate-shift',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: shifts.map((s) => s.entity),
        onset: onset ?? dayString(recentFrom),
        evidence: {
          numerator: metric.numerator,
          denominator: metric.denominator,
          baselineSuccesses: top.baseline.successes,
          baselineTrials: top.baseline.trials,
          baselineRate: round6(top.baseline.rate),
          baselineLow: round6(top.baseline.low),
          baselineHigh: round6(top.baseline.high),
          recentSuccesses: top.recent.successes,
          recentTrials: top.recent.trials,
          recentDays: top.window,
          recentRate: round6(top.recent.rate),
          recentLow: round6(top.recent.low),
          recentHigh: round6(top.recent.high),
          dispersion: round6(top.dispersion),
          z: top.z,
          entitiesShifted: shifts.length,
        },
        explanation:
          `${metric.name} (${metric.numerator} / ${metric.denominator}) ${word} for ${entityList(shifts.map((s) => s.entity))}: ` +
          `${top.entity} ${pct(top.recent.rate)} (${top.recent.successes} of ${top.recent.trials}) over the last ${top.window} days ` +
          `against ${pct(top.baseline.rate)} (${top.baseline.successes} of ${top.baseline.trials}) in the ${o.baselineDays} days before; ` +
          `their ${round6(top.recent.low * 100)}–${round6(top.recent.high * 100)}% and ${round6(top.baseline.low * 100)}–${round6(top.baseline.high * 100)}% intervals do not overlap.`,
      },
    ];
  },
};
