import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  chiSquareLowerTail,
  poissonBinomialUpperTail,
  poissonBinomialUpperTails,
} from './probability.js';

describe('chiSquareLowerTail', () => {
  // closed forms: k=2 → 1 − e^(−x/2); k=4 → 1 − e^(−x/2)(1 + x/2); k=1 at 1 → 0.6826895 (one sd of a normal)
  const k2 = (x: number) => 1 - Math.exp(-x / 2);
  const k4 = (x: number) => 1 - Math.exp(-x / 2) * (1 + x / 2);
  it.each([
    [1, 1, 0.6826895],
    [2, 2, k2(2)],
    [0.01, 2, k2(0.01)],
    [3, 4, k4(3)],
    [0.05, 4, k4(0.05)],
    [0.002, 4, k4(0.002)],
  ])('P(χ² ≤ %s) with %s degrees of freedom = %s', (x, k, p) => {
    expect(Math.abs(chiSquareLowerTail(x, k) - p) / p).toBeLessThan(1e-6);
  });
  it('is 0 at 0 and increases with x', () => {
    expect(chiSquareLowerTail(0, 4)).toBe(0);
    expect(chiSquareLowerTail(1, 5)).toBeLessThan(chiSquareLowerTail(2, 5));
  });
});

describe('poissonBinomialUpperTail', () => {
  it.each([
    { ps: [0.5, 0.5], k: 2, want: 0.25 },
    { ps: [0.1, 0.2, 0.9], k: 1, want: 1 - 0.9 * 0.8 * 0.1 },
    { ps: [0.1, 0.2, 0.9], k: 3, want: 0.1 * 0.2 * 0.9 },
    { ps: [0.3], k: 0, want: 1 },
    { ps: [0.3], k: 2, want: 0 },
  ])('P(X ≥ $k) over $ps = $want', ({ ps, k, want }) => {
    expect(poissonBinomialUpperTail(ps, k)).toBeCloseTo(want, 12);
  });

  it('equals the binomial tail when every probability is the same', () => {
    for (const [n, k, p] of [
      [10, 3, 0.2],
      [40, 12, 0.1],
      [6, 6, 0.05],
    ] as const)
      expect(
        poissonBinomialUpperTail(
          Array.from({ length: n }, () => p),
          k,
        ),
      ).toBeCloseTo(binomialUpperTail(n, k, p), 10);
  });

  it('takes only the trials and entries that can change: the full dynamic programme to the bit', () => {
    // Every trial updates every entry, as the definition reads.
    const full = (ps: number[], k: number) => {
      if (k <= 0) return 1;
      if (k > ps.length) return 0;
      const dist = new Float64Array(k + 1);
      dist[0] = 1;
      for (const raw of ps) {
        const p = Math.min(1, Math.max(0, raw));
        dist[k] = dist[k]! + dist[k - 1]! * p;
        for (let j = k - 1; j >= 1; j--) dist[j] = dist[j]! * (1 - p) + dist[j - 1]! * p;
        dist[0] = dist[0] * (1 - p);
      }
      return Math.min(1, dist[k]!);
    };
    const p = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1e-3, noNaN: true }),
      fc.constantFrom(0, -0, 1, 1e-300, -0.5, 1.5, NaN),
    );
    fc.assert(
      fc.property(fc.array(p, { maxLength: 60 }), fc.integer({ min: -1, max: 62 }), (ps, k) => {
        expect(Object.is(poissonBinomialUpperTail(ps, k), full(ps, k))).toBe(true);
        // The first ps.length entries of a longer buffer are the same trials.
        const buffer = Float64Array.from([...ps, 0.7, 0.2]);
        expect(Object.is(poissonBinomialUpperTail(buffer, k, ps.length), full(ps, k))).toBe(true);
        // Every tail up to k at once, each as its own call gives it.
        const tails = poissonBinomialUpperTails(buffer, k, ps.length);
        for (let j = 0; j <= k; j++) expect(Object.is(tails[j], full(ps, j))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
