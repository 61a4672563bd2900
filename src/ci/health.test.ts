import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toFinding } from '../core/finding.js';
import { openStore } from '../store/store.js';
import { classifyChanges } from './classify.js';
import { feature, metric, set, source } from '../../test/helpers/contract-builders.js';
import {
  checkHealth,
  type HealthSource,
  type KnownDeprecationLookup,
  type MetricHealthFinding,
} from './health.js';
import { statusFileHealth, storeHealth } from './health-sources.js';

const now = new Date('2026-11-20T00:00:00Z');
const known: KnownDeprecationLookup = (_p, m) =>
  ({
    page_engaged_users: { metric: 'page_engaged_users', effectiveDate: '2024-03-14' },
    page_impressions: {
      metric: 'page_impressions',
      effectiveDate: '2025-11-15',
      replacement: 'page_media_view',
    },
    page_future: { metric: 'page_future', effectiveDate: '2027-01-15', replacement: 'page_media_view' },
  })[m];

const meta = source('meta', [
  metric('page_media_view'),
  metric('page_engaged_users'),
  metric('page_impressions'),
  metric('page_future'),
  metric('page_post_engagements'),
]);
const base = set([meta], [feature('old', ['meta/page_engaged_users'])]);

function run(uses: string[], health?: HealthSource, policy?: { blockOn: ('block' | 'warn' | 'info')[] }) {
  const head = set(
    [meta],
    [
      ...base.features,
      feature('new_f', uses, policy ? { policy: { blockOn: policy.blockOn, warnOn: ['warn'] } } : {}),
    ],
  );
  const { features } = classifyChanges(base, head, { now });
  return checkHealth({ head, features, knownDeprecation: known, now, ...(health ? { health } : {}) });
}

function fake(findings: Omit<MetricHealthFinding, 'origin'>[]): HealthSource {
  return {
    kind: 'store',
    description: 'test',
    findingsFor: (s, m) =>
      findings.filter((f) => f.source === s && f.metric === m).map((f) => ({ ...f, origin: 'store' })),
  };
}

describe('checkHealth', () => {
  it('fails a new feature using page_engaged_users with no store, naming the missing alternative', () => {
    const r = run(['meta/page_engaged_users']);
    expect(r.verified).toBe(false);
    expect(r.origin).toBe('knowledge');
    expect(r.checked).toEqual(['new_f']);
    expect(r.issues).toHaveLength(1);
    const issue = r.issues[0]!;
    expect(issue).toMatchObject({
      rule: 'upwatch/metric-deprecated',
      severity: 'block',
      replacement: 'none',
    });
    expect(issue.message).toContain('removed by Meta on 2024-03-14');
    expect(issue.message).toContain('no alternative');
    expect(issue.hint).toContain('no replacement');
  });

  it.each<[string, string, string | undefined, string | undefined]>([
    ['a removed metric with a replacement', 'page_impressions', 'block', 'page_media_view'],
    ['an announced removal', 'page_future', 'warn', 'page_media_view'],
    ['a healthy metric', 'page_media_view', undefined, undefined],
  ])('%s', (_n, m, severity, replacement) => {
    const r = run([`meta/${m}`]);
    expect(r.issues[0]?.severity).toBe(severity);
    expect(r.issues[0]?.replacement).toBe(replacement);
    if (replacement) expect(r.issues[0]?.hint).toContain(`meta/${replacement}`);
  });

  it('does not check features whose inputs did not change (the old feature using page_engaged_users)', () => {
    expect(run(['meta/page_media_view']).checked).toEqual(['new_f']);
  });

  it.each<[string, Omit<MetricHealthFinding, 'origin'>, string, string]>([
    [
      'frozen',
      {
        source: 'meta',
        metric: 'page_media_view',
        severity: 'block',
        class: 'frozen',
        rule: 'frozen-run',
        explanation: 'same value 30 days',
      },
      'upwatch/metric-frozen',
      'block',
    ],
    [
      'rescaled',
      {
        source: 'meta',
        metric: 'page_media_view',
        severity: 'block',
        class: 'scale',
        rule: 'unit-scale',
        explanation: 'x100',
      },
      'upwatch/metric-rescaled',
      'block',
    ],
    [
      'warn-level drift',
      {
        source: 'meta',
        metric: 'page_media_view',
        severity: 'warn',
        class: 'drift',
        rule: 'drift',
        explanation: 'shifted',
      },
      'upwatch/metric-at-risk',
      'warn',
    ],
    [
      'a blocking null-rate finding',
      {
        source: 'meta',
        metric: 'page_media_view',
        severity: 'block',
        class: 'nulls',
        rule: 'null-rate',
        explanation: 'nulls',
      },
      'upwatch/metric-blocked',
      'block',
    ],
  ])('reports a %s finding from the live source', (_n, f, rule, severity) => {
    const r = run(['meta/page_media_view'], fake([f]));
    expect(r.verified).toBe(true);
    expect(r.issues.map((i) => [i.rule, i.severity])).toEqual([[rule, severity]]);
  });

  it('follows the feature policy: a feature that blocks on warn fails on a warn-level finding', () => {
    const f = {
      source: 'meta',
      metric: 'page_media_view',
      severity: 'warn',
      class: 'drift',
      rule: 'drift',
      explanation: 'x',
    } as const;
    expect(run(['meta/page_media_view'], fake([f]), { blockOn: ['block', 'warn'] }).issues[0]?.severity).toBe(
      'block',
    );
  });

  it('folds a store deprecation finding and the built-in knowledge into one issue', () => {
    const f = {
      source: 'meta',
      metric: 'page_impressions',
      severity: 'block',
      class: 'deprecation',
      rule: 'metric-invalid',
      explanation: '(#100) The value must be a valid insights metric',
      fingerprint: 'abc',
    } as const;
    const r = run(['meta/page_impressions'], fake([f]));
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ replacement: 'page_media_view', findingFingerprint: 'abc' });
  });
});

