import { describe, expect, it } from 'vitest';
import type { DetectorInput, MetricHistory } from '../core/detector.js';
import { bandConvergence, type BandConvergenceOptions } from './band-convergence.js';
import { binomial } from '../../test/helpers/detector-ratio.js';
import { seeded } from '../core/random.js';
import { historyOf, metricOf, sourceOf } from '../../test/helpers/detector-series.js';

const claimRate = metricOf('claim_rate', 'ratio', {
  numerator: 'claims',
  denominator: 'policies',
  segments: { dimension: 'risk_band', order: ['low', 'medium', 'high'] },
});

interface Band {
  policies: number;
  rate: number;
  /** From day `from` on the rate becomes `to`. */
  change?: { from: number; to: number };
  /** Day-to-day wobble of the rate (relative, uniform ±). */
  wobble?: number;
}

/** 42 days of claims out of policies per band. */
function bands(seed: number, spec: Record<string, Band>): { claims: MetricHistory; policies: MetricHistory } {
  const r = seeded(seed);
  const claims: Record<string, number[]> = {};
  const policies: Record<string, number[]> = {};
  for (const [band, b] of Object.entries(spec)) {
    claims[band] = [];
    policies[band] = [];
    for (let d = 0; d < 42; d++) {
      const p =
        (b.change && d >= b.change.from ? b.change.to : b.rate) * (1 + (b.wobble ?? 0) * (2 * r() - 1));
      claims[band].push(binomial(r, b.policies, p));
      policies[band].push(b.policies);
    }
  }
  return {
    claims: historyOf(claims, { metric: 'claims' }),
    policies: historyOf(policies, { metric: 'policies' }),
  };
}

function run(
  h: { claims: MetricHistory; policies: MetricHistory },
  options: Partial<BandConvergenceOptions> = {},
) {
  const input: DetectorInput<BandConvergenceOptions> = {
    now: new Date('2026-02-16T07:00:00Z'),
    source: sourceOf([metricOf('claims'), metricOf('policies'), claimRate]),
    metric: claimRate,
    metricHistories: new Map([
      ['claims', h.claims],
      ['policies', h.policies],
    ]),
    polls: [],
    docChanges: [],
    options: { ...bandConvergence.defaults, ...options },
  };
  return bandConvergence.detect(input);
}

const HEALTHY = {
  low: { policies: 2000, rate: 0.02 },
  medium: { policies: 1500, rate: 0.05 },
  high: { policies: 500, rate: 0.12 },
};

describe('band-convergence', () => {
  it.each([
    {
      name: 'low converges on medium (2 % → 4.5 %) four days ago',
      spec: { ...HEALTHY, low: { ...HEALTHY.low, change: { from: 38, to: 0.045 } } },
      pairs: ['bands:low/medium'],
    },
    {
      name: 'low overtakes medium',
      spec: { ...HEALTHY, low: { ...HEALTHY.low, change: { from: 36, to: 0.07 } } },
      pairs: ['bands:low/medium'],
    },
    {
      name: 'medium falls onto low',
      spec: { ...HEALTHY, medium: { ...HEALTHY.medium, change: { from: 38, to: 0.022 } } },
      pairs: ['bands:low/medium'],
    },
    {
      name: 'every band rises 40 % together (the order holds)',
      spec: {
        low: { ...HEALTHY.low, change: { from: 35, to: 0.028 } },
        medium: { ...HEALTHY.medium, change: { from: 35, to: 0.07 } },
        high: { ...HEALTHY.high, change: { from: 35, to: 0.168 } },
      },
      pairs: [],
    },
    { name: 'healthy bands', spec: HEALTHY, pairs: [] },
    {
      name: 'healthy bands whose rates wobble ±30 % a day',
      spec: {
        low: { ...HEALTHY.low, wobble: 0.3 },
        medium: { ...HEALTHY.medium, wobble: 0.3 },
        high: { ...HEALTHY.high, wobble: 0.3 },
      },
      pairs: [],
    },
    {
      name: 'small bands (40 policies a day): a partial convergence is within noise',
      spec: {
        low: { policies: 40, rate: 0.02, change: { from: 38, to: 0.035 } },
        medium: { policies: 40, rate: 0.05 },
        high: { policies: 40, rate: 0.12 },
      },
      pairs: [],
    },
  ])('$name → $pairs', ({ spec, pairs }) => {
    expect(run(bands(4, spec)).map((f) => f.subject)).toEqual(pairs);
  });

  it('gives the four rates with their counts, and says the order collapsed', () => {
    const [f] = run(bands(2, { ...HEALTHY, low: { ...HEALTHY.low, change: { from: 38, to: 0.05 } } }));
    expect(f).toMatchObject({
      rule: 'band-convergence',
      severity: 'warn',
      entities: ['low', 'medium'],
      onset: '2026-02-12',
      evidence: { dimension: 'risk_band', lowerBand: 'low', upperBand: 'medium', recentLowerTrials: 8000 },
    });
    expect(Number(f!.evidence['gapClosed'])).toBeGreaterThan(0.8);
    expect(f!.explanation).toMatch(
      /The low and medium bands \(risk_band\) of claim_rate \(claims \/ policies\)/,
    );
    expect(f!.explanation).toMatch(/low ran at [\d.]+% \(\d+ of 8000\)/);
  });

  it('an inversion weeks old, which the baseline has absorbed, is still a finding', () => {
    const [f] = run(bands(6, { ...HEALTHY, low: { ...HEALTHY.low, change: { from: 5, to: 0.08 } } }));
    expect(f).toMatchObject({ subject: 'bands:low/medium', evidence: { inverted: true, gapClosed: null } });
    expect(f!.explanation).toMatch(/swapped order.*low runs above medium by [\d.]+ standard errors/);
  });

  it('needs a ratio of two counts over ordered segments', () => {
    expect(bandConvergence.appliesTo?.(metricOf('claim_rate', 'ratio'))).toMatch(/no numerator/);
    expect(
      bandConvergence.appliesTo?.(
        metricOf('r', 'ratio', { numerator: 'a', denominator: 'b', segments: { dimension: 'country' } }),
      ),
    ).toMatch(/no segments.order/);
    expect(bandConvergence.appliesTo?.(claimRate)).toBeUndefined();
  });

  it('raises no alarm on 300 healthy panels (seeded)', () => {
    let alarms = 0;
    for (let s = 0; s < 300; s++) {
      const wobble = (s % 3) * 0.15;
      const spec = Object.fromEntries(Object.entries(HEALTHY).map(([k, b]) => [k, { ...b, wobble }]));
      alarms += run(bands(1000 + s, spec)).length;
    }
    expect(alarms).toBe(0);
  });
});
