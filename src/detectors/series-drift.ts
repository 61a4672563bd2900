// D1: one series slid gradually away from its expected level (median of 7 days ≥ 3σ̂ off, 7 days running), warn only.
import type { MetricKind } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import { entitiesToday, entityList, forMetric, round6 } from './common.js';
import { fitBaseline, type SeriesModel } from './stats/baseline.js';
import { dayString } from './stats/days.js';
import type { EntitySeries, MetricFrame } from './stats/frame.js';
import { median } from './stats/robust.js';
import { formatFactor, formatNumber } from './stats/units.js';

export interface SeriesDriftOptions {
  /** |δ| an evaluation must reach, δ = (median of the window's z − ẑ)/σ̂. */
  threshold: number;
  /** Consecutive daily evaluations that must all reach it, with one sign. */
  days: number;
  /** Days in the median window. */
  window: number;
  /** Days between the baseline's end and the window's start, so a slide builds up before the trend fit sees it. */
  lag: number;
  /** Days in the baseline. */
  baselineDays: number;
  /** Counts: median per day below which a series is undecidable (a slide cannot be told from counting noise). */
  minLevel: number;
}

/** One entity judged as drifting. */
export interface DriftHit {
  entity: string;
  /** δ of today's evaluation (trend extrapolated), signed. */
  delta: number;
  /** δ against where the series stood at its baseline's end (trend not extrapolated). */
  deltaLevel: number;
  /** Grid index of the first day of the drifting stretch. */
  onsetIndex: number;
  /** Median raw value over the 14 days before the onset and over the window ending today. */
  before: number;
  after: number;
}

/** δ of one evaluation: window median residual over σ̂, against the extrapolated trend and the baseline-end level. */
function evaluate(
  frame: MetricFrame,
  s: EntitySeries,
  kind: MetricKind,
  t: number,
  o: SeriesDriftOptions,
): { model: SeriesModel; delta: number; deltaLevel: number } | undefined {
  const baseEnd = t - o.window - o.lag;
  const model = fitBaseline(frame, s, kind, baseEnd - o.baselineDays + 1, baseEnd, 14);
  if (!model || model.cold) return undefined;
  if (trendBuf.length < o.window) {
    trendBuf = new Float64Array(o.window);
    levelBuf = new Float64Array(o.window);
  }
  let n = 0;
  for (let i = t - o.window + 1; i <= t; i++) {
    const y = model.y[i]!;
    if (!Number.isFinite(y)) continue;
    const e = y - model.expected(i);
    trendBuf[n] = e;
    // Against the baseline's own level, weekday added back but no trend: a trend fitted on four noisy weeks and
    // extrapolated three more can miss by several σ̂ on its own.
    levelBuf[n] = e + model.trend(i);
    n++;
  }
  if (n < Math.floor(o.window / 2) + 1) return undefined;
  return { model, delta: median(trendBuf, n) / model.sigma, deltaLevel: median(levelBuf, n) / model.sigma };
}

// Scratch for evaluate (one evaluation at a time): the window's residuals against the trend and against the level.
let trendBuf = new Float64Array(28);
let levelBuf = new Float64Array(28);

/** Whether an evaluation is off by the threshold on the side `sign`, against the trend and against the level. */
function offBy(e: { delta: number; deltaLevel: number }, sign: number, threshold: number): boolean {
  return (
    Math.sign(e.delta) === sign &&
    Math.sign(e.deltaLevel) === sign &&
    Math.min(Math.abs(e.delta), Math.abs(e.deltaLevel)) >= threshold
  );
}

/** Best one-change fit of residuals r (at grid indices idx) for each shape: SSE and the change index. */
export function changeFits(
  idx: readonly number[],
  r: readonly number[],
  minBefore: number,
): { ramp: { sse: number; at: number; slope: number }; step: { sse: number; at: number } } {
  const n = idx.length;
  let syy = 0;
  let sy = 0;
  for (const v of r) {
    sy += v;
    syy += v * v;
  }
  const ybar = sy / n;
  const total = syy - n * ybar * ybar;
  const fit = (x: (i: number) => number) => {
    let sx = 0;
    let sxx = 0;
    let sxy = 0;
    for (let k = 0; k < n; k++) {
      const xv = x(idx[k]!);
      sx += xv;
      sxx += xv * xv;
      sxy += xv * r[k]!;
    }
    const cxx = sxx - (sx * sx) / n;
    const cxy = sxy - sx * ybar;
    if (cxx <= 1e-12) return { sse: total, slope: 0 };
    return { sse: total - (cxy * cxy) / cxx, slope: cxy / cxx };
  };
  let ramp = { sse: Infinity, at: idx[n - 1]!, slope: 0 };
  let step = { sse: Infinity, at: idx[n - 1]! };
  const first = idx[0]! + minBefore;
  const last = idx[n - 1]!;
  for (let at = first; at <= last - 3; at++) {
    const rf = fit((i) => Math.max(0, i - at + 1));
    if (rf.sse < ramp.sse) ramp = { sse: rf.sse, at, slope: rf.slope };
    const sf = fit((i) => (i >= at ? 1 : 0));
    if (sf.sse < step.sse) step = { sse: sf.sse, at };
  }
  return { ramp, step };
}

