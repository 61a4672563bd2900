import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frozenRun } from './frozen-run.js';
import { burst, countSeries, freeze, historyOf } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

const clean = (seed: number, level: number, days = 60) =>
  countSeries(seeded(seed), { days, level, weekdayAmp: 0.2, growth: 0.003 });

describe('frozen-run', () => {
  it.each([
    {
      name: 'stuck at last value for 7 days, level 200',
      values: freeze(clean(1, 200), 53),
      severity: 'block',
      onset: '2026-02-27',
    },
    { name: 'stuck at last value for 4 days, level 50', values: freeze(clean(2, 50), 56), severity: 'block' },
    {
      name: 'constant since monitoring began (7 days at 40)',
      values: [40, 40, 40, 40, 40, 40, 40],
      severity: 'warn',
    },
    {
      name: 'stuck at zero for 6 days, level 100',
      values: freeze(clean(3, 100), 54, 'zero'),
      severity: 'block',
      onset: '2026-02-28',
    },
    {
      name: 'stuck at a constant (1234) for 5 days',
      values: freeze(clean(4, 800), 55, 1234),
      severity: 'block',
    },
    {
      name: 'low-volume series stuck at 1 for 10 days',
      values: freeze(clean(5, 1.5), 50, 1),
      severity: 'info',
    },
  ])('$name → $severity', ({ values, severity, onset }) => {
    const drafts = runOn(frozenRun, historyOf({ p1: values }));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.severity).toBe(severity);
    expect(drafts[0]!.entities).toEqual(['p1']);
    expect(drafts[0]!.evidence['runLength']).toBeGreaterThanOrEqual(4);
    if (onset) expect(drafts[0]!.onset).toBe(onset);
    expect(drafts[0]!.explanation).toMatch(/exactly/);
  });

  it.each([
    { name: 'seasonal growing counts', values: clean(11, 300) },
    { name: 'bursty counts', values: burst(clean(12, 80), 40, 3, 6) },
    {
      name: 'naturally constant gauge (7, changing every ~10 days)',
      values: Array.from({ length: 60 }, (_, i) => (i % 10 === 3 ? 8 : 7)),
    },
    { name: 'rare events, mostly zero', values: clean(13, 0.2) },
  ])('stays quiet on $name', ({ values }) => {
    expect(runOn(frozenRun, historyOf({ p1: values })).filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('uses the QARTOD rule with short history: fail after 5 repeats at level ≥ 5', () => {
    const drafts = runOn(frozenRun, historyOf({ p1: [40, 52, 47, 47, 47, 47, 47] }));
    expect(drafts[0]?.severity).toBe('block');
    expect(drafts[0]?.evidence['method']).toBe('qartod');
  });

  // A minority carrying under a quarter of the volume, flat for fewer than 7 days (longer blocks by duration).
  it('warns (not blocks) when only a minority of entities are frozen, briefly', () => {
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 10; e++)
      series[`p${e}`] = e < 2 ? freeze(clean(100 + e, 300), 55) : clean(100 + e, 300);
    const [d] = runOn(frozenRun, historyOf(series));
    expect(d?.severity).toBe('warn');
    expect(d?.entities).toEqual(['p0', 'p1']);
    expect(d?.entityShare).toBeCloseTo(0.2);
  });

  // At level 5–12 a 4-day repeat is not yet improbable (tie rate ≈0.15–0.2): 83–99 % are caught by day 4, all by day 7.
  it('property: a stuck series well above the level guard (≥ 20/day) is caught within 4 days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 20, max: 5000, noNaN: true }),
        (seed, level) => {
          const values = freeze(clean(seed, level), 56);
          const [d] = runOn(frozenRun, historyOf({ p1: values }));
          return d !== undefined && d.severity !== 'info';
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: a stuck series at 8–32/day is caught within 7 days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 5, max: 20, noNaN: true }),
        (seed, level) => {
          const values = freeze(clean(seed, level * 1.6), 53);
          const [d] = runOn(frozenRun, historyOf({ p1: values }));
          return d !== undefined && d.severity !== 'info';
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: seasonal, growing and bursty series never block; low-volume series are never frozen at block', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.05, max: 5000, noNaN: true }),
        fc.boolean(),
        (seed, level, withBurst) => {
          const base = clean(seed, level, 70);
          const values = withBurst ? burst(base, 60, 2, 5) : base;
          const low = level < 3 ? freeze(base, 62) : values;
          const drafts = runOn(frozenRun, historyOf({ p1: level < 3 ? low : values }));
          return drafts.every((d) => d.severity !== 'block');
        },
      ),
      { numRuns: 80 },
    );
  });
});
