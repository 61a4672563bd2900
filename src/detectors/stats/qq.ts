// Cross-entity quantile–quantile fit: did every quantile of the panel move alike?

import { median, quantileSorted, theilSen } from './robust.js';

/** The quantile levels S3 compares: 0.1, 0.2, …, 0.9. */
export const QQ_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** One paired observation: an entity's value on a changed day and on its reference day. */
export interface QuantilePairInput {
  /** Values on the reference day (same weekday before the onset), one per entity. */
  ref: ArrayLike<number>;
  /** Values on the changed day, one per entity, aligned with `ref`. */
  now: ArrayLike<number>;
}

/** The fit `y_q(now) = a + b·y_q(ref)` over the transformed cross-entity quantiles. */
export interface QuantileFit {
  /** Theil–Sen slope b. 1 means every quantile moved by the same factor. */
  slope: number;
  /** Intercept a of the free Theil–Sen fit (median of y − b·x). */
  intercept: number;
  /**
   * e^a of the fit with the slope held at 1, i.e. exp(median_q(y_q − x_q)): the common factor κ when the move is
   * purely multiplicative. The free intercept depends on where the log scale's origin lies; this does not.
   */
  factor: number;
  /** The transformed quantile pairs [x_q, y_q] at QQ_LEVELS, each the median over the paired days. */
  pairs: [number, number][];
  /** Entities that had a value on both days of every pair used (the smallest count over days). */
  entities: number;
}

/**
 * A log transform fitted to one side of the comparison: ln(v + c) with c = 0.01·median(v > 0), the baseline's
 * transform for non-negative reals. Fitting c per side makes it scale-equivariant:
 * ln(κv + κc) = ln κ + ln(v + c), so a pure factor κ moves every quantile by exactly ln κ, zeros included.
 * The counts transform ln(v + 1) is not: after ÷1000 most counts sit below 1, where it is linear, and the
 * slope would read ≈0.1 for a clean unit change. Undefined when a value is negative or nothing is positive.
 */
export function sideTransform(values: readonly ArrayLike<number>[]): ((v: number) => number) | undefined {
  const positive: number[] = [];
  for (const day of values) {
    for (let i = 0; i < day.length; i++) {
      const v = day[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < 0) return undefined;
      if (v > 0) positive.push(v);
    }
  }
  if (positive.length === 0) return undefined;
  const c = 0.01 * median(positive);
  return (v) => Math.log(v + c);
}

function quantilesOf(values: number[]): number[] {
  const s = Float64Array.from(values).sort();
  return QQ_LEVELS.map((q) => quantileSorted(s, q));
}

/**
 * Fit Theil–Sen `y_q(t) = a + b·y_q(ref)` on the cross-entity quantiles 0.1…0.9 of log-transformed values, each
 * changed day against its reference day. Per day, only entities with a value on both days
 * count; the quantiles of each level are then the median over days. Undefined when any day has fewer than
 * `minEntities` such entities, or the values are signed (the transform would not be scale-equivariant).
 *
 * @example
 * const ref = [5, 12, 40, 90, 300, 800];
 * quantileFit([{ ref, now: ref.map((v) => v * 100) }], 5)?.slope // 1 (and factor 100)
 */
export function quantileFit(days: readonly QuantilePairInput[], minEntities = 10): QuantileFit | undefined {
  if (days.length === 0) return undefined;
  const fx = sideTransform(days.map((d) => d.ref));
  const fy = sideTransform(days.map((d) => d.now));
  if (!fx || !fy) return undefined;
  const xq: number[][] = QQ_LEVELS.map(() => []);
  const yq: number[][] = QQ_LEVELS.map(() => []);
  let entities = Infinity;
  for (const d of days) {
    const xs: number[] = [];
    const ys: number[] = [];
    const n = Math.min(d.ref.length, d.now.length);
    for (let i = 0; i < n; i++) {
      const a = d.ref[i]!;
      const b = d.now[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      xs.push(fx(a));
      ys.push(fy(b));
    }
    if (xs.length < minEntities) return undefined;
    entities = Math.min(entities, xs.length);
    const qx = quantilesOf(xs);
    const qy = quantilesOf(ys);
    QQ_LEVELS.forEach((_, k) => {
      xq[k]!.push(qx[k]!);
      yq[k]!.push(qy[k]!);
    });
  }
  const x = xq.map((v) => median(v));
  const y = yq.map((v) => median(v));
  // Quantiles that all coincide (a panel of equal values) carry no slope.
  if (Math.max(...x) - Math.min(...x) < 1e-9) return undefined;
  return fitPairs(x, y, entities);
}

/**
 * The Theil–Sen line through quantile pairs (x_q, y_q), with the unit-slope factor. Pairs with equal x (tied
 * quantiles) give no slope; with no spread in x at all the slope reads 0, so callers check the spread first.
 *
 * @example
 * fitPairs([1, 2, 3], [3, 4, 5]).slope // 1, factor e²
 */
export function fitPairs(x: readonly number[], y: readonly number[], entities = NaN): QuantileFit {
  const slope = theilSen(x, y);
  const intercept = median(y.map((yi, k) => yi - slope * x[k]!));
  const factor = Math.exp(median(y.map((yi, k) => yi - x[k]!)));
  return { slope, intercept, factor, pairs: x.map((xi, k) => [xi, y[k]!]), entities };
}
