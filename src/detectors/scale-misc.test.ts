import { describe, expect, it } from 'vitest';
import { representationFlip } from './representation-flip.js';
import { rangeViolated } from './range-violated.js';
import { historyOf, metricOf } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

function ratioPanel(n: number, days: number, edit: (v: number, e: number, d: number) => number) {
  const r = seeded(5);
  const series: Record<string, number[]> = {};
  for (let e = 0; e < n; e++)
    series[`p${e}`] = Array.from({ length: days }, (_, d) =>
      edit(Math.round((0.02 + 0.1 * r()) * 1e4) / 1e4, e, d),
    );
  return historyOf(series);
}

describe('representation-flip', () => {
  it.each([
    {
      name: 'fraction → percent',
      kind: 'ratio' as const,
      edit: (v: number, _e: number, d: number) => (d >= 38 ? v * 100 : v),
      flip: 'fraction-to-percent',
      severity: 'block',
      onset: 38,
    },
    {
      name: 'percent → fraction',
      kind: 'percent' as const,
      edit: (v: number, _e: number, d: number) => (d >= 39 ? v : v * 100),
      flip: 'percent-to-fraction',
      severity: 'block',
      onset: 39,
    },
    {
      name: 'integer → decimal',
      kind: 'count' as const,
      edit: (v: number, _e: number, d: number) => (d >= 39 ? v * 1000 : Math.round(v * 1000)),
      flip: 'integer-to-decimal',
      severity: 'warn',
      onset: 39,
    },
  ])('$name → $severity', ({ kind, edit, flip, severity, onset }) => {
    const h = ratioPanel(10, 40, edit);
    const [d] = runOn(representationFlip, h, { kind });
    expect(d).toMatchObject({ severity, evidence: { flip } });
    expect(d?.onset).toBe(h.entities.get('p0')![onset]!.day);
  });

  it.each([
    {
      name: 'a ratio that grows but stays ≤ 1',
      kind: 'ratio' as const,
      edit: (v: number, _e: number, d: number) => Math.min(1, v * (1 + d / 10)),
    },
    { name: 'an integer count', kind: 'count' as const, edit: (v: number) => Math.round(v * 1000) },
  ])('stays quiet on $name', ({ kind, edit }) => {
    expect(runOn(representationFlip, ratioPanel(10, 40, edit), { kind })).toEqual([]);
  });
});

describe('range-violated', () => {
  it.each([
    {
      name: 'declared max exceeded by 2 of 4',
      metric: metricOf('m', 'gauge', { range: { max: 10 } }),
      values: [
        [5, 6, 11, 12],
        [5, 5, 5, 13],
        [5, 5, 5, 5],
        [1, 2, 3, 4],
      ],
      severity: 'block',
      onset: 2,
    },
    {
      name: 'negative count',
      metric: metricOf('m', 'count'),
      values: [
        [5, 6, 7, -1],
        [5, 5, 5, 5],
        [5, 5, 5, 5],
      ],
      severity: 'warn',
      onset: 3,
    },
    {
      name: 'ratio above 1',
      metric: metricOf('m', 'ratio'),
      values: [[0.5, 0.5, 50]],
      severity: 'block',
      onset: 2,
    },
  ])('$name → $severity', ({ metric, values, severity, onset }) => {
    const h = historyOf(Object.fromEntries(values.map((v, i) => [`p${i}`, v])));
    const [d] = runOn(rangeViolated, h, { metric });
    expect(d?.severity).toBe(severity);
    expect(d?.onset).toBe(h.entities.get('p0')![onset]!.day);
  });

  it('stays quiet in range and without a range', () => {
    expect(runOn(rangeViolated, historyOf({ p0: [1, 2, 3] }), { metric: metricOf('m', 'gauge') })).toEqual(
      [],
    );
    expect(runOn(rangeViolated, historyOf({ p0: [0, 0.5, 1] }), { metric: metricOf('m', 'ratio') })).toEqual(
      [],
    );
  });
});
