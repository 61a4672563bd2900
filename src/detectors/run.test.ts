import { describe, expect, it } from 'vitest';
import { runDetectors } from './run.js';
import { allDetectors } from './registry.js';
import type { Detector, DetectorStage } from '../core/detector.js';
import { metricFrame, type MetricFrame } from './stats/frame.js';
import {
  countSeries,
  freeze,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  rescale,
  sourceOf,
} from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { mixHistory, mixSeries, type MixSpec } from '../../test/helpers/detector-mix.js';
import type { MetricContract } from '../core/contract.js';

const clean = (seed: number, level = 300, days = 60) =>
  countSeries(seeded(seed), { days, level, weekdayAmp: 0.2, growth: 0.003 });

function run(
  metric: MetricContract,
  series: Record<string, (number | null)[]>,
  extra: Partial<Parameters<typeof runDetectors>[0]> = {},
) {
  const history = historyOf(series, { metric: metric.name });
  return runDetectors({
    source: sourceOf([metric]),
    histories: new Map([[metric.name, history]]),
    polls: [pollOf(1, '2026-03-06T07:00:00Z')],
    docChanges: [],
    now: nowAfter(60),
    ...extra,
  });
}

const only = (...ids: string[]) => allDetectors().filter((d) => ids.includes(d.id));

