import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { iqr, mad, madAtMost, median, quantile, quantiles, theilSen, variance } from './robust.js';
import { binomialUpperTail, logGamma, normalUpperTail } from './probability.js';
import { dayNumber, dayString, weekdayOf } from './days.js';
import { fitTransform } from './transform.js';
import { formatFactor, preferDecimal, snapToUnit, SERIES_UNIT_FACTORS, PANEL_UNIT_FACTORS } from './units.js';

describe('robust statistics', () => {
  it.each([
    { xs: [3, 1, 2], median: 2, mad: 1 },
    { xs: [1, 2, 3, 4, 100], median: 3, mad: 1 },
    { xs: [5, NaN, 5, 5], median: 5, mad: 0 },
  ])('median/MAD of $xs', ({ xs, median: m, mad: d }) => {
    expect(median(xs)).toBe(m);
    expect(mad(xs)).toBe(d);
  });

  it('median and quantile of more values than any call before (the shared sort buffer grows) read the new buffer', () => {
    // Each call is the longest so far in this file, so each one makes the buffer grow.
    for (const [k, n] of [1_001, 4_001, 20_001, 100_001].entries()) {
      const xs = Array.from({ length: n }, (_, i) => (i * 7919) % n);
      if (k % 2 === 0) expect(median(xs)).toBe((n - 1) / 2);
      else expect(quantile(xs, 0.25)).toBe((n - 1) / 4);
    }
  });

  it('a median found by selection equals the sorted one to the bit, ties, zeros and −0 included', () => {
    const sortedMedian = (xs: number[]) => {
      const s = Float64Array.from(xs.filter(Number.isFinite)).sort();
      if (s.length === 0) return NaN;
      const h = (s.length - 1) * 0.5;
      const lo = Math.floor(h);
      const hi = Math.min(s.length - 1, lo + 1);
      return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
    };
    const value = fc.oneof(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, -0, NaN, Infinity),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 10, maxLength: 400 }), (xs) => {
        expect(Object.is(median(xs), sortedMedian(xs))).toBe(true);
        // A prefix of 10 to 49 values, as callers pass a length into a scratch buffer: both sides of the threshold.
        const k = 10 + (xs.length % 40);
        if (k <= xs.length)
          expect(Object.is(median(Float64Array.from(xs), k), sortedMedian(xs.slice(0, k)))).toBe(true);
        // A view into a larger buffer, as level-shift passes a day's residuals (typed arrays take their own copy loop).
        const view = Float64Array.from([7, ...xs, 7]).subarray(1, xs.length + 1);
        expect(Object.is(median(view), sortedMedian(xs))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('the MAD equals the deviations of the sorted values sorted again, to the bit (short and long, ±0, NaN, ∞)', () => {
    const sortedMedian = (xs: ArrayLike<number>) => {
      const s = Float64Array.from(Array.from(xs).filter(Number.isFinite)).sort();
      if (s.length === 0) return NaN;
      const h = (s.length - 1) * 0.5;
      const lo = Math.floor(h);
      const hi = Math.min(s.length - 1, lo + 1);
      return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
    };
    const reference = (xs: number[]) => {
      const m = sortedMedian(xs);
      if (!Number.isFinite(m)) return NaN;
      return sortedMedian(xs.filter(Number.isFinite).map((v) => Math.abs(v - m)));
    };
    const value = fc.oneof(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, -0, NaN, Infinity, 1.7e308, -1.7e308),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 80 }), (xs) => {
        expect(Object.is(mad(xs), reference(xs))).toBe(true);
        // A prefix, as callers pass a length into a scratch buffer.
        const k = xs.length >> 1;
        expect(Object.is(mad(Float64Array.from(xs), k), reference(xs.slice(0, k)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the MAD never exceeds madAtMost, half the range plus a rounding margin (large values, tiny ranges, ±0, ∞)', () => {
    // The tight cases: half the values at each end (even n), or a middle value between two equal halves (odd n).
    expect(mad([0, 0, 10, 10])).toBe(5);
    expect(madAtMost([0, 0, 10, 10])).toBeGreaterThanOrEqual(5);
    expect(mad([-3, -3, 0, 3, 3])).toBe(3);
    expect(madAtMost([-3, -3, 0, 3, 3])).toBeLessThan(3.001);
    expect(madAtMost([NaN, Infinity])).toBeNaN();
    const value = fc.oneof(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.integer({ min: -3, max: 3 }),
      // A large level with a spread of a few units in its last place: the median and the deviations round.
      fc.integer({ min: -8, max: 8 }).map((k) => 1e6 + k * 2 ** -33),
      fc.constantFrom(0, -0, NaN, Infinity, 1.7e308, -1.7e308),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 80 }), fc.nat(80), (xs, cut) => {
        const k = Math.min(cut, xs.length);
        const exact = mad(Float64Array.from(xs), k);
        const bound = madAtMost(Float64Array.from(xs), k);
        // Where the MAD is a number the bound is one too (∞ when the range overflows), and not below it.
        if (Number.isFinite(exact)) expect(exact).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 3000 },
    );
  });

  it('quantiles interpolate like R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(iqr([1, 2, 3, 4, 5])).toEqual([2, 4]);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('Theil–Sen ignores an outlier and clips', () => {
    expect(theilSen([0, 1, 2, 3, 4], [1, 2, 3, 4, 40])).toBe(1);
    expect(theilSen([0, 1, 2, 3], [0, 1, 2, 3], 0.05)).toBe(0.05);
    expect(theilSen([0], [1])).toBe(0);
    expect(variance([1, 2, 3])).toBe(1);
  });
});

describe('probabilities', () => {
  it.each([
    { n: 10, k: 10, p: 0.5, want: 0.0009765625 },
    { n: 10, k: 0, p: 0.3, want: 1 },
    { n: 4, k: 2, p: 0.5, want: 11 / 16 },
    { n: 200, k: 100, p: 0.053, want: 0 },
  ])('P(Bin($n,$p) ≥ $k)', ({ n, k, p, want }) => {
    expect(binomialUpperTail(n, k, p)).toBeCloseTo(want, 10);
  });

  it('tail of a large panel is tiny but positive', () => {
    const p = binomialUpperTail(200, 100, 0.053);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-40);
  });

  it('log-gamma and the normal tail', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(normalUpperTail(1.96)).toBeCloseTo(0.025, 4);
    expect(normalUpperTail(-1.96)).toBeCloseTo(0.975, 4);
  });
});

