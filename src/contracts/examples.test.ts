import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/diagnostic.js';
import { loadContracts } from './load.js';

const ROOT = join(import.meta.dirname, '../..');

describe('the example contracts in contracts/', () => {
  it('validate with no error and, with their variables set, no warning', async () => {
    const { contracts, diagnostics } = await loadContracts('contracts', {
      root: ROOT,
      env: () => 'set',
      now: new Date('2026-11-25T07:00:00Z'),
    });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(contracts.sources.map((s) => [s.name, s.provider])).toEqual([
      ['github-traffic', 'http-json'],
      ['meta-page-insights', 'meta-graph'],
      ['partner-ads', 'http-json'],
    ]);
    const meta = contracts.sources.find((s) => s.name === 'meta-page-insights')!;
    expect(meta.metrics.map((m) => m.name)).toEqual([
      'page_media_view',
      'page_post_engagements',
      'page_follows',
      'page_total_media_view_unique',
    ]);
    expect(meta.docs.map((d) => d.name)).toEqual(['pages-changelog', 'deprecated-metrics']);
    const github = contracts.sources.find((s) => s.name === 'github-traffic')!;
    expect(github.docs[0]).toMatchObject({
      kind: 'openapi',
      operations: ['GET /repos/{owner}/{repo}/traffic/views'],
    });
    expect(contracts.features.filter((f) => f.model === 'feed-ranker').map((f) => f.name)).toEqual([
      'engagement_per_view_7d',
      'follower_growth_28d',
    ]);
  });

  it('each file points editors at the schema', () => {
    for (const file of ['meta-page-insights.yaml', 'partner-ads.yaml', 'github-traffic.yaml']) {
      expect(readFileSync(join(ROOT, 'contracts', file), 'utf8')).toMatch(
        /^# yaml-language-server: \$schema=\.\.\/schema\/contract\.schema\.json\n/,
      );
    }
    expect(readFileSync(join(ROOT, 'contracts/features/feed-ranker.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/contract\.schema\.json\n/,
    );
  });
});
