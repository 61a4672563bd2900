// Where one series stands against its expected level now: the shifted run ending today, its Δ, SE, Z and factor.
import type { MetricKind } from '../../core/contract.js';
import { BASELINE_DEFAULTS, fitBaseline, isStructuralZero, type SeriesModel } from './baseline.js';
import type { EntitySeries, MetricFrame } from './frame.js';
import { median } from './robust.js';

/** Options of the shift analysis shared by unit-scale, panel-scale and level-shift. */
export interface ShiftOptions {
  /** Days before today the baseline ends at most (the evaluation window R). */
  lookback: number;
  /** Days in the baseline. */
  baselineDays: number;
  /** Valid baseline days needed at all (cold start below 14). */
  minHistory: number;
}

export const SHIFT_DEFAULTS: ShiftOptions = {
  lookback: 7,
  baselineDays: BASELINE_DEFAULTS.baselineDays,
  minHistory: 7,
};

/**
 * Expected level above which the factor is read from raw ratios rather than the transformed Δ. ln(v+1) compresses
 * small values: a ÷60 on a 5-a-day page reads ÷5.9 as Δ, which dragged a ÷60 panel's median to ÷34 and its
 * agreement under 60 % (20 here named nothing on the first day). Below 3 a day, counts are too coarse for either.
 */
const RAW_RATIO_LEVEL = 3;

/** One entity's current shift. */
export interface EntityShift {
  entity: string;
  model: SeriesModel;
  /** Grid index of the first day of the shifted run ending today. */
  onsetIndex: number;
  /** Valid days in the run (k). */
  k: number;
  /** Median residual over the run, transformed units. */
  delta: number;
  /**
   * The baseline holds values that are not whole numbers: a rate or a share, whatever its declared kind. Its factor
   * is read from raw ratios at any level (log(1 + x) would compress a 0..1 fraction ×100 to ≈×10).
   */
  fractional?: boolean;
  se: number;
  z: number;
  /** ln of the estimated multiplicative factor κ̂. */
  logFactor: number;
  /**
   * Residuals of the evaluation window: index k holds grid index baseEnd + 1 + k (NaN where no value). Read by grid
   * index with residualAt.
   */
  residuals: Float64Array;
  /** Grid index where the baseline ends (the window starts after it). */
  baseEnd: number;
  /** Last normal value before the run (grid index and value), when there is one. */
  lastNormal?: { index: number; value: number };
}

/** One analysis of a series on its grid (its memo slot holds a short list of them, one per options). */
interface ShiftMemo {
  kind: MetricKind;
  lookback: number;
  baselineDays: number;
  minHistory: number;
  result: EntityShift | null;
}

/**
 * Analyse the run of shifted days ending at today's grid index. Undefined when the series
 * has no value today or too little history. Memoised per (series, kind, options).
 *
 * @example
 * const s = entityShift(frame, series, 'count'); if (s && Math.abs(s.z) >= 6) console.log(Math.exp(s.logFactor));
 */
export function entityShift(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  options: ShiftOptions = SHIFT_DEFAULTS,
): EntityShift | undefined {
  const memo = (series.memo ??= {});
  let per = memo.shifts as ShiftMemo[] | undefined;
  if (!per) memo.shifts = per = [];
  for (const m of per) {
    if (
      m.kind === kind &&
      m.lookback === options.lookback &&
      m.baselineDays === options.baselineDays &&
      m.minHistory === options.minHistory
    )
      return m.result ?? undefined;
  }
  const result = compute(frame, series, kind, options);
  per.push({
    kind,
    lookback: options.lookback,
    baselineDays: options.baselineDays,
    minHistory: options.minHistory,
    result: result ?? null,
  });
  return result;
}

