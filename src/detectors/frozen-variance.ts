// F2: a series whose day-to-day variation collapsed (MAD of changes over 7 days < 0.1 × its baseline MAD).
import type { Detector } from '../core/detector.js';
import { entitiesToday, entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { fitBaseline } from './stats/baseline.js';
import { MAD_TO_SD, mad, madAtMost, median, variance } from './stats/robust.js';
import { room } from './stats/scratch.js';
import { VALUE, type EntitySeries } from './stats/frame.js';
import { formatNumber } from './stats/units.js';
import { chiSquareLowerTail } from './stats/probability.js';

export interface FrozenVarianceOptions {
  /** ρ = MAD(Δz, recent)/MAD(Δz, baseline) below which variance collapsed. */
  ratio: number;
  recentDays: number;
  baselineDays: number;
  /** Days of history needed (baseline + recent). */
  minHistory: number;
  /** Median level below which changes are counting noise and not judged (for a gauge: its median daily change). */
  minLevel: number;
  /** Chance, for a series whose spread did not change, of recent changes this small (χ² lower tail). */
  alpha: number;
}

/** Median absolute day-to-day change of an entity's raw values over grid days `from`..`to`. */
function medianStep(s: EntitySeries, from: number, to: number): number {
  const steps: number[] = [];
  for (let i = Math.max(1, from + 1); i <= to; i++)
    if (s.presence[i - 1] === VALUE && s.presence[i] === VALUE)
      steps.push(Math.abs(s.values[i]! - s.values[i - 1]!));
  return steps.length ? median(steps) : 0;
}

/**
 * Raw transformed day-to-day differences y[i] − y[i−1] for i in [max(1, from), to] where both days have a value,
 * into `out`; returns how many. Weekly seasonality is in both windows alike, and a series that lost its variation
 * also lost its seasonality.
 */
function diffsInto(y: Float64Array, from: number, to: number, out: Float64Array): number {
  let n = 0;
  for (let i = Math.max(1, from); i <= to; i++) {
    const a = y[i - 1]!;
    const b = y[i]!;
    if (Number.isFinite(a) && Number.isFinite(b)) out[n++] = b - a;
  }
  return n;
}

// Scratch for one series at a time: the recent and the baseline differences.
let recentBuf = new Float64Array(64);
let baseBuf = new Float64Array(64);

export const frozenVariance: Detector<FrozenVarianceOptions> = {
  id: 'frozen-variance',
  title: 'Variance collapsed',
  description:
    'Compares the spread of day-to-day changes over the last 7 days (sd) with the 28 days before (robust sd from ' +
    'the MAD) on the transformed series: a ratio below 0.1 means the upstream stopped measuring and now sends ' +
    'a near-constant or interpolated value. Warns; needs 21 days of history.',
  class: 'frozen',
  stage: 'frozen',
  scope: 'metric',
  defaults: { ratio: 0.1, recentDays: 7, baselineDays: 28, minHistory: 21, minLevel: 5, alpha: 1e-5 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      recentDays: { type: 'integer', minimum: 3 },
      baselineDays: { type: 'integer', minimum: 7 },
      minHistory: { type: 'integer', minimum: 10 },
      minLevel: { type: 'number', minimum: 0 },
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const hits: { entity: string; rho: number; p: number }[] = [];
    for (const s of frame.entities) {
      if (s.valueCount < o.minHistory) continue;
      const baseEnd = T - o.recentDays;
      const model = fitBaseline(
        frame,
        s,
        metric.kind,
        baseEnd - o.baselineDays + 1,
        baseEnd,
        o.minHistory - o.recentDays,
      );
      if (!model || model.medianValue < o.minLevel) continue;
      // A gauge (a lifetime total) moves by its increments: a follower total growing by 0–3 a day is counting noise
      // whatever its size, and a week without growth is ordinary.
      if (metric.kind === 'gauge' && medianStep(s, model.from, baseEnd) < o.minLevel) continue;
      const nRecent = diffsInto(model.y, baseEnd + 2, T, (recentBuf = room(recentBuf, T + 1))); // changes within the window only
      const nBase = diffsInto(model.y, model.from + 1, baseEnd, (baseBuf = room(baseBuf, baseEnd + 1)));
      if (nRecent < o.recentDays - 3 || nBase < 10) continue;
      // Recent spread as a plain sd (one real move keeps it large), baseline as a robust sd: a 7-day MAD alone
      // falls below 0.1× by chance about once in 300 series-days.
      const sdRecent = Math.sqrt(Math.max(0, variance(recentBuf, nRecent)));
      // The baseline's MAD is at most half the range of its changes: a recent spread that large cannot give ρ below
      // the ratio, and the sort that finds the MAD is spared (about 99 % of healthy series: a week's sd would have to
      // fall below a third of the usual).
      if (sdRecent > o.ratio * MAD_TO_SD * madAtMost(baseBuf, nBase)) continue;
      const sdB = MAD_TO_SD * mad(baseBuf, nBase);
      if (!(sdB > 0)) continue;
      const rho = sdRecent / sdB;
      // Six or so changes can be small by chance: (n−1)·ρ² ~ χ²(n−1) when nothing changed, so the ratio must also
      // be improbable (a healthy page in a 12-page panel dipped to ρ = 0.09 within 180 days).
      const p = chiSquareLowerTail((nRecent - 1) * rho * rho, nRecent - 1);
      if (rho < o.ratio && p < o.alpha) hits.push({ entity: s.entity, rho, p });
    }
    if (hits.length === 0) return [];
    const n = Math.max(1, entitiesToday(frame));
    const worst = hits.reduce((a, b) => (b.rho < a.rho ? b : a));
    return [
      {
        rule: 'frozen-variance',
        class: 'frozen',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: hits.map((h) => h.entity).sort(),
        entityShare: round6(hits.length / n),
        onset: dayString(frame.endDay - o.recentDays + 1),
        evidence: {
          rho: round6(worst.rho),
          pValue: Number(worst.p.toPrecision(3)),
          threshold: o.ratio,
          recentDays: o.recentDays,
          entitiesCollapsed: hits.length,
          entitiesChecked: n,
        },
        explanation:
          `${metric.name}: day-to-day changes of ${entityList(hits.map((h) => h.entity))} shrank to ${formatNumber(100 * worst.rho)} % ` +
          `of their usual spread over the last ${o.recentDays} days (threshold ${formatNumber(100 * o.ratio)} %; ` +
          `chance ≈${worst.p.toPrecision(2)} if nothing changed). ` +
          `The upstream likely stopped measuring and sends a near-constant value.`,
      },
    ];
  }),
};
