// The expected level of one series: weekday factors, clipped Theil–Sen trend, robust scale with noise floor and cold start.
import type { MetricKind } from '../../core/contract.js';
import { weekdayOf } from './days.js';
import type { EntitySeries, MetricFrame, SeriesOrigin } from './frame.js';
import { MAD_TO_SD, mad, madOfSorted, median, medianOfSorted, sortFirst, theilSenOf } from './robust.js';
import { LOG1P, fitTransform, type Transform } from './transform.js';

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
  /** Mean grid index of the baseline days (the trend's pivot). */
  center: number;
  /** σ̂ in transformed units, floored. */
  sigma: number;
  /** Median raw value in the baseline. */
  medianValue: number;
  /** A count at tens a day or more: a 0 is missing data, not a value (excluded from the fit; see isStructuralZero). */
  structuralZeros: boolean;
  /** Trend term at grid index i: β times the distance from the baseline's mean index. */
  trend(i: number): number;
  /** Expected transformed value at grid index i (trend extrapolated, weekday added back). */
  expected(i: number): number;
}

/** Baseline median (counts per day) from which a 0 is treated as missing data, not a value. */
const STRUCTURAL_ZERO_LEVEL = 20;

/**
 * A series' transformed views and fits on one grid (its memo slot `fits`): the first view inline (a count has one
 * transform), the others and the fits in flat lists. Two objects a series and grid instead of eight: a replay's
 * grids live through a day's detection pass, so each of them was copied and promoted by the young generation's
 * collector.
 */
class GridMemo {
  transform: Transform | undefined = undefined;
  y: Float64Array | undefined = undefined;
  /** The column by absolute day the first view is taken from, under an origin. */
  column: DayColumn | undefined = undefined;
  /** Further views, three entries each: transform, y, column. */
  more: (Transform | Float64Array | DayColumn | undefined)[] | undefined = undefined;
  /** Fits, three entries each: kind, range key, model (null: no fit). */
  readonly fits: (MetricKind | number | SeriesModel | null)[] = [];
}

function gridMemo(series: EntitySeries): GridMemo {
  const memo = (series.memo ??= {});
  let grid = memo.fits as GridMemo | undefined;
  if (grid) return grid;
  memo.fits = grid = new GridMemo();
  shapes.series = series;
  return grid;
}

/**
 * The newest series given a memo and the newest fit: one live object of each shape a detection pass makes and drops.
 * V8 describes an object's layout by a hidden class made by adding its properties one by one (a series grows a
 * `memo`, the memo its `fits`, a fit its fields), each held weakly by the class before it; optimized code checks
 * these classes. A collection that finds every object of such a class dead frees it, and V8 discards the optimized
 * code of every function that checked it. V8's own collections keep those classes for a while; a forced one
 * (`gc()`, which the benchmarks call between passes and an embedding program may call between polls) does not, and
 * each detection pass after one started with its fits, shifts and drifts thrown back to the interpreter (about 110
 * deoptimizations per pass under `--trace-deopt`). One live object of each keeps its classes, and the code, for the
 * next pass: the warm pass after a forced collection costs what a daemon's next poll costs. The price: the series'
 * views keep their metric's grid buffers (a poll lays one per metric: 1,000 entities × 180 days ≈ 4.5 MB) until the
 * next pass replaces them.
 */
const shapes: { series: EntitySeries | undefined; model: FittedModel | undefined } = {
  series: undefined,
  model: undefined,
};

/**
 * The whole series through a transform, shared by every fit with the same transform (several detectors fit
 * baselines over different ranges of one series; for counts the transform never differs). Read-only for callers.
 */
function transformed(frame: MetricFrame, series: EntitySeries, transform: Transform): Float64Array {
  const memo = gridMemo(series);
  const slot = transformedSlot(frame, series, memo, transform);
  return slot === 0 ? memo.y! : (memo.more![3 * slot - 2] as Float64Array);
}

/** True when two transforms compute the same numbers (a fit chooses among a few, by name and constant). */
function sameTransform(a: Transform, b: Transform): boolean {
  return a === b || (a.name === b.name && a.constant === b.constant);
}

