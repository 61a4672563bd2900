// band-convergence: two neighbouring ordered bands of a ratio (claims / policies by predicted risk) lose their order.
import type { MetricContract } from '../core/contract.js';
import type { Detector, MetricHistory } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { ratioHistory, type RatioPoint } from '../core/ratio-history.js';
import { round6 } from './common.js';
import { dispersion, wilson } from './rate-shift.js';
import { dayNumber, dayString } from './stats/days.js';

export interface BandConvergenceOptions {
  /** Days (ending at the newest day) pooled into each band's recent rate. */
  recentDays: number;
  /** Days before the recent window pooled into each band's baseline rate. */
  baselineDays: number;
  /** Baseline days each band needs before the pair is judged. */
  minBaselineDays: number;
  /** Normal quantile the fall of the gap must exceed, and of the Wilson intervals (4 ≈ 3 in 100,000 one-sided). */
  z: number;
  /** Smallest share of the baseline gap (on the log scale) that must have closed. */
  minClosed: number;
}

interface Pooled {
  successes: number;
  trials: number;
  rate: number;
  low: number;
  high: number;
  /** Variance of the log rate (delta method, trials divided by the overdispersion). */
  logVar: number;
}

function pool(days: readonly RatioPoint[], phi: number, z: number): Pooled {
  const successes = days.reduce((s, d) => s + d.successes, 0);
  const trials = days.reduce((s, d) => s + d.trials, 0);
  const w = wilson(successes / phi, trials / phi, z);
  const rate = trials > 0 ? successes / trials : 0;
  const k = successes + 0.5;
  const logVar = trials > 0 ? (phi * (1 - Math.min(rate, 0.999))) / k : Infinity;
  return { successes, trials, rate, ...w, logVar };
}

/** Why band-convergence does not apply to `metric` (undefined when it does). */
function needsOrderedRatio(metric: MetricContract): string | undefined {
  if (metric.numerator === undefined || metric.denominator === undefined)
    return `it compares rates of two counts, and ${metric.name} declares no numerator and denominator`;
  if ((metric.segments?.order?.length ?? 0) < 2)
    return `it compares ordered bands, and ${metric.name} declares no segments.order`;
  return undefined;
}

/** Each band's days split into the baseline and recent windows of the newest day any band has. */
function windows(
  history: MetricHistory,
  o: BandConvergenceOptions,
): { recentFrom: number; split: (band: string) => { base: RatioPoint[]; recent: RatioPoint[] } } | undefined {
  let end = -Infinity;
  for (const pts of history.entities.values())
    if (pts.length > 0) end = Math.max(end, dayNumber(pts[pts.length - 1]!.day));
  if (!Number.isFinite(end)) return undefined;
  const recentFrom = end - o.recentDays + 1;
  // ISO days compare as strings: no day arithmetic per point.
  const recentDay = dayString(recentFrom);
  const baselineDay = dayString(recentFrom - o.baselineDays);
  return {
    recentFrom,
    split(band) {
      const pts = (history.entities.get(band) ?? []) as RatioPoint[];
      const base: RatioPoint[] = [];
      const recent: RatioPoint[] = [];
      for (const p of pts) {
        if (p.day >= recentDay) recent.push(p);
        else if (p.day >= baselineDay) base.push(p);
      }
      return { base, recent };
    },
  };
}

const sig3 = (x: number) => Number(x.toPrecision(3));
const pct = (x: number) => `${sig3(x * 100)}%`;

