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
  const { run, idx: runIdx } = room(T - onset + 1);
  let k = 0;
  for (let i = onset; i <= T; i++) {
    const e = residuals[i - baseEnd - 1]!;
    if (Number.isFinite(e)) {
      run[k] = e;
      runIdx[k] = i;
      k++;
    }
  }
  const delta = median(run, k);
  const se = 1.2533 * model.sigma * Math.sqrt(1 / k + 1 / model.n);
  // Noise is autocorrelated: the days just before the onset say where the series really stood. Half of their
  // mean residual is added to the expectation when estimating the factor (not for Z).
  let beforeSum = 0;
  let beforeCount = 0;
  for (let i = onset - 1; i >= 0 && beforeCount < 3; i--) {
    const y = model.y[i]!;
    // A 0 standing for missing data would carry a −10 residual into the factor (a ×1.4 day read ×60).
    if (Number.isFinite(y) && !isStructuralZero(model, values[i]!)) {
      beforeSum += y - model.expected(i);
      beforeCount++;
    }
  }
  const carry = beforeCount > 0 ? 0.5 * (beforeSum / beforeCount) : 0;
  let logFactor = delta - carry;
  if (model.transform.name !== 'asinh') {
    const raw = rawLogFactor(runIdx, k, values, model, carry, fractional);
    if (raw !== undefined) logFactor = raw;
  }
  let lastNormal: EntityShift['lastNormal'];
  for (let i = onset - 1; i >= 0; i--) {
    if (Number.isFinite(values[i]!) && !isStructuralZero(model, values[i]!)) {
      lastNormal = { index: i, value: values[i]! };
      break;
    }
  }
  // Every key always present (absent ones undefined): one object shape for every series. A literal with conditional
  // spreads is built key by key at run time, about a microsecond per series and day, and gives the detectors that
  // read it four shapes to handle.
  return {
    entity: series.entity,
    model,
    onsetIndex: onset,
    k,
    delta,
    fractional: fractional ? true : undefined,
    se,
    z: delta / se,
    logFactor,
    residuals,
    baseEnd,
    lastNormal,
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
  const { run, idx, obs } = room(to - from + 1);
  let k = 0;
  for (let i = Math.max(from, shift.baseEnd + 1); i <= to; i++) {
    const e = residualAt(shift, i);
    if (!Number.isFinite(e)) continue;
    run[k] = e;
    idx[k] = i;
    obs[k] = values[i]!;
    k++;
  }
  if (k === 0) return undefined;
  const delta = median(run, k);
  let logFactor = delta;
  if (shift.model.transform.name !== 'asinh') {
    const raw = rawLogFactor(idx, k, values, shift.model, 0, shift.fractional === true);
    if (raw !== undefined) logFactor = raw;
  }
  return { delta, logFactor, k, medianValue: median(obs, k) };
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
  idx: Int32Array,
  count: number,
  values: Float64Array,
  model: SeriesModel,
  carry: number,
  fractional: boolean,
): number | undefined {
  const { exps, logs } = scratch;
  let n = 0;
  for (let k = 0; k < count; k++) {
    const i = idx[k]!;
    const x = model.transform.inverse(model.expected(i) + carry);
    exps[k] = x;
    const v = values[i]!;
    if (v > 0 && x > 0) logs[n++] = Math.log(v / x);
  }
  if (n === 0 || !(fractional || median(exps, count) >= RAW_RATIO_LEVEL)) return undefined;
  if (n * 2 < count) return undefined;
  return median(logs, n);
}

/**
 * Scratch for one shift at a time (neither compute nor windowShift re-enters itself): a run's residuals, grid
 * indices and observed values, and rawLogFactor's expected values and log-ratios.
 */
let scratch = {
  run: new Float64Array(128),
  idx: new Int32Array(128),
  obs: new Float64Array(128),
  exps: new Float64Array(128),
  logs: new Float64Array(128),
};

/** The scratch buffers, grown to hold `n` days. */
function room(n: number): typeof scratch {
  if (scratch.run.length < n) {
    const size = Math.max(n, 2 * scratch.run.length);
    scratch = {
      run: new Float64Array(size),
      idx: new Int32Array(size),
      obs: new Float64Array(size),
      exps: new Float64Array(size),
      logs: new Float64Array(size),
    };
  }
  return scratch;
}

/** Median observed raw value over the entity's shifted run. */
export function runMedianValue(shift: EntityShift, values: Float64Array): number {
  const { obs } = room(values.length - shift.onsetIndex);
  let n = 0;
  for (let i = shift.onsetIndex; i < values.length; i++)
    if (Number.isFinite(values[i]!)) obs[n++] = values[i]!;
  return median(obs, n);
}
