// Per-kind variance-stabilising transforms of raw values: ln(v+1) for counts, ln(v+c) for reals, asinh for signed.
import type { MetricKind } from '../../core/contract.js';
import { median } from './robust.js';

/** A forward/inverse transform pair fitted to one series. */
export interface Transform {
  name: 'log1p' | 'log-offset' | 'asinh';
  /** The constant: 1 for counts, c for ln(v+c), s for asinh(v/s). */
  constant: number;
  forward(v: number): number;
  inverse(y: number): number;
}

/**
 * Choose and fit the transform for a series (its first `length` values): counts `ln(v+1)`; non-negative reals
 * `ln(v+c)` with `c = 0.01·median(v>0)`; anything with negative values `asinh(v/s)` with `s = median|v|`.
 *
 * @example
 * fitTransform('count', [1, 2, 3]).forward(0) // 0
 */
export function fitTransform(kind: MetricKind, values: ArrayLike<number>, length = values.length): Transform {
  let negative = false;
  for (let i = 0; i < length; i++) if (Number.isFinite(values[i]!) && values[i]! < 0) negative = true;
  // Counts without negative values need no statistic of the values (the common case: no arrays built).
  if (!negative && kind === 'count') return LOG1P;
  const positive: number[] = [];
  const abs: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v > 0) positive.push(v);
    if (v !== 0) abs.push(Math.abs(v));
  }
  if (negative) {
    const s = abs.length > 0 ? median(abs) : 1;
    return {
      name: 'asinh',
      constant: s,
      forward: (v) => Math.asinh(v / s),
      inverse: (y) => Math.sinh(y) * s,
    };
  }
  const c = positive.length > 0 ? 0.01 * median(positive) : 1;
  return {
    name: 'log-offset',
    constant: c,
    forward: (v) => Math.log(v + c),
    inverse: (y) => Math.exp(y) - c,
  };
}

/** The transform of every count without negative values (one shared object, so callers can test for it). */
export const LOG1P: Transform = Object.freeze({
  name: 'log1p',
  constant: 1,
  forward: (v: number) => Math.log(v + 1),
  inverse: (y: number) => Math.exp(y) - 1,
});
