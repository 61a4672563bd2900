// The expected level of one series: weekday factors, clipped Theil–Sen trend, robust scale with noise floor and cold start.
import type { MetricKind } from '../../core/contract.js';
import { weekdayOf } from './days.js';
import type { EntitySeries, MetricFrame } from './frame.js';
import { MAD_TO_SD, mad, median, theilSen } from './robust.js';
import { fitTransform, type Transform } from './transform.js';

/** Baseline defaults. */
export const BASELINE_DEFAULTS = {
  /** Days in the baseline window B. */
  baselineDays: 28,
  /** Valid days needed for weekday factors and a learned scale; below this the model is "cold". */
  warmDays: 14,
  /** Trend clip, transformed units per day (±5 %/day on log scales). */
  trendClip: 0.05,
  /** Scale floor. */
  sigmaFloor: 0.05,
  /** Scale used while cold. */
  coldSigma: 0.5,
} as const;

/** A fitted baseline for one series over the grid range [from, to]. */
export interface SeriesModel {
  transform: Transform;
  /** Transformed series over the whole grid (NaN where no value); shared between fits, read-only. */
  y: Float64Array;
  /** Baseline range on the grid (inclusive). */
  from: number;
  to: number;
  /** Valid days in the baseline. */
  n: number;
  cold: boolean;
  /** Weekday offsets s_d (index = day of week, 0 = Sunday). */
  weekday: Float64Array;
  /** Clipped Theil–Sen slope per day. */
  beta: number;
  /** Level at the baseline's mean index. */
  level: number;
  center: number;
  /** σ̂ in transformed units, floored. */
  sigma: number;
  /** Median raw value in the baseline. */
  medianValue: number;
  /** A count at tens a day or more: a 0 is missing data, not a value (excluded from the fit; see isStructuralZero). */
  structuralZeros: boolean;
  /** Expected transformed value at grid index i (trend extrapolated, weekday added back). */
  expected(i: number): number;
}

/** Baseline median (counts per day) from which a 0 is treated as missing data, not a value. */
const STRUCTURAL_ZERO_LEVEL = 20;

const cache = new WeakMap<EntitySeries, Map<MetricKind, Map<number, SeriesModel | null>>>();
const transformedCache = new WeakMap<EntitySeries, Map<string, Float64Array>>();

/**
 * The whole series through a transform, shared by every fit with the same transform (several detectors fit
 * baselines over different ranges of one series; for counts the transform never differs). Read-only for callers.
 */
function transformed(series: EntitySeries, transform: Transform): Float64Array {
  const key = `${transform.name}|${transform.constant}`;
  let per = transformedCache.get(series);
  if (!per) transformedCache.set(series, (per = new Map<string, Float64Array>()));
  const hit = per.get(key);
  if (hit) return hit;
  const { values } = series;
  const y = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    y[i] = Number.isFinite(v) ? transform.forward(v) : NaN;
  }
  per.set(key, y);
  return y;
}

/**
 * Clipped Theil–Sen slope over weekly blocks: the median of each 7-day block (from the newest day back) at its mean
 * index, then the median of pairwise slopes between blocks. Robust to weekday structure, and with 4–5 blocks far
 * cheaper than all day pairs.
 */
export function weeklyTrend(idx: ArrayLike<number>, z: ArrayLike<number>, clip: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  const last = idx[idx.length - 1]!;
  let block: number[] = [];
  let blockIdx: number[] = [];
  let current = Math.floor((last - idx[idx.length - 1]!) / 7);
  for (let k = idx.length - 1; k >= -1; k--) {
    const b = k >= 0 ? Math.floor((last - idx[k]!) / 7) : -1;
    if (b !== current) {
      if (block.length >= 3) {
        xs.push(blockIdx.reduce((a, c) => a + c, 0) / blockIdx.length);
        ys.push(median(block));
      }
      block = [];
      blockIdx = [];
      current = b;
    }
    if (k >= 0) {
      block.push(z[k]!);
      blockIdx.push(idx[k]!);
    }
  }
  return theilSen(xs, ys, clip);
}

/**
 * Fit the baseline of one entity over grid indices [from, to]. Returns undefined when fewer
 * than `minDays` values fall in the range. Memoised per (series, kind, range).
 *
 * @example
 * const m = fitBaseline(frame, series, 'count', frame.length - 29, frame.length - 2);
 * const z = m && (m.y[frame.length - 1]! - m.expected(frame.length - 1)) / m.sigma;
 */
export function fitBaseline(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  from: number,
  to: number,
  minDays = 7,
): SeriesModel | undefined {
  from = Math.max(0, from);
  // Keyed without minDays: detectors asking for the same range with different minimums share one fit.
  let perSeries = cache.get(series);
  if (!perSeries) {
    perSeries = new Map();
    cache.set(series, perSeries);
  }
  let perKind = perSeries.get(kind);
  if (!perKind) perSeries.set(kind, (perKind = new Map<number, SeriesModel | null>()));
  // Grid indices are below FRAME_MAX_DAYS, far from the key's range (|to| < 1e6).
  const key = from * 2_000_000 + to;
  let model = perKind.get(key);
  if (model === undefined) {
    model = fit(frame, series, kind, from, to) ?? null;
    perKind.set(key, model);
  }
  return model && model.n >= minDays ? model : undefined;
}

/** True when a raw value of the modelled series is a 0 that stands for missing data (see SeriesModel). */
export function isStructuralZero(model: SeriesModel, v: number): boolean {
  return model.structuralZeros && v === 0;
}