/** OLS slope of r over the indices ≥ from. */
function slopeOf(idx: readonly number[], r: readonly number[], from: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < idx.length; k++) {
    const x = idx[k]!;
    if (x < from) continue;
    n++;
    sx += x;
    sy += r[k]!;
    sxx += x * x;
    sxy += x * r[k]!;
  }
  const cxx = sxx - (sx * sx) / n;
  return n >= 3 && cxx > 0 ? (sxy - (sx * sy) / n) / cxx : 0;
}

/** Residuals of grid days [from, T] against a model. */
function residuals(model: SeriesModel, from: number, T: number): { idx: number[]; r: number[] } {
  const idx: number[] = [];
  const r: number[] = [];
  for (let i = Math.max(0, from); i <= T; i++) {
    const y = model.y[i]!;
    if (!Number.isFinite(y)) continue;
    idx.push(i);
    r.push(y - model.expected(i));
  }
  return { idx, r };
}

function medianRaw(s: EntitySeries, from: number, to: number): number {
  const xs: number[] = [];
  for (let i = Math.max(0, from); i <= to; i++) if (Number.isFinite(s.values[i]!)) xs.push(s.values[i]!);
  return median(xs);
}

/**
 * Judge one entity: drifting (with onset and levels), undecidable (too small to tell) or nothing.
 * Exported for tests and the benchmark.
 */
export function judgeSeries(
  frame: MetricFrame,
  s: EntitySeries,
  kind: MetricKind,
  o: SeriesDriftOptions,
): DriftHit | 'undecidable' | undefined {
  const T = frame.length - 1;
  const today = evaluate(frame, s, kind, T, o);
  if (!today) return undefined;
  if (kind === 'count' && today.model.medianValue < o.minLevel) return 'undecidable';
  const sign = Math.sign(today.delta);
  if (!offBy(today, sign, o.threshold)) return undefined;
  let earliest = today.model;
  for (let k = 1; k < o.days; k++) {
    const e = evaluate(frame, s, kind, T - k, o);
    if (!e || !offBy(e, sign, o.threshold)) return undefined;
    earliest = e.model;
  }
  // Shape: a slide is a ramp, an upstream step is a step (the scale stage's business). Fit both on the residuals
  // against the earliest evaluation's baseline, then again against a baseline that ends before the ramp starts.
  const gradual = (idx: number[], r: number[]) => {
    const fits = changeFits(idx, r, 7);
    // After the best step's breakpoint a slide keeps moving; a step (with some noise before it) stays flat.
    const tail = slopeOf(idx, r, fits.step.at);
    const ok =
      fits.ramp.sse < fits.step.sse &&
      Math.sign(fits.ramp.slope) === sign &&
      sign * tail >= 0.25 * Math.abs(fits.ramp.slope);
    return { fits, ok };
  };
  const first = residuals(earliest, earliest.from, T);
  let judged = gradual(first.idx, first.r);
  if (!judged.ok) return undefined;
  const anchor = Math.min(judged.fits.ramp.at, judged.fits.step.at);
  const refit = fitBaseline(frame, s, kind, anchor - o.baselineDays, anchor - 1, 14);
  if (refit && !refit.cold) {
    const again = residuals(refit, refit.from, T);
    judged = gradual(again.idx, again.r);
    if (!judged.ok) return undefined;
  }
  const { fits } = judged;
  const onsetIndex = fits.ramp.at;
  // A slide takes time to build: a stretch shorter than two windows is a step or an excursion seen early.
  if (T - onsetIndex + 1 < 2 * o.window) return undefined;
  return {
    entity: s.entity,
    delta: today.delta,
    deltaLevel: today.deltaLevel,
    onsetIndex,
    before: medianRaw(s, onsetIndex - 14, onsetIndex - 1),
    after: medianRaw(s, T - o.window + 1, T),
  };
}