// eslint-disable-next-line max-lines-per-function -- one numerical procedure over shared windows (medians, MADs, log-ratio, snap); pieces would copy them
function compute(
  frame: MetricFrame,
  series: EntitySeries,
  kind: MetricKind,
  o: ShiftOptions,
): EntityShift | undefined {
  const T = frame.length - 1;
  const { values } = series;
  if (T < 1 || !Number.isFinite(values[T]!)) return undefined;
  let first = -1;
  for (let i = 0; i <= T; i++) {
    if (Number.isFinite(values[i]!)) {
      first = i;
      break;
    }
  }
  const lookback = Math.min(o.lookback, T - first + 1 - o.minHistory);
  if (lookback < 1) return undefined;
  const baseEnd = T - lookback;
  const model = fitBaseline(frame, series, kind, baseEnd - o.baselineDays + 1, baseEnd, o.minHistory);
  if (!model) return undefined;
  let fractional = false;
  for (let i = Math.max(0, baseEnd - o.baselineDays + 1); i <= baseEnd && !fractional; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && !Number.isInteger(v)) fractional = true;
  }
  // Only the window's days: a grid's length of NaN per series and day was most of this function's garbage.
  const residuals = new Float64Array(T - baseEnd).fill(NaN);
  for (let i = baseEnd + 1; i <= T; i++) {
    const y = model.y[i]!;
    if (Number.isFinite(y)) residuals[i - baseEnd - 1] = y - model.expected(i);
  }
  const eT = residuals[T - baseEnd - 1]!;
  const floor = Math.max(2 * model.sigma, Math.abs(eT) / 3);
  let onset = T;
  for (let i = T - 1; i > baseEnd; i--) {
    const e = residuals[i - baseEnd - 1]!;
    if (!Number.isFinite(e)) continue;
    if (Math.sign(e) !== Math.sign(eT) || Math.abs(e) < floor) break;
    onset = i;
  }
  const run: number[] = [];
  const runIdx: number[] = [];
  for (let i = onset; i <= T; i++) {
    const e = residuals[i - baseEnd - 1]!;
    if (Number.isFinite(e)) {
      run.push(e);
      runIdx.push(i);
    }
  }
  const k = run.length;
  const delta = median(run);
  const se = 1.2533 * model.sigma * Math.sqrt(1 / k + 1 / model.n);
  // Noise is autocorrelated: the days just before the onset say where the series really stood. Half of their
  // mean residual is added to the expectation when estimating the factor (not for Z).
  const before: number[] = [];
  for (let i = onset - 1; i >= 0 && before.length < 3; i--) {
    const y = model.y[i]!;
    // A 0 standing for missing data would carry a −10 residual into the factor (a ×1.4 day read ×60).
    if (Number.isFinite(y) && !isStructuralZero(model, values[i]!)) before.push(y - model.expected(i));
  }
  const carry = before.length > 0 ? 0.5 * (before.reduce((a, b) => a + b, 0) / before.length) : 0;
  let logFactor = delta - carry;
  if (model.transform.name !== 'asinh') {
    const raw = rawLogFactor(
      runIdx,
      values,
      (i) => model.transform.inverse(model.expected(i) + carry),
      fractional,
    );
    if (raw !== undefined) logFactor = raw;
  }
  let lastNormal: EntityShift['lastNormal'];
  for (let i = onset - 1; i >= 0; i--) {
    if (Number.isFinite(values[i]!) && !isStructuralZero(model, values[i]!)) {
      lastNormal = { index: i, value: values[i]! };
      break;
    }
  }
  return {
    entity: series.entity,
    model,
    onsetIndex: onset,
    k,
    delta,
    ...(fractional ? { fractional } : {}),
    se,
    z: delta / se,
    logFactor,
    residuals,
    baseEnd,
    ...(lastNormal ? { lastNormal } : {}),
  };
}

/**
 * The evaluation residual at grid index i: NaN outside the window (after baseEnd, up to today) or where no value.
 *
 * @example
 * const today = residualAt(shift, frame.length - 1);
 */
export function residualAt(shift: EntityShift, i: number): number {
  const k = i - shift.baseEnd - 1;
  return k >= 0 && k < shift.residuals.length ? shift.residuals[k]! : NaN;
}

/**
 * Δ and the factor of one entity over a given window [from, to] of its evaluation residuals (panel analysis
 * uses the panel's onset for every entity). Undefined when the window holds no value.
 */
export function windowShift(
  shift: EntityShift,
  values: Float64Array,
  from: number,
  to: number,
): { delta: number; logFactor: number; k: number; medianValue: number } | undefined {
  const run: number[] = [];
  const idx: number[] = [];
  const obs: number[] = [];
  for (let i = Math.max(from, shift.baseEnd + 1); i <= to; i++) {
    const e = residualAt(shift, i);
    if (!Number.isFinite(e)) continue;
    run.push(e);
    idx.push(i);
    obs.push(values[i]!);
  }
  if (run.length === 0) return undefined;
  const delta = median(run);
  let logFactor = delta;
  if (shift.model.transform.name !== 'asinh') {
    const model = shift.model;
    const raw = rawLogFactor(
      idx,
      values,
      (i) => model.transform.inverse(model.expected(i)),
      shift.fractional === true,
    );
    if (raw !== undefined) logFactor = raw;
  }
  return { delta, logFactor, k: run.length, medianValue: median(obs) };
}

/**
 * The factor read from raw values: the median over the run of ln(observed / expected), day by day, so that a run
 * spanning a weekday peak and a trough is not compared as median(observed) / median(expected) (which mixes days and
 * misread a ×100 as ×190 on a weekly-seasonal page). Undefined when the expected level is below RAW_RATIO_LEVEL
 * (log1p compresses small counts; the transformed Δ is better there) or no day has a positive value. A `fractional`
 * baseline (values that are not whole: a rate or share, even one declared a count) is read raw at any level: there
 * the compression is the error (a 0..1 share ×100 read ≈×10), and counting noise does not apply.
 */
function rawLogFactor(
  idx: readonly number[],
  values: Float64Array,
  expected: (i: number) => number,
  fractional = false,
): number | undefined {
  const exps: number[] = [];
  const logs: number[] = [];
  for (const i of idx) {
    const x = expected(i);
    exps.push(x);
    const v = values[i]!;
    if (v > 0 && x > 0) logs.push(Math.log(v / x));
  }
  if (logs.length === 0 || !(fractional || median(exps) >= RAW_RATIO_LEVEL)) return undefined;
  if (logs.length * 2 < idx.length) return undefined;
  return median(logs);
}

/** Median observed raw value over the entity's shifted run. */
export function runMedianValue(shift: EntityShift, values: Float64Array): number {
  const obs: number[] = [];
  for (let i = shift.onsetIndex; i < values.length; i++)
    if (Number.isFinite(values[i]!)) obs.push(values[i]!);
  return median(obs);
}