/**
 * The slot of `transform` among the series' transformed views on this grid (0: the memo's first, k: its k-th
 * further one), made if absent.
 */
function transformedSlot(
  frame: MetricFrame,
  series: EntitySeries,
  memo: GridMemo,
  transform: Transform,
): number {
  if (memo.transform && sameTransform(memo.transform, transform)) return 0;
  const more = memo.more;
  if (more)
    for (let k = 0; k < more.length; k += 3)
      if (sameTransform(more[k] as Transform, transform)) return k / 3 + 1;
  let column: DayColumn | undefined;
  let y: Float64Array;
  if (series.origin) {
    column = dayColumn(frame, series, series.origin, transform);
    y = column.y.subarray(frame.startDay - column.base, frame.startDay - column.base + series.values.length);
  } else {
    y = forwardAll(
      series.values,
      0,
      series.values.length,
      transform,
      new Float64Array(series.values.length),
      0,
    );
  }
  if (!memo.transform) {
    memo.transform = transform;
    memo.y = y;
    memo.column = column;
    return 0;
  }
  (memo.more ??= []).push(transform, y, column);
  return memo.more.length / 3;
}

/** out[at + k] = transform of values[from + k] for k < count (NaN where no value). */
function forwardAll(
  values: Float64Array,
  from: number,
  count: number,
  transform: Transform,
  out: Float64Array,
  at: number,
): Float64Array {
  const log1p = transform === LOG1P;
  for (let k = 0; k < count; k++) {
    const v = values[from + k]!;
    out[at + k] = !Number.isFinite(v) ? NaN : log1p ? Math.log(v + 1) : transform.forward(v);
  }
  return out;
}

/**
 * A series' transformed values by absolute day, kept per origin: each day is transformed once per replay, and each
 * day's centred weekday-window median (see centredMedian) computed once for all the fits whose windows hold it.
 */
interface DayColumn {
  /** Absolute day of index 0. */
  base: number;
  y: Float64Array;
  /** 0 where the day's raw value is 0 (or the day is not filled), 1 elsewhere. */
  nonZero: Uint8Array;
  /** Days [base, base + filled) hold their values. */
  filled: number;
  /**
   * Centred 7-day medians of y by day, zeros kept ([0]) and left out ([1]); allocated on first use. −∞ where not
   * computed yet: a median of finite values is never −∞ (it is NaN when there are none).
   */
  medians: (Float64Array | undefined)[];
}

/** What fits carry on a series' origin (its `baseline` slot) from one grid to the next. */
interface BaselineCarry {
  /** Transformed day columns, one per transform (see dayColumn). */
  transforms: Transform[];
  columns: DayColumn[];
  /** Carried fits of the first kind asked for (a series has one kind), then of any other (see reusedFit). */
  fits: CarriedFits | undefined;
  moreFits: CarriedFits[] | undefined;
}

function carryOf(origin: SeriesOrigin): BaselineCarry {
  return ((origin.baseline as BaselineCarry | undefined) ??= {
    transforms: [],
    columns: [],
    fits: undefined,
    moreFits: undefined,
  });
}

/**
 * The series through a transform as a column by absolute day, extended with the grid's newer days (a day's value
 * never changes under an origin, so a view of it equals the grid transformed afresh).
 */
function dayColumn(
  frame: MetricFrame,
  series: EntitySeries,
  origin: SeriesOrigin,
  transform: Transform,
): DayColumn {
  const { values } = series;
  const length = values.length;
  const carry = carryOf(origin);
  let slot = 0;
  while (slot < carry.transforms.length && !sameTransform(carry.transforms[slot]!, transform)) slot++;
  let col = carry.columns[slot];
  if (!col || frame.startDay < col.base) {
    const size = Math.max(2 * length, 64);
    col = {
      base: frame.startDay,
      y: new Float64Array(size),
      nonZero: new Uint8Array(size),
      filled: 0,
      medians: [undefined, undefined],
    };
    carry.transforms[slot] = transform;
    carry.columns[slot] = col;
  }
  const at = frame.startDay - col.base;
  const end = at + length;
  if (end > col.y.length) growColumn(col, Math.max(end, 2 * col.y.length));
  if (col.filled < at) {
    col.y.fill(NaN, col.filled, at);
    col.filled = at;
  }
  if (end > col.filled) {
    forwardAll(values, col.filled - at, end - col.filled, transform, col.y, col.filled);
    for (let c = col.filled; c < end; c++) col.nonZero[c] = values[c - at] === 0 ? 0 : 1;
    col.filled = end;
  }
  return col;
}

