// Tests of the built-in Meta knowledge: notation expansion, data sanity, and the lookups.
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import fc from 'fast-check';
import { GRAPH_VERSIONS, PAGE_INSIGHTS_WAVES } from './meta-graph-data.js';
import { expandMetricList, expandMetricNotation } from './metric-notation.js';
import {
  graphVersionEol,
  graphVersionInfo,
  knownDeprecatedMetrics,
  knownDeprecation,
  latestGraphVersion,
  normalizeGraphVersion,
} from './lookup.js';

describe('expandMetricNotation', () => {
  it.each([
    ['page_engaged_users', ['page_engaged_users']],
    ['page_content_activity(_unique)', ['page_content_activity', 'page_content_activity_unique']],
    ['page_views_logged_in_{total,unique}', ['page_views_logged_in_total', 'page_views_logged_in_unique']],
    [
      'post_impressions_fan_paid(_unique)*',
      ['post_impressions_fan_paid', 'post_impressions_fan_paid_unique'],
    ],
    ['Page_fans_locale', ['page_fans_locale']],
    ['page_x_{a,b}(_unique)', ['page_x_a', 'page_x_a_unique', 'page_x_b', 'page_x_b_unique']],
  ])('%s', (raw, expected) => {
    expect(expandMetricNotation(raw).sort()).toEqual([...expected].sort());
  });

  it('splits lists on top-level commas only', () => {
    expect(expandMetricList('page_fans, page_follows_{city,country}\npage_views')).toEqual([
      'page_fans',
      'page_follows_city',
      'page_follows_country',
      'page_views',
    ]);
  });

  it('never leaves notation characters in an expanded name', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAGE_INSIGHTS_WAVES.flatMap((w) => w.groups.map((g) => g.metrics))),
        (list) => expandMetricList(list).every((n) => /^[a-z0-9_]+$/.test(n)),
      ),
    );
  });
});

describe('knowledge data', () => {
  it('lists versions in release order, each ending after it starts', () => {
    for (let i = 0; i < GRAPH_VERSIONS.length; i++) {
      const v = GRAPH_VERSIONS[i]!;
      if (v.availableUntil) expect(v.availableUntil > v.released).toBe(true);
      if (i > 0) expect(v.released > GRAPH_VERSIONS[i - 1]!.released).toBe(true);
    }
  });

  it('has every wave announced before it takes effect, with sources', () => {
    for (const w of PAGE_INSIGHTS_WAVES) {
      expect(w.announced < w.effective).toBe(true);
      expect(w.sources.length).toBeGreaterThan(0);
    }
  });

  // Meta's post counts 89 metrics; the list as printed expands to 80 distinct names.
  it('expands W1 to the 80 distinct names of the printed list', () => {
    const w1 = PAGE_INSIGHTS_WAVES.find((w) => w.id === 'W1')!;
    const names = w1.groups.flatMap((g) => expandMetricList(g.metrics));
    expect(new Set(names).size).toBe(80);
    expect(names).toContain('page_actions_post_reactions_wow_total');
    expect(names).toContain('page_views_by_internal_referer_logged_in_unique');
  });
});

describe('knownDeprecation', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  it.each([
    ['page_impressions', 'W3', '2025-11-15', 'removed', 'page_media_view'],
    ['page_engaged_users', 'W1', '2024-03-14', 'removed', undefined],
    ['page_fans', 'W3', '2025-11-15', 'removed', 'page_follows'],
    ['page_impressions_paid', 'W3', '2025-11-15', 'removed', 'page_media_view'],
    ['page_impressions_unique', 'W4', '2026-06-15', 'removed', 'page_total_media_view_unique'],
    ['post_impressions_nonviral_unique', 'W4', '2026-06-15', 'removed', undefined],
    ['page_palces_checkins_by_age_gender', 'W2', '2024-09-16', 'removed', undefined],
    ['page_fans_by_like_source', 'W1', '2024-03-14', 'removed', undefined],
  ])('%s → %s %s %s %s', (metric, wave, effective, status, replacement) => {
    const k = knownDeprecation('meta-graph', metric, now);
    expect(k).toMatchObject({ metric, wave, effective, status });
    expect(k?.replacement).toBe(replacement);
  });

  it('reports a wave as announced between its announcement and its effective day', () => {
    expect(knownDeprecation('meta-graph', 'page_impressions_unique', new Date('2026-03-01'))).toMatchObject({
      status: 'announced',
      effective: '2026-06-15',
    });
  });

  it('knows nothing before the announcement (backtests see only what was public)', () => {
    expect(knownDeprecation('meta-graph', 'page_impressions', new Date('2025-08-14'))).toBeUndefined();
    expect(knownDeprecation('meta-graph', 'page_impressions', new Date('2025-08-15'))?.status).toBe(
      'announced',
    );
  });

  it('records later waves that list a metric again', () => {
    expect(knownDeprecation('meta-graph', 'page_fans_by_like_source', now)?.alsoListedIn).toEqual(['W2']);
  });

  it.each([['page_media_view'], ['page_follows'], ['page_total_media_view_unique']])(
    'does not flag the replacement %s',
    (metric) => {
      expect(knownDeprecation('meta-graph', metric, now)).toBeUndefined();
    },
  );

  it('knows nothing about other providers', () => {
    expect(knownDeprecation('http-json', 'page_impressions', now)).toBeUndefined();
    expect(knownDeprecatedMetrics('http-json')).toEqual([]);
    expect(knownDeprecatedMetrics('meta-graph').length).toBeGreaterThan(150);
  });
});

describe('Graph versions', () => {
  it.each([
    ['v18.0', 'v18.0'],
    ['18', 'v18.0'],
    ['V24.0', 'v24.0'],
    ['latest', undefined],
  ])('normalizes %s', (raw, expected) => {
    expect(normalizeGraphVersion(raw)).toBe(expected);
  });

  it('returns release and end of life', () => {
    expect(graphVersionInfo('v18.0')).toMatchObject({ released: '2023-09-12', availableUntil: '2026-01-26' });
    expect(graphVersionInfo('v26.0')?.availableUntil).toBeUndefined();
    expect(graphVersionInfo('v99.0')).toBeUndefined();
    expect(latestGraphVersion(new Date('2026-11-25'))?.version).toBe('v26.0');
    expect(latestGraphVersion(new Date('2026-03-01'))?.version).toBe('v25.0');
  });

  it.each([
    ['v20.0', '2026-06-01', 'ok', undefined, 115],
    ['v20.0', '2026-06-26', 'soon', 90, 90],
    ['v20.0', '2026-08-25', 'soon', 30, 30],
    ['v20.0', '2026-09-20', 'soon', 7, 4],
    ['v20.0', '2026-09-24', 'soon', 7, 0],
    ['v20.0', '2026-09-25', 'passed', undefined, -1],
  ])('%s on %s is %s', (version, day, status, threshold, daysLeft) => {
    const eol = graphVersionEol(version, new Date(`${day}T12:00:00Z`));
    expect(eol).toMatchObject({ status, daysLeft });
    expect(eol?.threshold).toBe(threshold);
  });

  it('crosses every threshold in order as time passes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (d) => {
        const a = graphVersionEol('v21.0', new Date(`${addDays('2026-01-01', d)}T00:00:00Z`))!;
        const b = graphVersionEol('v21.0', new Date(`${addDays('2026-01-01', d + 1)}T00:00:00Z`))!;
        const rank = (e: typeof a) => (e.status === 'passed' ? 0 : e.status === 'ok' ? 1000 : e.threshold!);
        return b.daysLeft === a.daysLeft - 1 && rank(b) <= rank(a);
      }),
    );
  });
});
