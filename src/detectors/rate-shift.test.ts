import { describe, expect, it } from 'vitest';
import type { MetricContract } from '../core/contract.js';
import type { DetectorInput, MetricHistory } from '../core/detector.js';
import { rateShift, shiftOnset, wilson, dispersion, type RateShiftOptions } from './rate-shift.js';
import { historyOf, sourceOf } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';

const loc = { file: 'c.yaml', line: 1, col: 1 };
const count = (name: string): MetricContract => ({
  name,
  period: 'day',
  kind: 'count',
  checks: {},
  location: loc,
});
const ratio: MetricContract = {
  name: 'claim_rate',
  period: 'day',
  kind: 'ratio',
  checks: {},
  numerator: 'claims',
  denominator: 'policies',
  location: loc,
};

/** 42 days of claims out of `trials` a day: rate `before` for 35 days, then `after`; binomial draws, or `wobble`. */
function panel(seed: number, trials: number, before: number, after: number, wobble = 0) {
  const rand = seeded(seed);
  const claims: number[] = [];
  const policies: number[] = [];
  for (let d = 0; d < 42; d++) {
    const p = (d < 35 ? before : after) * (1 + wobble * (rand() * 2 - 1));
    let k = 0;
    for (let i = 0; i < trials; i++) if (rand() < p) k++;
    claims.push(k);
    policies.push(trials);
  }
  return {
    claims: historyOf({ low: claims }, { metric: 'claims' }),
    policies: historyOf({ low: policies }, { metric: 'policies' }),
  };
}

function run(h: { claims: MetricHistory; policies: MetricHistory }, options: Partial<RateShiftOptions> = {}) {
  const input: DetectorInput<RateShiftOptions> = {
    now: new Date('2026-12-01T07:00:00Z'),
    source: sourceOf([count('claims'), count('policies'), ratio]),
    metric: ratio,
    metricHistories: new Map([
      ['claims', h.claims],
      ['policies', h.policies],
    ]),
    polls: [],
    docChanges: [],
    options: { ...rateShift.defaults, ...options },
  };
  return rateShift.detect(input);
}

describe('rate-shift', () => {
  it.each([
    {
      name: '3 of 40 a day becoming 4.5 of 40 (noise at this size)',
      trials: 40,
      before: 0.075,
      after: 0.11,
      fires: false,
    },
    {
      name: '300 of 4,000 a day becoming 450 of 4,000',
      trials: 4000,
      before: 0.075,
      after: 0.11,
      fires: true,
    },
    { name: '300 of 4,000 a day, unchanged', trials: 4000, before: 0.075, after: 0.075, fires: false },
    {
      name: 'a fall from 7.5 % to 4 % on 4,000 a day',
      trials: 4000,
      before: 0.075,
      after: 0.04,
      fires: true,
    },
    {
      name: 'a 10 % move on huge counts (significant, too small to matter)',
      trials: 20000,
      before: 0.075,
      after: 0.0825,
      fires: false,
    },
  ])('$name → fires: $fires', ({ trials, before, after, fires }) => {
    for (const seed of [1, 2, 3]) {
      const out = run(panel(seed, trials, before, after));
      expect(out.length > 0, `seed ${seed}`).toBe(fires);
      if (fires) expect(out[0]).toMatchObject({ rule: 'rate-shift', severity: 'warn', entities: ['low'] });
    }
  });

  it('a rate that wobbles ±40 % day to day on large counts is judged against its own variation', () => {
    const h = panel(4, 4000, 0.075, 0.09, 0.4);
    expect(run(h)).toEqual([]);
    expect(
      dispersion([
        { successes: 300, trials: 4000 },
        { successes: 420, trials: 4000 },
        { successes: 200, trials: 4000 },
      ]),
    ).toBeGreaterThan(10);
  });

  it('healthy binomial rates at 400 trials a day: no false alarm over 100 seeds; a ×1.5 rate is found in ≥ 90', () => {
    let falseAlarms = 0;
    let found = 0;
    for (let seed = 1; seed <= 100; seed++) {
      if (run(panel(seed, 400, 0.075, 0.075)).length > 0) falseAlarms++;
      if (run(panel(1000 + seed, 400, 0.075, 0.1125)).length > 0) found++;
    }
    expect(falseAlarms).toBe(0);
    expect(found).toBeGreaterThanOrEqual(90);
  });

  it('explains with the counts and intervals', () => {
    const [f] = run(panel(5, 4000, 0.075, 0.11));
    expect(f!.explanation).toMatch(
      /^claim_rate \(claims \/ policies\) rose for low: low 1\d\.\d+% \(\d+ of 28000\) over the last 7 days against 7\.\d+% \(\d+ of 112000\)/,
    );
    expect(f!.evidence['recentTrials']).toBe(28000);
  });

  it('wilson: a rate from 3 of 40 is far less certain than one from 300 of 4,000', () => {
    const small = wilson(3, 40, 1.96);
    const large = wilson(300, 4000, 1.96);
    expect(small.high - small.low).toBeGreaterThan(5 * (large.high - large.low));
    expect(small.low).toBeGreaterThan(0);
    expect(large.low).toBeLessThan(0.075);
    expect(large.high).toBeGreaterThan(0.075);
  });

  it('ignores metrics without numerator and denominator', () => {
    const h = panel(1, 4000, 0.075, 0.11);
    expect(
      rateShift.detect({
        now: new Date('2026-12-01T07:00:00Z'),
        source: sourceOf([count('claims'), count('policies')]),
        metric: count('claims'),
        history: h.claims,
        metricHistories: new Map([['claims', h.claims]]),
        polls: [],
        docChanges: [],
        options: rateShift.defaults,
      }),
    ).toEqual([]);
  });
});