/** New, longer buffers for a column (earlier views keep the old ones, whose days are already final). */
function growColumn(col: DayColumn, size: number): void {
  const grow = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
    const grown = make(size);
    grown.set(a.subarray(0, col.filled));
    return grown;
  };
  col.y = grow(col.y, (n) => new Float64Array(n));
  col.nonZero = grow(col.nonZero, (n) => new Uint8Array(n));
  for (let f = 0; f < 2; f++) {
    const m = col.medians[f];
    if (m) col.medians[f] = grow(m, (n) => new Float64Array(n).fill(-Infinity));
  }
}

/**
 * Median of the finite y[j] for j in [lo, hi], leaving out days whose raw value is 0 when skipZeros (nonZero[j] is
 * 0 for those: the raw values themselves, or a column's mask), as quantileSorted(…, 0.5) computes it: the values
 * are inserted into a sorted window in order, the same order a sort gives.
 */
function centredMedian(
  y: Float64Array,
  nonZero: Float64Array | Uint8Array,
  lo: number,
  hi: number,
  skipZeros: boolean,
): number {
  let w = 0;
  for (let j = lo; j <= hi; j++) {
    const yj = y[j]!;
    if (!Number.isFinite(yj) || (skipZeros && nonZero[j] === 0)) continue;
    let q = w - 1;
    while (q >= 0 && win[q]! > yj) {
      win[q + 1] = win[q]!;
      q--;
    }
    win[q + 1] = yj;
    w++;
  }
  if (w === 0) return NaN;
  const h = (w - 1) * 0.5;
  const lo2 = Math.floor(h);
  const hi2 = Math.min(w - 1, lo2 + 1);
  return win[lo2]! + (h - lo2) * (win[hi2]! - win[lo2]!);
}

/**
 * centredMedian over days c − 3 … c + 3 of a column, computed once per column and day: every fit whose baseline
 * holds all seven days reads the same number (the window never reaches past the baseline there).
 */
function columnMedian(col: DayColumn, c: number, skipZeros: boolean): number {
  const f = skipZeros ? 1 : 0;
  let medians = col.medians[f];
  if (!medians) col.medians[f] = medians = new Float64Array(col.y.length).fill(-Infinity);
  const kept = medians[c]!;
  if (kept !== -Infinity) return kept;
  const med = centredMedian(col.y, col.nonZero, c - 3, c + 3, skipZeros);
  medians[c] = med;
  return med;
}

/**
 * Clipped Theil–Sen slope over weekly blocks: the median of each 7-day block (from the newest day back) at its mean
 * index, then the median of pairwise slopes between blocks. Robust to weekday structure, and with 4–5 blocks far
 * cheaper than all day pairs. Over the first `len` points (all of them by default).
 */
export function weeklyTrend(
  idx: ArrayLike<number>,
  z: ArrayLike<number>,
  clip: number,
  len = idx.length,
): number {
  if (trendBlock.length < len) {
    trendBlock = new Float64Array(len);
    trendXs = new Float64Array(len);
    trendYs = new Float64Array(len);
  }
  let blocks = 0;
  const last = idx[len - 1]!;
  // The block's values, and the sum of its indices in the order they join it (newest first).
  let size = 0;
  let idxSum = 0;
  let current = Math.floor((last - idx[len - 1]!) / 7);
  for (let k = len - 1; k >= -1; k--) {
    const b = k >= 0 ? Math.floor((last - idx[k]!) / 7) : -1;
    if (b !== current) {
      if (size >= 3) {
        trendXs[blocks] = idxSum / size;
        trendYs[blocks] = median(trendBlock, size);
        blocks++;
      }
      size = 0;
      idxSum = 0;
      current = b;
    }
    if (k >= 0) {
      trendBlock[size] = z[k]!;
      idxSum += idx[k]!;
      size++;
    }
  }
  return theilSenOf(trendXs, trendYs, blocks, clip);
}
// Scratch for weeklyTrend: one block's values, and each block's mean index and median.
let trendBlock = new Float64Array(64);
let trendXs = new Float64Array(64);
let trendYs = new Float64Array(64);

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
  const { fits } = gridMemo(series);
  // Grid indices are below FRAME_MAX_DAYS, far from the key's range (|to| < 1e6).
  const key = from * 2_000_000 + to;
  let model: SeriesModel | null | undefined;
  for (let k = 0; k < fits.length; k += 3) {
    if (fits[k + 1] === key && fits[k] === kind) {
      model = fits[k + 2] as SeriesModel | null;
      break;
    }
  }
  if (model === undefined) {
    model =
      series.origin && from <= to
        ? reusedFit(frame, series, kind, from, to)
        : fit(frame, series, kind, from, to);
    model ??= null;
    fits.push(kind, key, model);
  }
  return model && model.n >= minDays ? model : undefined;
}

