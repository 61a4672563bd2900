// Tests of the known-deprecations contract rule on contract sets built from object literals.
import { describe, expect, it } from 'vitest';
import type { ContractSet, MetricContract, SourceContract } from '../../core/contract.js';
import { parseTemplate } from '../../core/secret.js';
import { knownDeprecationsRule } from './known-deprecations.js';

const loc = (line: number) => ({ file: 'contracts/meta.yaml', line, col: 5 });

function metric(name: string, line: number): MetricContract {
  return { name, period: 'day', kind: 'count', checks: {}, location: loc(line) };
}

function metaSource(apiVersion: string, metrics: string[]): SourceContract {
  return {
    name: 'meta',
    owners: ['data@example.com'],
    provider: 'meta-graph',
    connection: {
      kind: 'meta-graph',
      baseUrl: 'https://graph.facebook.com',
      apiVersion,
      accessToken: parseTemplate('${META_TOKEN}'),
      pages: ['123'],
      lookbackDays: 3,
    },
    schedule: '0 9 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics: metrics.map((m, i) => metric(m, 20 + i)),
    checks: {},
    location: loc(1),
  };
}

const set = (sources: SourceContract[]): ContractSet => ({
  root: 'contracts',
  files: [],
  sources,
  features: [],
});
const run = (s: ContractSet, day: string) =>
  knownDeprecationsRule.check(s, { env: () => undefined, now: new Date(`${day}T10:00:00Z`) });

describe('known-deprecations rule', () => {
  it('reports page_impressions as removed on 2025-11-15 with page_media_view, at the metric line', () => {
    const d = run(set([metaSource('v24.0', ['page_media_view', 'page_impressions'])]), '2026-01-10');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: 'error',
      code: 'metric-removed',
      file: 'contracts/meta.yaml',
      line: 21,
    });
    expect(d[0]!.message).toContain('2025-11-15');
    expect(d[0]!.message).toContain('page_media_view');
  });

  it.each([
    ['page_engaged_users', '2026-01-10', 'error', '2024-03-14', 'no alternative'],
    ['page_fans', '2026-01-10', 'error', '2025-11-15', 'page_follows'],
    ['page_impressions_unique', '2026-03-01', 'warning', '2026-06-15', 'page_total_media_view_unique'],
    ['page_impressions_unique', '2026-07-01', 'error', '2026-06-15', 'page_total_media_view_unique'],
  ])('%s on %s → %s (%s, %s)', (name, day, severity, date, replacement) => {
    const d = run(set([metaSource('v25.0', [name])]), day);
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe(severity);
    expect(d[0]!.message).toContain(date);
    expect(d[0]!.message).toContain(replacement);
  });

  it('is silent for current metrics on a supported version', () => {
    expect(run(set([metaSource('v24.0', ['page_media_view', 'page_follows'])]), '2026-01-10')).toEqual([]);
  });

  it.each([
    ['v20.0', '2026-06-01', []],
    ['v20.0', '2026-07-01', [['warning', 'version-eol-soon', '85 days left']]],
    ['v20.0', '2026-09-20', [['warning', 'version-eol-soon', '4 days left']]],
    ['v18.0', '2026-03-01', [['error', 'version-eol-passed', '2026-01-26']]],
    ['v99.0', '2026-03-01', []],
  ])('pinned %s on %s', (version, day, expected) => {
    const d = run(set([metaSource(version, [])]), day);
    expect(d.map((x) => [x.severity, x.code])).toEqual(expected.map((e) => [e[0], e[1]]));
    for (const [i, e] of expected.entries()) expect(d[i]!.message).toContain(e[2]);
    for (const x of d) expect(x.line).toBe(1);
  });

  it('ignores other providers', () => {
    const s = metaSource('v18.0', ['page_impressions']);
    const other: SourceContract = {
      ...s,
      provider: 'http-json',
      connection: {
        kind: 'http-json',
        url: parseTemplate('https://x.example.com/stats'),
        headers: {},
        entities: [],
        select: { records: 'data', time: 'day' },
        lookbackDays: 3,
      },
    };
    expect(run(set([other]), '2026-03-01')).toEqual([]);
  });
});