describe('shiftOnset', () => {
  const days = (rates: number[], trials = 4000, from = 1) =>
    rates.map((r, i) => ({
      day: `2026-03-${String(from + i).padStart(2, '0')}`,
      successes: Math.round(r * trials),
      trials,
    }));
  it.each<{
    name: string;
    entities: { baselineRate: number; days: ReturnType<typeof days> }[];
    onset: string;
  }>([
    {
      name: 'a step on the window’s fourth day',
      entities: [{ baselineRate: 0.03, days: days([0.03, 0.031, 0.029, 0.042, 0.041, 0.043, 0.042]) }],
      onset: '2026-03-04',
    },
    {
      name: 'a shift that began before the window: its first day',
      entities: [{ baselineRate: 0.03, days: days([0.045, 0.044, 0.046, 0.045, 0.044, 0.046, 0.045]) }],
      onset: '2026-03-01',
    },
    {
      name: 'a step on the last day alone',
      entities: [{ baselineRate: 0.02, days: days([0.02, 0.021, 0.019, 0.02, 0.02, 0.021, 0.05]) }],
      onset: '2026-03-07',
    },
    {
      name: 'two bands at different rates stepping the same day',
      entities: [
        { baselineRate: 0.02, days: days([0.02, 0.02, 0.021, 0.019, 0.035, 0.036, 0.034]) },
        { baselineRate: 0.05, days: days([0.05, 0.051, 0.049, 0.05, 0.07, 0.071, 0.069], 2500) },
      ],
      onset: '2026-03-05',
    },
    {
      name: 'a fall is found like a rise',
      entities: [{ baselineRate: 0.08, days: days([0.08, 0.081, 0.05, 0.049, 0.051, 0.05, 0.05]) }],
      onset: '2026-03-03',
    },
  ])('$name', ({ entities, onset }) => {
    expect(shiftOnset(entities)).toBe(onset);
  });

  it('a rate-shift finding dates the step inside its recent window, not the window’s start', () => {
    // 42 days at 3 % of 4,000, then from day 39 (3 days before the end) 4.5 %: detected with the onset on day 39.
    const trials = 4000;
    const claims = Array.from({ length: 42 }, (_, d) => Math.round(trials * (d < 39 ? 0.03 : 0.045)));
    const h = {
      claims: historyOf({ low: claims }, { metric: 'claims' }),
      policies: historyOf({ low: claims.map(() => trials) }, { metric: 'policies' }),
    };
    const [f] = run(h);
    const lastDay = [...h.claims.entities.get('low')!].at(-1)!.day;
    const back = (n: number) =>
      new Date(Date.parse(`${lastDay}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    expect(f?.onset).toBe(back(2));
  });
});

describe('rate-shift: the short look at the last 3 days', () => {
  // 42 days at 3 % of 4,000 a day, then ×1.35 on the last 3: diluted over 7 days, clear over 3.
  const trials = 4000;
  const claims = Array.from({ length: 42 }, (_, d) => Math.round(trials * (d < 39 ? 0.03 : 0.0405)));
  const h = {
    claims: historyOf({ low: claims }, { metric: 'claims' }),
    policies: historyOf({ low: claims.map(() => trials) }, { metric: 'policies' }),
  };
  it.each([
    { name: 'off (fastDays 0): the week dilutes the step', fastDays: 0, days: undefined },
    { name: 'on (default): found over the last 3 days', fastDays: 3, days: 3 },
    { name: 'a short look as long as the week is no second look', fastDays: 7, days: undefined },
  ])('$name', ({ fastDays, days }) => {
    const [f] = run(h, { fastDays });
    expect(f?.evidence['recentDays']).toBe(days);
    if (days !== undefined) {
      expect(f!.evidence['z']).toBe(4);
      expect(f!.explanation).toContain('over the last 3 days');
    }
  });
});