describe('days, transforms and units', () => {
  it('converts days both ways and knows the weekday', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayString(dayNumber('2026-03-14'))).toBe('2026-03-14');
    expect(weekdayOf(dayNumber('2026-01-05'))).toBe(1); // a Monday
    expect(dayNumber('2026-03-14T07:00:00Z')).toBe(dayNumber('2026-03-14'));
  });

  it.each([
    { kind: 'count' as const, values: [1, 2, 3], name: 'log1p' },
    { kind: 'ratio' as const, values: [0.1, 0.2, 0.3], name: 'log-offset' },
    { kind: 'gauge' as const, values: [-5, 2, 3], name: 'asinh' },
  ])('$kind → $name, invertible', ({ kind, values, name }) => {
    const t = fitTransform(kind, values);
    expect(t.name).toBe(name);
    for (const v of values) expect(t.inverse(t.forward(v))).toBeCloseTo(v, 10);
  });

  it.each([
    { lf: Math.log(98), catalog: SERIES_UNIT_FACTORS, factor: 100 },
    { lf: -Math.log(61), catalog: SERIES_UNIT_FACTORS, factor: 1 / 60 },
    { lf: Math.log(9.5), catalog: PANEL_UNIT_FACTORS, factor: 10 },
  ])('snaps $lf to $factor', ({ lf, catalog, factor }) => {
    expect(snapToUnit(lf, catalog).factor).toBeCloseTo(factor, 10);
  });

  it('prefers ×1000 over ×1024 unless the unit is binary', () => {
    const lf = Math.log(1015);
    const snap = snapToUnit(lf, SERIES_UNIT_FACTORS);
    expect(preferDecimal(snap, lf, 0.23, false).factor).toBe(1000);
    expect(preferDecimal(snap, lf, 0.23, true).factor).toBe(1024);
    expect(formatFactor(0.001)).toBe('÷1000');
    expect(formatFactor(60)).toBe('×60');
  });
});

describe('quantiles and mad (sorting shortcuts)', () => {
  it('quantiles(xs, qs) equals quantile(xs, q) for every q, and mad the median of absolute deviations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN)), {
          maxLength: 200,
        }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (xs, qs) => {
          expect(quantiles(xs, qs)).toEqual(qs.map((q) => quantile(xs, q)));
          const m = median(xs);
          const dev = xs.filter(Number.isFinite).map((v) => Math.abs(v - m));
          expect(mad(xs)).toEqual(Number.isFinite(m) ? median(dev) : NaN);
        },
      ),
    );
  });
});