/**
 * A series' fits of one kind by absolute last day: a ring of CARRY_DAYS rows of CARRY_WAYS fits each, a row per
 * last day (modulo CARRY_DAYS), so a fit is found by its day without hashing, and a fit CARRY_DAYS days old is
 * overwritten by a newer one in place (a fit dropped is fitted again, to the same numbers). A fit is kept as its
 * numbers, not as a model object: models kept for weeks (with their weekday arrays and grid views, about 18 KB a
 * series) were much of what a replay's old generation grew on. Each way's last day, span and numbers sit side by
 * side in one array: a replay looks up every series once a day, and each separate array was one more cache miss.
 */
interface CarriedFits {
  kind: MetricKind;
  /** SLOT_STRIDE numbers a way: its last day (NaN: none), its span (to − from), then the fit's (FittedModel.carry). */
  slots: Float64Array;
  /** Each way's transform; undefined for a range that gave no fit (no value in it). */
  transforms: (Transform | undefined)[];
}
/**
 * Days a carried fit is kept: the newest (frozen-variance's) ends 7 days before today and series-drift's baselines
 * end 14 to 20 days before it, so 24 keep every fit asked for again.
 */
const CARRY_DAYS = 24;
/** Fits kept per last day: a full 28-day baseline, and a shorter one while the series is young. */
const CARRY_WAYS = 2;
/** Numbers a carried fit keeps (FittedModel.carry): n, cold, β, level, pivot, σ, median, structural zeros, 7 weekdays. */
const FIT_STRIDE = 15;
/** Numbers a way of the ring holds: its last day, its span, and the fit's. */
const SLOT_STRIDE = 2 + FIT_STRIDE;

function carriedFits(carry: BaselineCarry, kind: MetricKind): CarriedFits {
  if (carry.fits?.kind === kind) return carry.fits;
  if (carry.moreFits) for (const f of carry.moreFits) if (f.kind === kind) return f;
  const ways = CARRY_DAYS * CARRY_WAYS;
  const fits: CarriedFits = {
    kind,
    slots: new Float64Array(ways * SLOT_STRIDE).fill(NaN),
    transforms: new Array<Transform | undefined>(ways).fill(undefined),
  };
  if (!carry.fits) carry.fits = fits;
  else (carry.moreFits ??= []).push(fits);
  return fits;
}

/**
 * The fit over grid [from, to] taken from an earlier grid of the same series when one covered the same days (the
 * fit depends only on the values of those days and their weekdays, and is computed the same on any grid), or
 * fitted now. A backtest's frozen-variance fit of day d is series-drift's baseline of day d + 7.
 */
