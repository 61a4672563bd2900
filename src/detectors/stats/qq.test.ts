import { describe, expect, it } from 'vitest';
import { fitPairs, quantileFit, sideTransform, type QuantilePairInput } from './qq.js';
import { seeded } from '../../core/random.js';

/** A panel of n entity levels spread over three decades, like page sizes. */
function levels(seed: number, n: number): number[] {
  const r = seeded(seed);
  return Array.from({ length: n }, () => Math.round(Math.exp(2 + 5 * r())));
}

/** `days` changed days: each entity's reference value, and the same entity after `edit` with ±5 % noise. */
function days(
  seed: number,
  n: number,
  edit: (v: number, rank: number) => number,
  count = 3,
): QuantilePairInput[] {
  const base = levels(seed, n);
  const order = [...base].sort((a, b) => a - b);
  const r = seeded(seed + 7);
  return Array.from({ length: count }, () => {
    const ref = base.map((v) => v * (0.95 + 0.1 * r()));
    const now = base.map((v) => edit(v * (0.95 + 0.1 * r()), order.indexOf(v) / (n - 1)));
    return { ref, now };
  });
}

describe('quantile fit (S3)', () => {
  it.each([
    { name: '×100 on every entity', edit: (v: number) => v * 100, slope: 1, factor: 100 },
    {
      name: '÷1000 on every entity, rounded to 0.01',
      edit: (v: number) => Math.round(v / 10) / 100,
      slope: 1,
      factor: 0.001,
    },
    { name: '×1.3 on every entity', edit: (v: number) => v * 1.3, slope: 1, factor: 1.3 },
  ])('$name → slope ≈ $slope, factor ≈ $factor', ({ edit, slope, factor }) => {
    const fit = quantileFit(days(1, 60, edit))!;
    expect(Math.abs(fit.slope - slope)).toBeLessThan(0.1);
    expect(Math.abs(Math.log(fit.factor / factor))).toBeLessThan(0.1);
    expect(fit.pairs).toHaveLength(9);
    expect(fit.entities).toBe(60);
  });

  it.each([
    {
      name: 'small ×100, big ×10',
      edit: (v: number, rank: number) => v * (rank < 0.5 ? 100 : 10),
      below: true,
    },
    { name: 'compressed: v ↦ 10·√v', edit: (v: number) => 10 * Math.sqrt(v), below: true },
    { name: 'stretched: v ↦ v²/10', edit: (v: number) => (v * v) / 10, below: false },
  ])('shape change $name → slope far from 1', ({ edit, below }) => {
    const fit = quantileFit(days(2, 60, edit))!;
    expect(Math.abs(fit.slope - 1)).toBeGreaterThanOrEqual(0.25);
    expect(fit.slope < 1).toBe(below);
  });

  it('ln(v + 1) would misread ÷1000 on counts; the per-side offset does not', () => {
    const input = days(3, 60, (v) => v / 1000);
    const log1p = fitPairs(
      [0.1, 0.5, 0.9].map((q) => Math.log(1 + quantileOf(input[0]!.ref, q))),
      [0.1, 0.5, 0.9].map((q) => Math.log(1 + quantileOf(input[0]!.now, q))),
    );
    expect(log1p.slope).toBeLessThan(0.3);
    expect(Math.abs(quantileFit(input)!.slope - 1)).toBeLessThan(0.1);
  });

  it.each([
    { name: 'fewer than 10 entities', input: days(4, 9, (v) => v * 100) },
    {
      name: 'signed values',
      input: [
        { ref: Array.from({ length: 20 }, (_, i) => i - 5), now: Array.from({ length: 20 }, (_, i) => i) },
      ],
    },
    { name: 'no day', input: [] },
    {
      name: 'every entity equal',
      input: [{ ref: new Array<number>(20).fill(7), now: new Array<number>(20).fill(700) }],
    },
  ])('omitted with $name', ({ input }) => {
    expect(quantileFit(input)).toBeUndefined();
  });

  it('pairs only entities present on both days', () => {
    const input = days(5, 12, (v) => v * 60);
    input[0] = { ref: [...Array.from(input[0]!.ref)], now: [...Array.from(input[0]!.now)] };
    (input[0].now as number[])[0] = NaN;
    expect(quantileFit(input, 12)).toBeUndefined();
    expect(quantileFit(input, 11)?.entities).toBe(11);
  });

  it('sideTransform is scale-equivariant', () => {
    const v = [0, 3, 50, 700];
    const f = sideTransform([v])!;
    const g = sideTransform([v.map((x) => x * 1000)])!;
    for (const x of v) expect(g(x * 1000) - f(x)).toBeCloseTo(Math.log(1000), 10);
  });
});

function quantileOf(xs: ArrayLike<number>, q: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s[Math.round(q * (s.length - 1))]!;
}
