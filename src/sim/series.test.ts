import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScenarioModels } from './models.js';
import type { Scenario } from './scenario.js';
import { meta2024 } from './scenarios/meta-2024.js';
import { quiet } from './scenarios/quiet.js';

const DAYS = Array.from({ length: 180 }, (_, d) => d);
const PAGES = Array.from({ length: quiet.graph.pages.count }, (_, p) => p);

function num(v: unknown): number {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe('determinism', () => {
  it('gives the same values for the same seed, whatever the order of the questions', () => {
    const metrics = quiet.graph.metrics.map((m) => m.name);
    const query = fc.record({
      page: fc.integer({ min: 0, max: quiet.graph.pages.count - 1 }),
      metric: fc.constantFrom(...metrics),
      day: fc.integer({ min: -100, max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(query, { minLength: 1, maxLength: 40 }), (queries) => {
        const a = createScenarioModels(quiet).graph;
        const b = createScenarioModels(quiet).graph;
        const forward = queries.map((q) => a.value(q.page, q.metric, q.day));
        const backward = [...queries].reverse().map((q) => b.value(q.page, q.metric, q.day));
        expect(forward).toEqual(backward.reverse());
      }),
      { numRuns: 40 },
    );
  });

  it('gives different values for a different seed', () => {
    const a = createScenarioModels(quiet).graph;
    const b = createScenarioModels({ ...quiet, seed: quiet.seed + 1 }).graph;
    const va = DAYS.slice(0, 30).map((d) => a.value(0, 'page_media_view', d));
    const vb = DAYS.slice(0, 30).map((d) => b.value(0, 'page_media_view', d));
    expect(va).not.toEqual(vb);
  });
});

describe('realistic series (quiet scenario)', () => {
  const { graph } = createScenarioModels(quiet);

  it('draws log-normal page sizes: log sd ≈ sizeSigma, mean far above the median (right skew)', () => {
    const many: Scenario = {
      ...quiet,
      graph: { ...quiet.graph, pages: { ...quiet.graph.pages, count: 400 } },
    };
    const m = createScenarioModels(many).graph;
    const logs = Array.from({ length: 400 }, (_, p) => Math.log(m.size(p)));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
    const sigma = quiet.graph.pages.sizeSigma;
    expect(sd).toBeGreaterThan(0.85 * sigma);
    expect(sd).toBeLessThan(1.15 * sigma);
    const sizes = logs.map(Math.exp);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeGreaterThan(1.3 * median(sizes));
    // and the served levels follow the sizes
    const level = (p: number) => median(DAYS.slice(0, 28).map((d) => num(m.value(p, 'page_media_view', d))));
    const [small, large] = [0, 1, 2, 3, 4, 5]
      .sort((a, b) => m.size(a) - m.size(b))
      .filter((_, i, a) => i === 0 || i === a.length - 1);
    expect(level(large!)).toBeGreaterThan(level(small!));
  });

  it('has weekly seasonality: weekday log-means differ by more than the noise', () => {
    for (const p of PAGES) {
      const byDow: number[][] = Array.from({ length: 7 }, () => []);
      for (const d of DAYS) byDow[d % 7]!.push(Math.log(num(graph.value(p, 'page_media_view', d)) + 1));
      const means = byDow.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
      expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.08);
    }
  });

  it('keeps related metrics at their ratios and uniques under totals', () => {
    const ratios: number[] = [];
    for (const p of PAGES) {
      for (const d of DAYS) {
        const views = num(graph.value(p, 'page_media_view', d));
        const uniques = num(graph.value(p, 'page_total_media_view_unique', d));
        const engagements = num(graph.value(p, 'page_post_engagements', d));
        expect(uniques).toBeLessThanOrEqual(views);
        expect(num(graph.value(p, 'page_engaged_users', d))).toBeLessThanOrEqual(engagements);
        ratios.push(engagements / views);
        const rate = num(graph.value(p, 'page_engagement_rate', d));
        expect(rate).toBeCloseTo(engagements / views, 5);
      }
    }
    expect(median(ratios)).toBeGreaterThan(0.045);
    expect(median(ratios)).toBeLessThan(0.055);
  });

  it('grows the follower total every day and serves breakdown objects of non-zero keys', () => {
    for (const p of PAGES) {
      const follows = DAYS.map((d) => num(graph.value(p, 'page_follows', d)));
      for (let i = 1; i < follows.length; i++) expect(follows[i]!).toBeGreaterThanOrEqual(follows[i - 1]!);
      expect(follows.at(-1)!).toBeGreaterThan(follows[0]!);
    }
    const reactions = graph.value(0, 'page_actions_post_reactions_total', 10);
    expect(typeof reactions).toBe('object');
    expect(Object.keys(reactions as object)).toContain('like');
    expect(Object.values(reactions as object).every((n) => typeof n === 'number' && n > 0)).toBe(true);
  });

  it('sums the week and 28-day periods over the daily values', () => {
    const week = DAYS.slice(20, 27).reduce((s, d) => s + num(graph.value(3, 'page_media_view', d)), 0);
    expect(graph.value(3, 'page_media_view', 26, 'week')).toBe(week);
    expect(graph.value(3, 'page_follows', 26, 'week')).toBeUndefined();
  });

  it('never repeats a count metric exactly for three days in a row on pages above 20/day', () => {
    for (const p of PAGES) {
      for (const metric of ['page_media_view', 'page_video_views', 'page_post_engagements']) {
        const v = DAYS.map((d) => num(graph.value(p, metric, d)));
        if (median(v) < 20) continue;
        for (let i = 2; i < v.length; i++) expect(v[i] === v[i - 1] && v[i] === v[i - 2]).toBe(false);
      }
    }
  });
});

describe('scripted data events (meta-2024)', () => {
  const { graph } = createScenarioModels(meta2024);

  it('freezes page_video_views on the scripted pages from day 75 at the day-74 value', () => {
    for (const p of [2, 5, 9]) {
      const before = num(graph.value(p, 'page_video_views', 74));
      for (let d = 75; d < 180; d++) expect(graph.value(p, 'page_video_views', d)).toBe(before);
      expect(graph.value(p, 'page_video_views', 73)).not.toBe(before);
    }
    const other = [74, 75, 76].map((d) => graph.value(0, 'page_video_views', d));
    expect(new Set(other).size).toBe(3);
  });

  it('serves page_engagement_rate as a fraction until day 139 and as a percent from day 140', () => {
    for (const p of PAGES) {
      for (let d = 100; d < 140; d++) expect(num(graph.value(p, 'page_engagement_rate', d))).toBeLessThan(1);
      for (let d = 140; d < 180; d++)
        expect(num(graph.value(p, 'page_engagement_rate', d))).toBeGreaterThan(1);
    }
  });

  it('bursts page 4 by about ×6 on days 88–89 and leaves the neighbours alone', () => {
    const v = (d: number) => num(graph.value(4, 'page_media_view', d));
    const base = median([80, 81, 82, 83, 84, 85, 86, 87, 90, 91, 92, 93, 94, 95].map(v));
    expect(v(88) / base).toBeGreaterThan(3);
    expect(v(89) / base).toBeGreaterThan(3);
    expect(v(90) / base).toBeLessThan(2);
    const q = createScenarioModels(quiet).graph;
    expect(q.value(4, 'page_media_view', 88)).toBeLessThan(v(88));
  });

  it('leaves values before an event untouched (events restate no history)', () => {
    const q = createScenarioModels(quiet).graph;
    for (const metric of ['page_video_views', 'page_engagement_rate', 'page_media_view']) {
      for (let d = 0; d < 74; d++) expect(graph.value(2, metric, d)).toEqual(q.value(2, metric, d));
    }
  });

  it('refuses a scenario whose metric refers to an unknown one', () => {
    const broken: Scenario = {
      ...quiet,
      graph: {
        ...quiet.graph,
        metrics: [{ name: 'x', title: 'x', description: 'x', kind: 'count', of: 'nope' }],
      },
    };
    expect(() => createScenarioModels(broken)).toThrow(/unknown metric nope/);
  });
});