// Scratch for one fit at a time (fit does not re-enter itself): grid indices and raw values of the baseline days.
let idxBuf = new Int32Array(128);
let rawBuf = new Float64Array(128);
let zBuf = new Float64Array(128);
let detrBuf = new Float64Array(128);
let residBuf = new Float64Array(128);
const win = new Float64Array(7);

// eslint-disable-next-line max-lines-per-function -- one numerical fit over shared preallocated buffers (trend, weekly profile, residual scale); pieces would copy them
function fit(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  from: number,
  to: number,
): SeriesModel | undefined {
  const { values } = series;
  const span = to - from + 1;
  if (span > idxBuf.length) {
    idxBuf = new Int32Array(span);
    rawBuf = new Float64Array(span);
    zBuf = new Float64Array(span);
    detrBuf = new Float64Array(span);
    residBuf = new Float64Array(span);
  }
  let n = 0;
  for (let i = from; i <= to; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      idxBuf[n] = i;
      rawBuf[n] = v;
      n++;
    }
  }
  // A count whose baseline runs at tens a day or more cannot draw a 0 by chance (P < 1e-8 even for an
  // overdispersed page); a 0 there is "no data" sent as a number. Left in, two such days on one weekday halved that
  // weekday's expectation in log terms, and an ordinary day read ×60 against it (a block false alarm).
  let medianValue = median(rawBuf, n);
  const structuralZeros = kind === 'count' && medianValue >= STRUCTURAL_ZERO_LEVEL;
  if (structuralZeros) {
    let kept = 0;
    for (let k = 0; k < n; k++) {
      if (rawBuf[k] === 0) continue;
      idxBuf[kept] = idxBuf[k]!;
      rawBuf[kept] = rawBuf[k]!;
      kept++;
    }
    if (kept < n) {
      n = kept;
      medianValue = median(rawBuf, n);
    }
  }
  if (n === 0) return undefined;
  const idx = idxBuf.subarray(0, n);
  const raw = rawBuf.subarray(0, n);
  // Zeros leave the weekday windows whenever a baseline day is missing or was dropped as a structural zero.
  const skipZeros = n < span;
  const transform = fitTransform(kind, raw);
  const y = transformed(series, transform);
  const cold = n < BASELINE_DEFAULTS.warmDays;
  const weekday = new Float64Array(7);
  if (!cold) {
    // r_i = y_i − median(y_{i−3..i+3}) within the baseline; s_d = median_d(r) − median over d.
    const groups: number[][] = [[], [], [], [], [], [], []];
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      let w = 0;
      const hiJ = Math.min(to, i + 3);
      for (let j = Math.max(from, i - 3); j <= hiJ; j++) {
        const yj = y[j]!;
        if (!Number.isFinite(yj) || (skipZeros && values[j] === 0)) continue;
        // Insertion into the sorted window (the same order a sort gives).
        let q = w - 1;
        while (q >= 0 && win[q]! > yj) {
          win[q + 1] = win[q]!;
          q--;
        }
        win[q + 1] = yj;
        w++;
      }
      // The window's median as quantileSorted(…, 0.5) computes it.
      let med = NaN;
      if (w > 0) {
        const h = (w - 1) * 0.5;
        const lo = Math.floor(h);
        const hi = Math.min(w - 1, lo + 1);
        med = win[lo]! + (h - lo) * (win[hi]! - win[lo]!);
      }
      groups[weekdayOf(frame.startDay + i)]!.push(y[i]! - med);
    }
    const raws = groups.map((g) => (g.length >= 2 ? median(g) : 0));
    const center = median(raws);
    for (let d = 0; d < 7; d++) weekday[d] = raws[d]! - center;
  }
  const z = zBuf;
  for (let k = 0; k < n; k++) z[k] = y[idx[k]!]! - weekday[weekdayOf(frame.startDay + idx[k]!)]!;
  const beta = cold ? 0 : weeklyTrend(idx, z, BASELINE_DEFAULTS.trendClip);
  let center = 0;
  for (const i of idx) center += i;
  center /= n;
  const detr = detrBuf;
  for (let k = 0; k < n; k++) detr[k] = z[k]! - beta * (idx[k]! - center);
  const level = median(detr, n);
  const resid = residBuf;
  for (let k = 0; k < n; k++) resid[k] = detr[k]! - level;
  const poisson = kind === 'count' ? 1 / Math.sqrt(Math.max(0, medianValue) + 1) : 0;
  let sigma = Math.max(MAD_TO_SD * mad(resid, n), BASELINE_DEFAULTS.sigmaFloor, poisson);
  if (cold) sigma = Math.max(sigma, BASELINE_DEFAULTS.coldSigma);
  return new FittedModel(
    transform,
    y,
    from,
    to,
    n,
    cold,
    weekday,
    beta,
    level,
    center,
    sigma,
    medianValue,
    structuralZeros,
    frame.startDay,
  );
}

/** A fitted SeriesModel (a class, so a fit allocates no closure for `expected`). */
class FittedModel implements SeriesModel {
  constructor(
    readonly transform: Transform,
    readonly y: Float64Array,
    readonly from: number,
    readonly to: number,
    readonly n: number,
    readonly cold: boolean,
    readonly weekday: Float64Array,
    readonly beta: number,
    readonly level: number,
    readonly center: number,
    readonly sigma: number,
    readonly medianValue: number,
    readonly structuralZeros: boolean,
    private readonly startDay: number,
  ) {}

  expected(i: number): number {
    return this.level + this.beta * (i - this.center) + this.weekday[weekdayOf(this.startDay + i)]!;
  }
}