describe('runDetectors', () => {
  it('registers every core detector once, in stage order', () => {
    const ids = allDetectors().map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'frozen-run',
      'unit-scale',
      'panel-scale',
      'null-rate',
      'volume-drop',
      'freshness',
      'payload-schema',
      'representation-flip',
      'range-violated',
    ])
      expect(ids).toContain(id);
  });

  it('returns fingerprinted findings and nothing for clean series', () => {
    expect(run(metricOf(), { p1: clean(1), p2: clean(2) })).toEqual([]);
    const [f] = run(metricOf(), { p1: freeze(clean(1), 52) });
    expect(f).toMatchObject({
      rule: 'frozen-run',
      severity: 'block',
      detectedAt: nowAfter(60).toISOString(),
    });
    expect(f?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    { name: 'disabled on the metric', checks: { 'frozen-run': { enabled: false } }, want: [] as string[] },
    {
      name: 'severity lowered to warn',
      checks: { 'frozen-run': { severity: 'warn' as const } },
      want: ['warn'],
    },
    {
      name: 'alpha option tightened',
      checks: { 'frozen-run': { options: { alpha: 1e-30, suspectAlpha: 1e-30 } } },
      want: [],
    },
  ])('applies contract overrides: $name', ({ checks, want }) => {
    const found = run(
      metricOf('m', 'count', { checks }),
      { p1: freeze(clean(1), 52) },
      { detectors: only('frozen-run') },
    );
    expect(found.map((f) => f.severity)).toEqual(want);
  });

  it('applies source-wide overrides under metric ones', () => {
    const metric = metricOf('m', 'count', { checks: { 'frozen-run': { enabled: true } } });
    const history = historyOf({ p1: freeze(clean(1), 52) });
    const source = sourceOf([metric], { checks: { 'frozen-run': { enabled: false, severity: 'info' } } });
    const found = runDetectors({
      source,
      histories: new Map([['m', history]]),
      polls: [],
      docChanges: [],
      now: nowAfter(60),
      detectors: only('frozen-run'),
    });
    expect(found.map((f) => f.severity)).toEqual(['info']);
  });

  it('merges a panel scale finding and the per-entity unit findings into one', () => {
    const series: Record<string, number[]> = {};
    for (let e = 0; e < 12; e++) series[`p${e}`] = rescale(clean(10 + e), 58, 100, true);
    const found = run(metricOf(), series);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ class: 'scale', severity: 'block' });
    expect(found[0]!.evidence['absorbed']).toEqual(expect.arrayContaining(['unit-scale']));
    expect(found[0]!.explanation).toMatch(/ Other checks saw the same: [a-z-, ]*unit-scale[a-z-, ]*\.$/);
  });

  it('an all-null metric raises no scale or freeze finding', () => {
    const series: Record<string, (number | null)[]> = {};
    for (let e = 0; e < 5; e++) series[`p${e}`] = [...clean(20 + e).slice(0, 57), null, null, null];
    const found = run(metricOf(), series);
    expect(found.map((f) => f.rule)).toEqual(['null-rate']);
  });

  it('a deprecation finding on a metric suppresses statistical ones on it', () => {
    const deprecation: Detector<Record<string, unknown>> = {
      id: 'deprecation-fake',
      title: 'fake',
      description: 'fake',
      class: 'deprecation',
      stage: 'deprecation',
      scope: 'metric',
      defaults: {},
      optionsSchema: {},
      detect: (i) => [
        {
          rule: 'deprecation-fake',
          class: 'deprecation',
          severity: 'block',
          source: i.source.name,
          metric: i.metric!.name,
          entities: [],
          onset: '2026-03-01',
          evidence: {},
          explanation: 'deprecated',
        },
      ],
    };
    const found = run(
      metricOf(),
      { p1: freeze(clean(1), 52) },
      { detectors: [...allDetectors(), deprecation] },
    );
    expect(found.map((f) => f.rule)).toEqual(['deprecation-fake']);
    expect(found[0]!.evidence['suppressed']).toEqual(['frozen-run', 'frozen-variance']);
    // Words an owner can read: what was left out and why, not "suppressed as explained by this".
    expect(found[0]!.explanation).toBe(
      'deprecated It also explains what other checks saw on this metric, not reported separately: frozen-run, frozen-variance.',
    );
  });

  it('re-baselines at a regime start: the history before it is excluded', () => {
    const values = rescale(clean(3), 57, 1000, true);
    expect(run(metricOf(), { p1: values }).map((f) => f.rule)).toEqual(['unit-scale']);
    expect(run(metricOf(), { p1: values }, { regimes: new Map([['m', '2026-03-03']]) })).toEqual([]);
  });

  it('runs no statistical detector when the current poll failed, and reports a crashing detector as unverified', () => {
    const failed = run(
      metricOf(),
      { p1: freeze(clean(1), 52) },
      { polls: [pollOf(1, '2026-03-06T07:00:00Z', { outcome: 'failed' })] },
    );
    expect(failed).toEqual([]);
    const boom: Detector<Record<string, unknown>> = {
      ...allDetectors()[0]!,
      id: 'boom',
      scope: 'metric',
      detect: () => {
        throw new Error('bad');
      },
    };
    const found = run(metricOf(), { p1: clean(1) }, { detectors: [boom] });
    expect(found[0]).toMatchObject({ class: 'unverified', severity: 'info', rule: 'detector-error' });
  });

  it('runs metric after metric, lets each grid go, and keeps the findings in detector order', () => {
    const calls: string[] = [];
    const grids = new Map<string, MetricFrame[]>();
    const fake = (
      id: string,
      stage: DetectorStage,
      scope: 'metric' | 'source',
    ): Detector<Record<string, unknown>> => ({
      ...allDetectors()[0]!,
      id,
      stage,
      scope,
      class: stage === 'scale' ? 'scale' : 'volume',
      detect: (input) => {
        calls.push(`${id}:${input.metric?.name ?? '*'}`);
        if (input.history) {
          const frame = metricFrame(input.history);
          grids.set(input.metric!.name, [...(grids.get(input.metric!.name) ?? []), frame]);
        }
        return [
          {
            rule: id,
            class: stage === 'scale' ? 'scale' : 'volume',
            severity: 'warn',
            source: 'src',
            ...(input.metric ? { metric: input.metric.name } : {}),
            entities: [],
            onset: '2026-03-01',
            evidence: {},
            explanation: id,
          },
        ];
      },
    });
    const [m1, m2] = [metricOf('m1'), metricOf('m2')];
    const h1 = historyOf({ p1: clean(1) }, { metric: 'm1' });
    const found = runDetectors({
      source: sourceOf([m1, m2]),
      histories: new Map([
        ['m1', h1],
        ['m2', historyOf({ p1: clean(2) }, { metric: 'm2' })],
      ]),
      polls: [pollOf(1, '2026-03-06T07:00:00Z')],
      docChanges: [],
      now: nowAfter(60),
      detectors: [
        fake('late', 'scale', 'metric'),
        fake('whole', 'deprecation', 'source'),
        fake('early', 'volume', 'metric'),
      ],
    });
    expect(calls).toEqual(['whole:*', 'early:m1', 'late:m1', 'early:m2', 'late:m2']);
    expect(found.map((f) => `${f.rule}:${f.metric ?? '*'}`)).toEqual([
      'whole:*',
      'early:m1',
      'early:m2',
      'late:m1',
      'late:m2',
    ]);
    // Within a metric the detectors share one grid; the grid is let go once its metric is done.
    for (const name of ['m1', 'm2']) expect(new Set(grids.get(name)).size).toBe(1);
    const again = metricFrame(h1);
    expect(again).not.toBe(grids.get('m1')![0]);
    expect(again.entities[0]!.values).toEqual(grids.get('m1')![0]!.entities[0]!.values);
  });

  it.each([
    // [days of history before the freeze, days frozen, expected severity]
    [2, 6, 'info'],
    [8, 6, 'info'],
    [9, 6, 'block'],
    [30, 6, 'block'],
  ] as const)(
    'frozen-run warm-up: %i days of history before a %i-day freeze → %s',
    (before, frozen, severity) => {
      const days = before + frozen;
      const panel = Object.fromEntries(
        ['p1', 'p2', 'p3', 'p4'].map((p, i) => [p, freeze(clean(i + 1, 300, days), before)]),
      );
      const [f] = run(metricOf(), panel, { detectors: only('frozen-run'), now: nowAfter(days) });
      expect(f).toMatchObject({ rule: 'frozen-run', severity });
      if (severity === 'info') {
        expect(f!.evidence).toMatchObject({ warmUpDays: 9, historyDays: before, heldSeverity: 'block' });
        expect(f!.explanation).toMatch(
          new RegExp(
            `Not alerted: frozen-run needs 9 days of m history before the onset .* upwatch has ${before}; with them it would be block\\.$`,
          ),
        );
      }
    },
  );

  // Poll and replay reach one conclusion for a metric gone from the data; on the poll path the runtime
  // evidence (poll outcomes) and the data-only one (volume-drop) name the same finding once.
  it.each([
    { name: 'poll (outcomes per entity say missing)', withOutcomes: true, perEntity: true },
    { name: 'poll (one outcome for the metric says missing)', withOutcomes: true, perEntity: false },
    { name: 'replay (no poll outcomes)', withOutcomes: false, perEntity: false },
  ])('a metric every entity stopped sending blocks once: $name', ({ withOutcomes, perEntity }) => {
    const m = metricOf();
    const series = { p1: clean(1).slice(0, 58), p2: clean(2).slice(0, 58), p3: clean(3).slice(0, 58) };
    const outcomes = withOutcomes
      ? {
          metricOutcomes: (perEntity ? ['p1', 'p2', 'p3'] : [undefined]).map((entity) => ({
            metric: m.name,
            ...(entity ? { entity } : {}),
            status: 'missing' as const,
          })),
        }
      : {};
    const found = run(m, series, {
      polls: [pollOf(1, '2026-03-05T07:00:00Z', outcomes), pollOf(2, '2026-03-06T07:00:00Z', outcomes)],
    }).filter((f) => f.metric === m.name && f.severity !== 'info');
    expect(found.map((f) => [f.rule, f.class, f.severity])).toEqual([
      ['metric-missing-from-data', 'deprecation', 'block'],
    ]);
    expect(found[0]!.explanation).not.toMatch(/Other checks saw the same/);
    // On a poll the runtime evidence words it (its poll outcomes, a known replacement); from data alone, volume-drop.
    expect(found[0]!.explanation).toMatch(
      withOutcomes ? /returned no data for metric m/ : /gone from the data/,
    );
  });
});

