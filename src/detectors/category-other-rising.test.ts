import { describe, expect, it } from 'vitest';
import { categoryOtherRising } from './category-other-rising.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { mixHistory, mixSeries, type MixSpec } from '../../test/helpers/detector-mix.js';
import { seeded } from '../core/random.js';
import { metricOf } from '../../test/helpers/detector-series.js';

const SHARES = { navigational: 0.4, informational: 0.35, transactional: 0.2, other: 0.05 };
const metric = metricOf('query_intent', 'categorical', {
  categories: { known: ['navigational', 'informational', 'transactional'], other: 'other' },
});
const history = (spec: Partial<MixSpec>, seed = 11) =>
  mixHistory({ global: mixSeries(seeded(seed), { days: 42, level: 800, shares: SHARES, ...spec }) });

describe('category-other-rising', () => {
  it.each([
    {
      name: 'other 5 % → 12 % four days ago',
      spec: { change: { from: 38, shares: { ...SHARES, other: 0.12 } } },
      fires: true,
    },
    {
      name: 'other 5 % → 5.5 % (within noise)',
      spec: { change: { from: 35, shares: { ...SHARES, other: 0.055 } } },
      fires: false,
    },
    { name: 'other falls', spec: { change: { from: 35, shares: { ...SHARES, other: 0.02 } } }, fires: false },
    { name: 'a wobbling steady mix', spec: { concentration: 150 }, fires: false },
  ])('$name → fires: $fires', ({ spec, fires }) => {
    expect(runOn(categoryOtherRising, history(spec), { metric }).length > 0).toBe(fires);
  });

  it('gives both shares with their counts', () => {
    const [f] = runOn(
      categoryOtherRising,
      history({ change: { from: 35, shares: { ...SHARES, other: 0.15 } } }),
      { metric },
    );
    expect(f).toMatchObject({ rule: 'category-other-rising', entities: ['global'], onset: '2026-02-09' });
    expect(Number(f!.evidence['recentShare'])).toBeGreaterThan(0.1);
    expect(f!.explanation).toMatch(
      /"other" takes a growing share of query_intent at global: global 1\d(\.\d+)?% \(\d+ of \d+\)/,
    );
  });

  it.each([
    { name: 'a step on the recent window’s first day', from: 35, onset: '2026-02-09' },
    { name: 'a step four days before the end', from: 38, onset: '2026-02-12' },
    { name: 'a step that began before the recent window', from: 33, onset: '2026-02-09' },
  ])('dates the rise: $name → $onset', ({ from, onset }) => {
    const [f] = runOn(
      categoryOtherRising,
      history({ change: { from, shares: { ...SHARES, other: 0.15 } } }),
      {
        metric,
      },
    );
    expect(f?.onset).toBe(onset);
  });

  it('applies only to a categorical metric that names its catch-all', () => {
    expect(categoryOtherRising.appliesTo?.(metricOf('q', 'categorical'))).toMatch(/declares none/);
    expect(categoryOtherRising.appliesTo?.(metricOf('q', 'ratio'))).toMatch(/kind ratio/);
    expect(categoryOtherRising.appliesTo?.(metric)).toBeUndefined();
  });
});