function reusedFit(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  from: number,
  to: number,
): FittedModel | undefined {
  const fits = carriedFits(carryOf(series.origin!), kind);
  const { slots } = fits;
  const lastDay = frame.startDay + to;
  const span = to - from;
  const row = (((lastDay % CARRY_DAYS) + CARRY_DAYS) % CARRY_DAYS) * CARRY_WAYS;
  // A way of the row holding an older day (or none) is free.
  let free = -1;
  for (let w = row; w < row + CARRY_WAYS; w++) {
    if (slots[w * SLOT_STRIDE] !== lastDay) {
      if (free < 0) free = w;
      continue;
    }
    if (slots[w * SLOT_STRIDE + 1] !== span) continue;
    const transform = fits.transforms[w];
    return transform
      ? FittedModel.carried(
          slots,
          w * SLOT_STRIDE + 2,
          transform,
          transformed(frame, series, transform),
          from,
          to,
          frame.startDay,
        )
      : undefined;
  }
  const model = fit(frame, series, kind, from, to);
  const at = free >= 0 ? free : row + (span % CARRY_WAYS);
  slots[at * SLOT_STRIDE] = lastDay;
  slots[at * SLOT_STRIDE + 1] = span;
  fits.transforms[at] = model?.transform;
  model?.carry(slots, at * SLOT_STRIDE + 2);
  return model;
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
let relBuf = new Int32Array(128);
// Residuals per weekday (one buffer a weekday) and their medians.
let groupBufs = Array.from({ length: 7 }, () => new Float64Array(128));
const groupCount = new Int32Array(7);
const rawsBuf = new Float64Array(7);
const win = new Float64Array(7);

// eslint-disable-next-line max-lines-per-function -- one numerical fit over shared preallocated buffers (trend, weekly profile, residual scale); pieces would copy them
function fit(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  from: number,
  to: number,
): FittedModel | undefined {
  const { values } = series;
  const span = to - from + 1;
  if (span > idxBuf.length) {
    idxBuf = new Int32Array(span);
    rawBuf = new Float64Array(span);
    zBuf = new Float64Array(span);
    detrBuf = new Float64Array(span);
    residBuf = new Float64Array(span);
    relBuf = new Int32Array(span);
  }
  if (span > groupBufs[0]!.length) groupBufs = Array.from({ length: 7 }, () => new Float64Array(span));
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
  // The first n of each scratch buffer: no view made per fit.
  const idx = idxBuf;
  // Zeros leave the weekday windows whenever a baseline day is missing or was dropped as a structural zero.
  const skipZeros = n < span;
  const transform = fitTransform(kind, rawBuf, n);
  const memo = gridMemo(series);
  const slot = transformedSlot(frame, series, memo, transform);
  const y = slot === 0 ? memo.y! : (memo.more![3 * slot - 2] as Float64Array);
  const column = slot === 0 ? memo.column : (memo.more![3 * slot - 1] as DayColumn | undefined);
  const at = column ? frame.startDay - column.base : 0;
  const cold = n < BASELINE_DEFAULTS.warmDays;
  // Weekday of grid index i ≥ from: (w0 + i − from) mod 7, as weekdayOf(startDay + i) gives it.
  const w0 = weekdayOf(frame.startDay + from);
  const weekday = new Float64Array(7);
  if (!cold) {
    // r_i = y_i − median(y_{i−3..i+3}) within the baseline; s_d = median_d(r) − median over d.
    groupCount.fill(0);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      // Within the baseline the window is the same for every fit holding it: a column keeps it by day.
      const med =
        column && i - 3 >= from && i + 3 <= to
          ? columnMedian(column, at + i, skipZeros)
          : centredMedian(y, values, Math.max(from, i - 3), Math.min(to, i + 3), skipZeros);
      const d = (w0 + i - from) % 7;
      groupBufs[d]![groupCount[d]!] = y[i]! - med;
      groupCount[d]!++;
    }
    const raws = rawsBuf;
    for (let d = 0; d < 7; d++) raws[d] = groupCount[d]! >= 2 ? median(groupBufs[d]!, groupCount[d]) : 0;
    const center = median(raws);
    for (let d = 0; d < 7; d++) weekday[d] = raws[d]! - center;
  }
  const z = zBuf;
  for (let k = 0; k < n; k++) z[k] = y[idx[k]!]! - weekday[(w0 + idx[k]! - from) % 7]!;
  // Trend and centre in days before the baseline's last day, not in grid indices: the fit is then the same
  // whichever grid the days sit on (a backtest's grid slides by a day each day), to the last bit.
  const rel = relBuf;
  for (let k = 0; k < n; k++) rel[k] = idx[k]! - to;
  const beta = cold ? 0 : weeklyTrend(rel, z, BASELINE_DEFAULTS.trendClip, n);
  let center = 0;
  for (let k = 0; k < n; k++) center += rel[k]!;
  center /= n;
  const detr = detrBuf;
  for (let k = 0; k < n; k++) detr[k] = z[k]! - beta * (rel[k]! - center);
  const level = levelAndSpread(detr, n);
  const spread = levelSpread;
  const poisson = kind === 'count' ? 1 / Math.sqrt(Math.max(0, medianValue) + 1) : 0;
  let sigma = Math.max(MAD_TO_SD * spread, BASELINE_DEFAULTS.sigmaFloor, poisson);
  if (cold) sigma = Math.max(sigma, BASELINE_DEFAULTS.coldSigma);
  return (shapes.model = new FittedModel(
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
  ));
}