describe('runDetectors on a categorical metric', () => {
  const intent = metricOf('query_intent', 'categorical', {
    categories: { known: ['nav', 'info', 'buy'], other: 'other' },
  });
  const shares = { nav: 0.4, info: 0.35, buy: 0.2, other: 0.05 };
  const runMix = (spec: Partial<MixSpec>) => {
    const history = mixHistory(
      { global: mixSeries(seeded(3), { days: 60, level: 3000, shares, concentration: 400, ...spec }) },
      { metric: 'query_intent' },
    );
    return runDetectors({
      source: sourceOf([intent, metricOf('clicks')]),
      histories: new Map([['query_intent', history]]),
      polls: [pollOf(1, '2026-03-06T07:00:00Z')],
      docChanges: [],
      now: nowAfter(60),
    });
  };

  it('a steady mix opens nothing: value detectors read its total as a count, segment detectors skip it', () => {
    expect(runMix({}).filter((f) => f.metric === 'query_intent')).toEqual([]);
  });

  it('a new category opens category-new and category-mix-shift, as separate findings', () => {
    const found = runMix({ change: { from: 57, shares: { ...shares, video: 0.15 } } });
    expect(
      found
        .filter((f) => f.metric === 'query_intent')
        .map((f) => f.rule)
        .sort(),
    ).toEqual(['category-mix-shift', 'category-new']);
  });
});