export const bandConvergence: Detector<BandConvergenceOptions> = {
  id: 'band-convergence',
  title: 'Ordered bands converging (a ratio by predicted band)',
  description:
    'For a `ratio` of two counts whose entities are ordered bands (`segments.order`, e.g. predicted risk ' +
    '`[low, medium, high]` with claims / policies), compares each pair of neighbouring bands. In the 28 baseline days ' +
    'the lower band’s rate must sit below the upper one’s (their Wilson intervals at z = 4 apart); the pair is ' +
    'flagged when, over the last 4 days, the log ratio of the two rates fell by more than 4 standard errors ' +
    '(binomial, delta method, trials divided by each band’s baseline overdispersion) and at least half of the ' +
    'baseline gap closed, or when the lower band runs above the upper one by more than 4 standard errors (an ' +
    'inversion stays a finding after the baseline has absorbed it). The ordering collapsing is the finding: the model ' +
    'ranks risk no better than chance between ' +
    'those bands, whatever each band does against its own past (`rate-shift`). A rise of every band together keeps ' +
    'the ratio and is not flagged. Warns; the evidence gives all four rates with their counts.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { recentDays: 4, baselineDays: 28, minBaselineDays: 14, z: 4, minClosed: 0.5 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      recentDays: { type: 'integer', minimum: 1, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 3, maximum: 180 },
      minBaselineDays: { type: 'integer', minimum: 2 },
      z: { type: 'number', exclusiveMinimum: 0 },
      minClosed: { type: 'number', exclusiveMinimum: 0, maximum: 2 },
    },
  },
  appliesTo: needsOrderedRatio,
  // eslint-disable-next-line max-lines-per-function -- one test read top to bottom over adjacent ordered segments: windows, gap, z-score, evidence, explanation
  detect(input) {
    const { metric, metricHistories } = input;
    const order = metric?.segments?.order;
    if (!metric || !order || metric.numerator === undefined || metric.denominator === undefined) return [];
    const num = metricHistories?.get(metric.numerator);
    const den = metricHistories?.get(metric.denominator);
    if (!num || !den) return [];
    const o = input.options;
    const history = ratioHistory(input.source.name, metric.name, num, den);
    const w = windows(history, o);
    if (!w) return [];
    const out: FindingDraft[] = [];
    for (let i = 0; i + 1 < order.length; i++) {
      const lo = order[i]!;
      const hi = order[i + 1]!;
      const a = w.split(lo);
      const b = w.split(hi);
      if (a.base.length < o.minBaselineDays || b.base.length < o.minBaselineDays) continue;
      if (a.recent.length === 0 || b.recent.length === 0) continue;
      const phiA = dispersion(a.base);
      const phiB = dispersion(b.base);
      const baseLo = pool(a.base, phiA, o.z);
      const baseHi = pool(b.base, phiB, o.z);
      const recLo = pool(a.recent, phiA, o.z);
      const recHi = pool(b.recent, phiB, o.z);
      const gapRecent = Math.log(
        Math.max(recHi.successes, 0.5) / recHi.trials / (Math.max(recLo.successes, 0.5) / recLo.trials),
      );
      // The lower band above the upper one beyond noise is a collapse whatever the baseline: once a convergence is
      // weeks old, the baseline holds it too and the fall of the gap is no longer visible.
      const zInverted = -gapRecent / Math.sqrt(recLo.logVar + recHi.logVar);
      const separated = baseLo.high < baseHi.low && baseLo.rate > 0;
      const gapBase = separated ? Math.log(baseHi.rate / baseLo.rate) : NaN;
      const zGap = separated
        ? (gapBase - gapRecent) / Math.sqrt(baseLo.logVar + baseHi.logVar + recLo.logVar + recHi.logVar)
        : NaN;
      const closed = separated ? 1 - gapRecent / gapBase : NaN;
      const converged = zGap >= o.z && closed >= o.minClosed;
      if (!converged && !(zInverted >= o.z)) continue;
      const inverted = recLo.rate >= recHi.rate;
      const dimension = metric.segments?.dimension ?? 'segment';
      const moved =
        recLo.rate > baseLo.rate * 1.05 && recHi.rate < baseHi.rate * 0.95
          ? `${lo} rose and ${hi} fell`
          : recLo.rate > baseLo.rate
            ? `${lo} rose towards ${hi}`
            : `${hi} fell towards ${lo}`;
      out.push({
        rule: 'band-convergence',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: [lo, hi],
        onset: dayString(w.recentFrom),
        subject: `bands:${lo}/${hi}`,
        title: `${metric.name}: ${lo} band ${inverted ? 'above' : 'converging on'} ${hi}`,
        evidence: {
          dimension,
          lowerBand: lo,
          upperBand: hi,
          baselineLowerRate: round6(baseLo.rate),
          baselineLowerSuccesses: baseLo.successes,
          baselineLowerTrials: baseLo.trials,
          baselineUpperRate: round6(baseHi.rate),
          baselineUpperSuccesses: baseHi.successes,
          baselineUpperTrials: baseHi.trials,
          recentLowerRate: round6(recLo.rate),
          recentLowerSuccesses: recLo.successes,
          recentLowerTrials: recLo.trials,
          recentLowerLow: round6(recLo.low),
          recentLowerHigh: round6(recLo.high),
          recentUpperRate: round6(recHi.rate),
          recentUpperSuccesses: recHi.successes,
          recentUpperTrials: recHi.trials,
          recentUpperLow: round6(recHi.low),
          recentUpperHigh: round6(recHi.high),
          baselineRatio: baseLo.rate > 0 ? round6(baseHi.rate / baseLo.rate) : null,
          recentRatio: recLo.rate > 0 ? round6(recHi.rate / recLo.rate) : null,
          gapClosed: Number.isFinite(closed) ? round6(closed) : null,
          zGap: Number.isFinite(zGap) ? round6(zGap) : null,
          zInverted: round6(zInverted),
          inverted,
        },
        explanation:
          `The ${lo} and ${hi} bands (${dimension}) of ${metric.name} (${metric.numerator} / ` +
          `${metric.denominator}) ${inverted ? 'swapped order' : 'are converging'}: ${moved}. Over the last ${o.recentDays} ` +
          `days ${lo} ran at ${pct(recLo.rate)} (${recLo.successes} of ${recLo.trials}) and ${hi} at ${pct(recHi.rate)} ` +
          `(${recHi.successes} of ${recHi.trials}); in the ${o.baselineDays} days before, ${pct(baseLo.rate)} against ` +
          `${pct(baseHi.rate)}. ` +
          (converged
            ? `${Math.round(closed * 100)}% of the gap closed (on the log scale), ${sig3(zGap)} standard errors beyond binomial noise. `
            : `${lo} runs above ${hi} by ${sig3(zInverted)} standard errors of binomial noise. `) +
          `The ${dimension} no longer orders the outcome between ${lo} and ${hi}: the model or its inputs are out of ` +
          `line for these cases.`,
      });
    }
    return out;
  },
};
