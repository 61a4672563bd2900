import { describe, expect, it } from 'vitest';
import { nullRate } from './null-rate.js';
import { historyOf } from '../../test/helpers/detector-series.js';
import { runOn } from '../../test/helpers/detector-input.js';

function panel(n: number, days: number, nullAt: (e: number, d: number) => boolean) {
  const series: Record<string, (number | null)[]> = {};
  for (let e = 0; e < n; e++)
    series[`p${e}`] = Array.from({ length: days }, (_, d) => (nullAt(e, d) ? null : 100 + e + d));
  return historyOf(series);
}

describe('null-rate', () => {
  it.each([
    {
      name: 'never-null metric, 3 of 20 null today',
      h: panel(20, 40, (e, d) => d === 39 && e < 3),
      severity: 'warn',
      nulls: 3,
    },
    {
      name: 'never-null metric, all null for 2 days',
      h: panel(20, 40, (_e, d) => d >= 38),
      severity: 'block',
      nulls: 20,
      onset: 38,
    },
    {
      name: 'rate 5 % → 60 %',
      h: panel(20, 40, (e, d) => (d === 39 ? e < 12 : (e + d) % 20 === 0)),
      severity: 'warn',
      nulls: 12,
    },
  ])('$name → $severity', ({ h, severity, nulls, onset }) => {
    const [d] = runOn(nullRate, h);
    expect(d?.severity).toBe(severity);
    expect(d?.evidence['nulls']).toBe(nulls);
    if (onset !== undefined) expect(d?.onset).toBe(h.entities.get('p0')![onset]!.day);
  });

  it('marks an all-null metric so later stages are suppressed', () => {
    const [d] = runOn(
      nullRate,
      panel(5, 40, (_e, d) => d === 39),
    );
    expect(d?.evidence['allNull']).toBe(true);
  });

  it.each([
    { name: 'usual 10 % null rate', h: panel(20, 40, (e, d) => (e + d) % 10 === 0) },
    { name: 'no nulls', h: panel(20, 40, () => false) },
    { name: 'one null entity on a never-null metric', h: panel(20, 40, (e, d) => d === 39 && e === 0) },
  ])('stays quiet on $name', ({ h }) => {
    expect(runOn(nullRate, h)).toEqual([]);
  });
});
