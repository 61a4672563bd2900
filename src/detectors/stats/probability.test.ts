import { describe, expect, it } from 'vitest';
import { binomialUpperTail, chiSquareLowerTail, poissonBinomialUpperTail } from './probability.js';

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
});