/** The MAD of the detrended values about their level, set by levelAndSpread. */
let levelSpread = NaN;

/**
 * median(detr[0..n)) returned, and mad(detr − that median) left in `levelSpread`, from one sort: subtracting a
 * constant keeps the sorted order (rounding is monotone), so the sorted residuals are the sorted values minus the
 * level and their MAD needs no second or third sort (madOfSorted). The same numbers as median() and mad() over the
 * residuals, to the bit; where a residual would not be finite, those two compute it.
 */
function levelAndSpread(detr: Float64Array, n: number): number {
  const s = residBuf;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const v = detr[k]!;
    if (Number.isFinite(v)) s[m++] = v;
  }
  sortFirst(s, m);
  const level = medianOfSorted(s, m);
  if (m > 0 && Number.isFinite(level)) {
    for (let k = 0; k < m; k++) s[k] = s[k]! - level;
    if (Number.isFinite(s[0]!) && Number.isFinite(s[m - 1]!)) {
      const centre = medianOfSorted(s, m);
      levelSpread = madOfSorted(s, m, centre);
      return level;
    }
  }
  for (let k = 0; k < n; k++) s[k] = detr[k]! - level;
  levelSpread = mad(s, n);
  return level;
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
    /** Mean of the baseline days' offsets from `to` (≤ 0). */
    private readonly pivot: number,
    readonly sigma: number,
    readonly medianValue: number,
    readonly structuralZeros: boolean,
    private readonly startDay: number,
  ) {
    this.startWeekday = weekdayOf(startDay);
  }

  private readonly startWeekday: number;

  /** Write the fit's numbers (everything but its transform and grid) to out[at, at + FIT_STRIDE). */
  carry(out: Float64Array, at: number): void {
    out[at] = this.n;
    out[at + 1] = this.cold ? 1 : 0;
    out[at + 2] = this.beta;
    out[at + 3] = this.level;
    out[at + 4] = this.pivot;
    out[at + 5] = this.sigma;
    out[at + 6] = this.medianValue;
    out[at + 7] = this.structuralZeros ? 1 : 0;
    out.set(this.weekday, at + 8);
  }

  /** A carried fit (see carry) on a grid holding its days as grid indices [from, to]. */
  static carried(
    numbers: Float64Array,
    at: number,
    transform: Transform,
    y: Float64Array,
    from: number,
    to: number,
    startDay: number,
  ): FittedModel {
    return new FittedModel(
      transform,
      y,
      from,
      to,
      numbers[at]!,
      numbers[at + 1] === 1,
      numbers.slice(at + 8, at + 15),
      numbers[at + 2]!,
      numbers[at + 3]!,
      numbers[at + 4]!,
      numbers[at + 5]!,
      numbers[at + 6]!,
      numbers[at + 7] === 1,
      startDay,
    );
  }

  get center(): number {
    return this.to + this.pivot;
  }

  trend(i: number): number {
    return this.beta * (i - this.to - this.pivot);
  }

  expected(i: number): number {
    // The weekday of grid index i ≥ 0 from the grid's first day's (weekdayOf's two remainders, once per model).
    const d = i >= 0 ? (this.startWeekday + i) % 7 : weekdayOf(this.startDay + i);
    return this.level + this.beta * (i - this.to - this.pivot) + this.weekday[d]!;
  }
}
