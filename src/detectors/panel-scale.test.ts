import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { panelScale } from './panel-scale.js';
import { burst, countSeries, historyOf, metricOf, rescale } from '../../test/helpers/detector-series.js';
import { normal, seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

function panel(seed: number, n: number, edit: (values: number[], e: number) => number[] = (v) => v) {
  const r = seeded(seed);
  const series: Record<string, number[]> = {};
  for (let e = 0; e < n; e++) {
    const level = Math.exp(3 + 3 * r());
    series[`p${String(e).padStart(2, '0')}`] = edit(
      countSeries(seeded(seed * 1000 + e), { days: 60, level, weekdayAmp: 0.2, growth: 0.003 }),
      e,
    );
  }
  return historyOf(series);
}

/** A panel whose entity levels climb evenly from ≈12/day (p00) to ≈1,100/day (last): rank = index. */
function ladder(seed: number, n: number, edit: (values: number[], e: number) => number[]) {
  const series: Record<string, number[]> = {};
  for (let e = 0; e < n; e++) {
    const level = Math.exp(2.5 + (4.5 * e) / (n - 1));
    series[`p${String(e).padStart(2, '0')}`] = edit(
      countSeries(seeded(seed * 1000 + e), { days: 60, level, weekdayAmp: 0.2, growth: 0.003 }),
      e,
    );
  }
  return historyOf(series);
}

describe('panel-scale', () => {
  it.each([
    { factor: 10, from: 59, severity: 'block', name: '×10 panel-wide (panel-only unit)' },
    { factor: 100, from: 58, severity: 'block', name: '×100 panel-wide' },
    { factor: 0.001, from: 58, severity: 'block', name: '÷1000 panel-wide' },
    { factor: 2.5, from: 56, severity: 'warn', name: '×2.5 for 4 days (not a unit)' },
  ])('$name → $severity', ({ factor, from, severity }) => {
    const h = panel(3, 30, (v) => rescale(v, from, factor, factor > 1));
    const [d] = runOn(panelScale, h);
    expect(d?.severity).toBe(severity);
    if (severity === 'block') expect(d?.evidence['factor']).toBeCloseTo(factor, 8);
    expect(d?.onset).toBe(h.entities.get('p00')![from]!.day);
    expect(d?.entityShare).toBeGreaterThanOrEqual(0.6);
  });

  it.each([
    { name: 'a fetched ratio', extra: {}, fires: true },
    {
      name: 'a ratio derived from two counts (a rate that doubled)',
      extra: { numerator: 'o', denominator: 'd' },
      fires: false,
    },
  ])('×2.5 on every entity of $name → fires: $fires', ({ extra, fires }) => {
    const h = panel(3, 30, (v) => rescale(v, 56, 2.5, true));
    const metric = metricOf(h.metric, 'ratio', extra);
    expect(runOn(panelScale, h, { metric }).length > 0).toBe(fires);
  });

  it('lists an entity whose own first day read ×500 inside a ×1000 panel change (noisy, not unaffected)', () => {
    const h = panel(3, 30, (v, e) => (e === 7 ? rescale(v, 59, 500, true) : rescale(v, 59, 1000, true)));
    const [d] = runOn(panelScale, h);
    expect(d?.evidence['factor']).toBe(1000);
    expect(d?.entities).toContain('p07');
    expect(d?.entities).toHaveLength(30);
    expect(d?.evidence['entitiesAgreeing']).toBeLessThan(30);
  });

  it('names ÷60 on its first day when a third of the panel is small pages (5–15 a day)', () => {
    // ln(v+1) compresses the small pages' drop (÷60 of 5 a day reads ÷5.9 as a transformed Δ); their raw ratios
    // do not, so the panel agrees on the factor at once.
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 30; e++) {
      const level = e < 10 ? 5 + e : 200 + 40 * e;
      const v = countSeries(seeded(700 + e), { days: 60, level, weekdayAmp: 0.2 });
      series[`p${String(e).padStart(2, '0')}`] = v.map((x, t) =>
        t >= 59 ? Math.round((x / 60) * 100) / 100 : x,
      );
    }
    const [d] = runOn(panelScale, historyOf(series));
    expect(d?.severity).toBe('block');
    expect(d?.evidence['factor']).toBeCloseTo(1 / 60, 8);
  });

  it.each([
    { name: 'clean panel', edit: (v: number[]) => v },
    {
      name: 'bursts on a third of the entities',
      edit: (v: number[], e: number) => (e % 3 === 0 ? burst(v, 58, 2, 8) : v),
    },
    {
      name: '×100 on 5 of 30 entities',
      edit: (v: number[], e: number) => (e < 5 ? rescale(v, 58, 100, true) : v),
    },
    { name: 'one-day ×2 holiday spike', edit: (v: number[]) => burst(v, 59, 1, 2) },
  ])('stays quiet on $name', ({ edit }) => {
    expect(runOn(panelScale, panel(4, 30, edit))).toEqual([]);
  });

  describe('quantile slope (S3)', () => {
    it.each([
      { name: '×100 on every entity', n: 30, edit: (v: number[]) => rescale(v, 57, 100, true) },
      { name: '÷1000 on every entity', n: 30, edit: (v: number[]) => rescale(v, 57, 0.001) },
    ])('$name → slope ≈ 1, the unit factor named, "all quantiles moved alike"', ({ n, edit }) => {
      const [d] = runOn(panelScale, ladder(1, n, edit));
      const factor = Number(d?.evidence['factor']);
      expect(d?.severity).toBe('block');
      expect(Math.abs(Number(d?.evidence['quantileSlope']) - 1)).toBeLessThan(0.1);
      expect(Math.abs(Math.log(Number(d?.evidence['quantileFactor']) / factor))).toBeLessThan(0.1);
      expect(d?.evidence['quantilesRef']).toHaveLength(9);
      expect(d?.evidence['quantilesChanged']).toHaveLength(9);
      expect(d?.explanation).toMatch(/All quantiles moved alike \(slope (0\.9\d|1(\.0\d)?)\b/);
    });

    // Small entities ×100, the largest quarter ×10: the median says ×100, the quantiles say otherwise.
    const mixed = (v: number[], e: number) => rescale(v, 57, e < 22 ? 100 : 10, true);

    it('small entities ×100, big ones ×10 → slope far from 1, no unit factor, warns', () => {
      const h = ladder(1, 30, mixed);
      // Without the guard the panel's median factor snaps to ×100 and blocks.
      const [unguarded] = runOn(panelScale, h, { options: { qqMaxDeviation: Infinity } });
      expect(unguarded?.evidence['factor']).toBe(100);
      const [d] = runOn(panelScale, h);
      expect(d?.severity).toBe('warn');
      expect(d?.evidence['factor']).toBeNull();
      expect(Math.abs(Number(d?.evidence['quantileSlope']) - 1)).toBeGreaterThanOrEqual(0.25);
      expect(d?.explanation).toContain('small entities moved more than large ones');
      expect(d?.explanation).toContain('not a unit change');
      expect(d?.explanation).not.toMatch(/unit or representation change/);
    });

    it('fewer than 10 entities → slope omitted, the unit factor still named', () => {
      const [d] = runOn(
        panelScale,
        panel(4, 8, (v) => rescale(v, 58, 100, true)),
      );
      expect(d?.severity).toBe('block');
      expect(d?.evidence['factor']).toBe(100);
      expect(d?.evidence).not.toHaveProperty('quantileSlope');
      expect(d?.explanation).not.toContain('quantiles');
    });
  });

  it('property: clean growing seasonal panels never block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e5 }), (seed) =>
        runOn(panelScale, panel(seed, 12)).every((d) => d.severity !== 'block'),
      ),
      { numRuns: 25 },
    );
  });
});

// A noisy 0..1 share (≈0.01–0.2 per page) multiplied by 100 was named ≈×10 when read as a count: log(1 + x)
// compresses values below 1. A baseline of fractions is read from raw ratios whatever the declared kind.
describe('panel-scale on a 0..1 share that became a percent', () => {
  function shares(seed: number, from: number) {
    const r = seeded(seed);
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 40; e++) {
      const base = 0.01 + 0.15 * r();
      series[`p${String(e).padStart(2, '0')}`] = Array.from({ length: 60 }, (_, t) => {
        const v = Math.min(0.99, Math.round(base * Math.exp(0.35 * normal(r)) * 1e4) / 1e4);
        return t >= from ? Math.round(v * 1e4) / 100 : v;
      });
    }
    return historyOf(series);
  }
  it.each([
    { kind: 'count' as const, seed: 7 },
    { kind: 'count' as const, seed: 8 },
    { kind: 'ratio' as const, seed: 7 },
  ])('declared $kind (seed $seed) → ×100, block', ({ kind, seed }) => {
    const [d] = runOn(panelScale, shares(seed, 58), { kind });
    expect(d).toMatchObject({ severity: 'block', evidence: { factor: 100 } });
    expect(d!.explanation).toMatch(/≈×100 /);
  });
});