describe('health sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-ci-health-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads open findings from a real store opened read-only, source-wide ones for every metric', async () => {
    const path = join(dir, 'up.db');
    const store = openStore(path);
    const at = '2026-11-19T07:00:00.000Z';
    const base = {
      entities: [],
      onset: '2026-11-10',
      evidence: {},
      episode: 1,
      firstSeen: at,
      lastSeen: at,
      goodPollsSinceAbsent: 0,
      lifecycle: 'condition' as const,
    };
    await store.findings.insert({
      ...toFinding(
        {
          rule: 'frozen-run',
          class: 'frozen',
          severity: 'block',
          source: 'meta',
          metric: 'page_media_view',
          entities: [],
          onset: '2026-11-10',
          evidence: {},
          explanation: 'frozen for 9 days',
        },
        at,
      ),
      ...base,
      status: 'open',
    });
    await store.findings.insert({
      ...toFinding(
        {
          rule: 'served-version',
          class: 'version',
          severity: 'warn',
          source: 'meta',
          entities: [],
          onset: '2026-11-10',
          evidence: {},
          explanation: 'served v25.0',
        },
        at,
      ),
      ...base,
      status: 'acknowledged',
    });
    await store.findings.insert({
      ...toFinding(
        {
          rule: 'drift',
          class: 'drift',
          severity: 'warn',
          source: 'meta',
          metric: 'page_follows',
          entities: [],
          onset: '2026-11-10',
          evidence: {},
          explanation: 'gone',
        },
        at,
      ),
      ...base,
      status: 'resolved',
    });
    await store.close();
    const health = await storeHealth(path);
    expect(
      health
        .findingsFor('meta', 'page_media_view')
        .map((f) => f.rule)
        .sort(),
    ).toEqual(['frozen-run', 'served-version']);
    expect(health.findingsFor('meta', 'page_follows').map((f) => f.rule)).toEqual(['served-version']);
    expect(health.findingsFor('other', 'x')).toEqual([]);
  });

  it('refuses a store path that does not exist with STORE_UNAVAILABLE', async () => {
    await expect(storeHealth(join(dir, 'missing.db'))).rejects.toThrow(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
    );
  });

  it('reads gate reasons from a status file, and refuses a file that is not one', () => {
    const text = JSON.stringify({
      schemaVersion: 1,
      generatedAt: '2026-11-19T08:00:00.000Z',
      allowed: false,
      counts: { ok: 0, warn: 0, blocked: 1 },
      features: [
        {
          feature: 'a',
          owners: [],
          state: 'blocked',
          findingsState: 'blocked',
          unverified: [],
          reasons: [
            {
              fingerprint: 'f1',
              rule: 'unit-scale',
              severity: 'block',
              source: 'meta',
              metric: 'page_media_view',
              explanation: 'x100',
              status: 'open',
              effect: 'block',
            },
          ],
        },
      ],
    });
    const health = statusFileHealth(text, 'snapshots/status.json');
    expect(health.description).toBe('snapshots/status.json (generated 2026-11-19T08:00:00.000Z)');
    expect(health.findingsFor('meta', 'page_media_view')).toMatchObject([
      { class: 'scale', fingerprint: 'f1' },
    ]);
    expect(() => statusFileHealth('{"features": 3}', 's.json')).toThrow(/not an upwatch status file/);
    expect(() => statusFileHealth('{', 's.json')).toThrow(/not valid JSON/);
  });
});
