import { describe, expect, it } from 'vitest';
import { categoryNew } from './category-new.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { mixHistory, mixSeries, type MixSpec } from '../../test/helpers/detector-mix.js';
import { seeded } from '../core/random.js';
import { metricOf } from '../../test/helpers/detector-series.js';

const SHARES = { navigational: 0.4, informational: 0.35, transactional: 0.2, other: 0.05 };
const declared = metricOf('query_intent', 'categorical', {
  categories: { known: ['navigational', 'informational', 'transactional'], other: 'other' },
});
const learned = metricOf('query_intent', 'categorical');

const history = (spec: Partial<MixSpec>, seed = 5) =>
  mixHistory({ global: mixSeries(seeded(seed), { days: 42, level: 1000, shares: SHARES, ...spec }) });

describe('category-new', () => {
  it.each([
    {
      name: 'short_video appears at 8 % two days ago',
      spec: { change: { from: 40, shares: { ...SHARES, short_video: 0.08 } } },
      metric: declared,
      fires: true,
    },
    {
      name: 'the same, with categories learned from the baseline',
      spec: { change: { from: 40, shares: { ...SHARES, short_video: 0.08 } } },
      metric: learned,
      fires: true,
    },
    {
      name: 'a stray row or two of a new code (below 2 % and 20 rows)',
      spec: { change: { from: 35, shares: { ...SHARES, typo_intnet: 0.001 } } },
      metric: declared,
      fires: false,
    },
    { name: 'a steady mix', spec: {}, metric: declared, fires: false },
    { name: 'a steady mix, categories learned', spec: { concentration: 200 }, metric: learned, fires: false },
  ])('$name → fires: $fires', ({ spec, metric, fires }) => {
    expect(runOn(categoryNew, history(spec), { metric }).length > 0).toBe(fires);
  });

  it('names the category, its share and its first day; one finding per category', () => {
    const h = history({ change: { from: 38, shares: { ...SHARES, short_video: 0.1, live: 0.05 } } });
    const found = runOn(categoryNew, h, { metric: declared });
    expect(found.map((f) => f.subject)).toEqual(['category:live', 'category:short_video']);
    const f = found[1]!;
    expect(f.onset).toBe('2026-02-12');
    expect(Number(f.evidence['recentShare'])).toBeGreaterThan(0.05);
    expect(f.explanation).toMatch(
      /new category "short_video" since 2026-02-12: it is not among the 3 categories/,
    );
  });

  it('flags a category the contract does not know even when it was in the baseline', () => {
    const h = history({ shares: { ...SHARES, podcasts: 0.06 } });
    expect(runOn(categoryNew, h, { metric: declared }).map((f) => f.subject)).toEqual(['category:podcasts']);
    expect(runOn(categoryNew, h, { metric: learned })).toEqual([]);
  });
});
