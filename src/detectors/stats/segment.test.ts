import { describe, expect, it } from 'vitest';
import { binarySegmentation, l1Cost } from './segment.js';
import { normal, seeded } from '../../core/random.js';

/** n points of AR(1) noise with unit marginal sd (φ = 0 for white noise), plus `shift(i)`. */
function series(seed: number, n: number, shift: (i: number) => number = () => 0, phi = 0): number[] {
  const r = seeded(seed);
  let a = normal(r);
  return Array.from({ length: n }, (_, i) => {
    a = phi * a + Math.sqrt(1 - phi * phi) * normal(r);
    return a + shift(i);
  });
}

const PENALTY = 10;

describe('l1 binary segmentation', () => {
  it('l1 cost is the sum of absolute deviations from the median', () => {
    expect(l1Cost([1, 2, 3, 10], 0, 4)).toBe(10);
    expect(l1Cost([4, 4, 4], 0, 3)).toBe(0);
  });

  it.each([
    { name: 'a 4 sd step 10 days before the end', at: 18, size: 4 },
    { name: 'a 4 sd drop 5 days before the end', at: 23, size: -4 },
    { name: 'a 5 sd step, 3 days old (the shortest segment)', at: 25, size: 5 },
  ])('$name is found at its day ±0', ({ at, size }) => {
    for (let seed = 1; seed <= 5; seed++) {
      const s = binarySegmentation(
        series(seed, 28, (i) => (i >= at ? size : 0)),
        { minSize: 3, penalty: PENALTY },
      );
      expect(s.splits.map((x) => x.index)).toEqual([at]);
      expect(s.segments).toHaveLength(2);
      expect(s.segments[1]!.start).toBe(at);
      expect(s.splits[0]!.gain).toBeGreaterThan(PENALTY);
    }
  });

  it('two steps give two splits, both at their day ±1', () => {
    const s = binarySegmentation(
      series(3, 28, (i) => (i >= 8 ? 4 : 0) + (i >= 20 ? 4 : 0)),
      { minSize: 3, penalty: PENALTY },
    );
    const found = s.splits.map((x) => x.index).sort((a, b) => a - b);
    expect(found).toHaveLength(2);
    expect(Math.abs(found[0]! - 8)).toBeLessThanOrEqual(1);
    expect(Math.abs(found[1]! - 20)).toBeLessThanOrEqual(1);
    expect(s.segments.map((x) => Math.round(x.median / 4) + 0)).toEqual([0, 1, 2]);
  });

  it('noise only: no split in 28 days, white or AR(1) 0.3, on at least 995 of 1,000 series', () => {
    // The penalty: the 99.9th percentile of the best split's l1 gain over 28 days of unit noise is ≈7.4 for white
    // noise and ≈10.4 with AR(1) φ = 0.3 (the panel median residual is mildly autocorrelated); 10 sits at the latter.
    for (const phi of [0, 0.3]) {
      let split = 0;
      for (let seed = 1; seed <= 1000; seed++)
        if (
          binarySegmentation(
            series(seed, 28, () => 0, phi),
            { minSize: 3, penalty: PENALTY },
          ).splits.length > 0
        )
          split++;
      expect(split).toBeLessThanOrEqual(5);
    }
  });

  it('reports the best single split even below the penalty, and honours minSize and maxSplits', () => {
    const s = binarySegmentation(
      series(9, 28, (i) => (i >= 24 ? 1.5 : 0)),
      { minSize: 3, penalty: 1e9 },
    );
    expect(s.splits).toEqual([]);
    expect(s.segments).toEqual([expect.objectContaining({ start: 0, end: 28 })]);
    expect(s.best?.index).toBeGreaterThanOrEqual(3);
    expect(s.best?.index).toBeLessThanOrEqual(25);
    expect(binarySegmentation([1, 2, 3, 4, 5], { minSize: 3, penalty: 0 }).best).toBeUndefined();
    const steps = series(4, 28, (i) => 5 * Math.floor(i / 7));
    expect(binarySegmentation(steps, { minSize: 3, penalty: PENALTY, maxSplits: 1 }).splits).toHaveLength(1);
    expect(binarySegmentation(steps, { minSize: 3, penalty: PENALTY }).splits).toHaveLength(3);
  });
});
