import { describe, expect, it } from 'vitest';
import { categoryVanished } from './category-vanished.js';
import { runOn } from '../../test/helpers/detector-input.js';
import { mixHistory, mixSeries, type MixSpec } from '../../test/helpers/detector-mix.js';
import { seeded } from '../core/random.js';
import { metricOf } from '../../test/helpers/detector-series.js';

const SHARES = { navigational: 0.4, informational: 0.35, transactional: 0.2, other: 0.05 };
const metric = metricOf('query_intent', 'categorical', { categories: { known: [], other: 'other' } });
const without = (k: keyof typeof SHARES) =>
  Object.fromEntries(Object.entries(SHARES).filter(([c]) => c !== k));

const history = (spec: Partial<MixSpec>, seed = 9) =>
  mixHistory({ global: mixSeries(seeded(seed), { days: 42, level: 1000, shares: SHARES, ...spec }) });

describe('category-vanished', () => {
  it.each([
    {
      name: 'transactional stops 2 days ago',
      spec: { change: { from: 40, shares: without('transactional') } },
      fires: true,
    },
    {
      name: 'transactional stops today',
      spec: { change: { from: 41, shares: without('transactional') } },
      fires: false,
    },
    {
      name: 'the catch-all empties (good news)',
      spec: { change: { from: 35, shares: without('other') } },
      fires: false,
    },
    { name: 'a steady mix', spec: {}, fires: false },
    {
      name: 'a rare category (5 a day) missing for 3 days',
      spec: { shares: { ...SHARES, rare: 0.005 }, change: { from: 39, shares: SHARES } },
      fires: false,
    },
  ])('$name → fires: $fires', ({ spec, fires }) => {
    expect(runOn(categoryVanished, history(spec), { metric }).length > 0).toBe(fires);
  });

  it('says when it was last seen and how many rows were expected since', () => {
    const h = history({ change: { from: 38, shares: without('transactional') } });
    const [f] = runOn(categoryVanished, h, { metric });
    expect(f).toMatchObject({
      rule: 'category-vanished',
      onset: '2026-02-12',
      subject: 'category:transactional',
    });
    expect(f!.evidence).toMatchObject({ missingDays: 4, lastSeen: '2026-02-11', baselinePresentDays: 28 });
    expect(f!.explanation).toMatch(
      /no "transactional" for 4 days at global \(last on 2026-02-11\).*about \d{3} rows/,
    );
  });
});