export const seriesDrift: Detector<SeriesDriftOptions> = {
  id: 'series-drift',
  title: 'Series drifted gradually',
  description:
    'D1: for each series, δ = (median of the last 7 days of z − ẑ)/σ̂ against a 28-day baseline that ends 7 days ' +
    'before the window (weekday factors, clipped trend), so a slide builds up for a week before the trend fit ' +
    'starts absorbing it. Warns when |δ| ≥ 3 on 7 consecutive daily evaluations with one sign, when the series also ' +
    'left its baseline’s own level, trend not extrapolated (a trend fitted on four noisy weeks and carried three ' +
    'more can miss by several σ̂ on its own; growth slowing down is no slide either), when a ramp fits the stretch better than a step, keeps moving after the best step’s breakpoint and has ' +
    'lasted at least 14 days (a step is the scale stage’s business). ' +
    'Seven medians in a row rather than an EWMA (λ 0.2, L 3): day-to-day noise is autocorrelated, which widens an ' +
    'EWMA’s null spread well beyond its nominal limit, while a 7-day median is robust to bursts of up to 3 days. ' +
    'Counts below 5 a day are undecidable. Reports the entities, their share, direction, δ, the median level ' +
    'before and after, and the onset of the slide. Warn only.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { threshold: 3, days: 7, window: 7, lag: 7, baselineDays: 28, minLevel: 5 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      threshold: { type: 'number', exclusiveMinimum: 0 },
      days: { type: 'integer', minimum: 1, maximum: 28 },
      window: { type: 'integer', minimum: 3, maximum: 28 },
      lag: { type: 'integer', minimum: 0, maximum: 28 },
      baselineDays: { type: 'integer', minimum: 14 },
      minLevel: { type: 'number', minimum: 0 },
    },
  },
  detect: forMetric(({ input, frame, metric, o }) => {
    const hits: DriftHit[] = [];
    let undecidable = 0;
    for (const s of frame.entities) {
      if (s.valueCount < o.baselineDays) continue;
      const j = judgeSeries(frame, s, metric.kind, o);
      if (j === 'undecidable') undecidable++;
      else if (j) hits.push(j);
    }
    if (hits.length === 0) return [];
    hits.sort((a, b) => a.entity.localeCompare(b.entity));
    const down = hits.filter((h) => h.delta < 0);
    const up = hits.filter((h) => h.delta > 0);
    const main = down.length >= up.length ? down : up;
    const direction = main === down ? 'down' : 'up';
    const onset = dayString(frame.startDay + Math.floor(median(main.map((h) => h.onsetIndex))));
    const deltaOf = median(main.map((h) => h.delta));
    const before = median(main.map((h) => h.before));
    const after = median(main.map((h) => h.after));
    const factor = median(main.map((h) => (h.before > 0 ? h.after / h.before : NaN)));
    const n = entitiesToday(frame);
    const share = n > 0 ? Math.min(1, hits.length / n) : 1;
    const mixed = up.length > 0 && down.length > 0 ? ` (${up.length} up, ${down.length} down)` : '';
    const levels =
      main.length <= 3
        ? main.map((h) => `${h.entity} ${formatNumber(h.before)}→${formatNumber(h.after)}`).join(', ')
        : `median ${formatNumber(before)}→${formatNumber(after)}`;
    return [
      {
        rule: 'series-drift',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: hits.map((h) => h.entity),
        entityShare: round6(share),
        onset,
        evidence: {
          direction,
          delta: round6(deltaOf),
          threshold: o.threshold,
          days: o.days,
          medianBefore: round6(before),
          medianAfter: round6(after),
          ...(Number.isFinite(factor) ? { ratio: round6(factor) } : {}),
          up: up.length,
          down: down.length,
          entitiesChecked: n,
          undecidable,
        },
        explanation:
          `${metric.name}: δ=${formatNumber(deltaOf)} (7-day median vs expected, in σ̂; usual |δ| < ${o.threshold}) ` +
          `for ${o.days} days running; ${levels}${Number.isFinite(factor) ? ` (${formatFactor(factor)})` : ''}, ` +
          `${main.length}/${n} entities ${direction}${mixed} (${entityList(main.map((h) => h.entity))}) since ${onset}. ` +
          `Gradual, not a step or unit-like: a real change or a redefinition.`,
      },
    ];
  }),
};
