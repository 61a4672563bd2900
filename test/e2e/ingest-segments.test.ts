// Segments and categories pushed end to end: risk bands in a segment column whose ordering collapses, and a query
// tagger's intents in a category column where a new intent appears and "other" swells. Real CLI, real store.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';
import { claimsDay } from '../helpers/claims-warehouse.js';
import { tempDir } from '../helpers/temp-dir.js';

const CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: claims-warehouse
owners: [claims-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: claims, kind: count }
  - { name: policies, kind: count }
  - name: claim_rate
    kind: ratio
    numerator: claims
    denominator: policies
    segments: { dimension: risk_band, order: [low, medium, high] }
---
apiVersion: upwatch/v1
kind: Source
name: search-logs
owners: [search-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - name: query_intent
    kind: categorical
    categories:
      known: [navigational, informational, transactional]
      other: other
---
apiVersion: upwatch/v1
kind: Feature
name: intent_features
owners: [relevance-ml@example.com]
uses: [search-logs/query_intent, claims-warehouse/claim_rate]
`;

const NOW = '2026-03-15T08:00:00Z';

const day = claimsDay;

/** 42 days of policies and claims per band in a `segment` column; from day 38 the low band claims like medium. */
function bands(converge: boolean): string {
  const lines = ['date,source,metric,segment,value'];
  const spec = [
    { band: 'low', policies: 4000, rate: 0.02 },
    { band: 'medium', policies: 2500, rate: 0.05 },
    { band: 'high', policies: 800, rate: 0.09 },
  ];
  for (let i = 0; i < 42; i++)
    for (const b of spec) {
      const rate = converge && b.band === 'low' && i >= 38 ? 0.05 : b.rate;
      const wobble = 1 + 0.05 * Math.sin(i);
      const policies = Math.round(b.policies * (1 + 0.04 * Math.cos(i * 1.7)));
      lines.push(`${day(i)},claims-warehouse,policies,${b.band},${policies}`);
      lines.push(`${day(i)},claims-warehouse,claims,${b.band},${Math.round(policies * rate * wobble)}`);
    }
  return `${lines.join('\n')}\n`;
}

/** 42 days of query counts per intent in a `category` column; from day 38 short-form video queries arrive. */
function intents(shifted: boolean): string {
  const lines = ['date,source,metric,entity,category,value'];
  const base = { navigational: 0.4, informational: 0.35, transactional: 0.2, other: 0.05 };
  for (let i = 0; i < 42; i++) {
    const after = shifted && i >= 38;
    const shares: Record<string, number> = after
      ? { navigational: 0.36, informational: 0.22, transactional: 0.18, other: 0.14, short_video: 0.1 }
      : base;
    for (const [category, share] of Object.entries(shares))
      lines.push(
        `${day(i)},search-logs,query_intent,global,${category},${Math.round(5000 * share * (1 + 0.03 * Math.sin(i + category.length)))}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

let root: string;
async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: root,
    clock: new ManualClock(NOW),
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

interface Opened {
  rule: string;
  metric: string;
  entities: string[];
  subject?: string;
  explanation: string;
}
const opened = (stdout: string) =>
  (JSON.parse(stdout) as { processed: { opened: Opened[] } }).processed.opened;

describe('segments and categories pushed through upwatch ingest', () => {
  beforeAll(() => {
    root = tempDir('upwatch-segments-');
    mkdirSync(join(root, 'contracts'));
    writeFileSync(join(root, 'contracts', 'warehouse.yaml'), CONTRACTS);
  });

  it('validates the segmented and categorical metrics', async () => {
    const r = await cli(['validate']);
    expect(r.stdout + r.stderr).toContain('contracts valid: 1 file, 2 sources, 1 feature, 4 metrics');
    expect(r.code).toBe(0);
  });

  it('refuses a band outside the declared order, and a categorical row without its category, storing nothing', async () => {
    writeFileSync(
      join(root, 'bad-band.csv'),
      `date,source,metric,segment,value\n${day(1)},claims-warehouse,policies,lo,4000\n`,
    );
    const band = await cli(['ingest', '--db', 'store.db', '--source', 'claims-warehouse', 'bad-band.csv']);
    expect(band.code).toBe(2);
    expect(band.stderr).toContain(
      'bad-band.csv:2: claims-warehouse/policies (the claim_rate it is part of) is segmented by risk_band into low, medium, high: "lo" is none of them (did you mean "low"?)',
    );
    writeFileSync(
      join(root, 'bad-intent.csv'),
      `date,source,metric,entity,value\n${day(1)},search-logs,query_intent,global,50\n`,
    );
    const intent = await cli(['ingest', '--db', 'store.db', '--source', 'search-logs', 'bad-intent.csv']);
    expect(intent.code).toBe(2);
    expect(intent.stderr).toContain(
      'bad-intent.csv:2: search-logs/query_intent is categorical: each row needs a category',
    );
    const store = openStore(join(root, 'store.db'));
    try {
      expect((await store.metricHistory('search-logs', 'query_intent')).entities.size).toBe(0);
      expect((await store.metricHistory('claims-warehouse', 'policies')).entities.size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('steady bands and a steady mix open nothing', async () => {
    writeFileSync(join(root, 'bands-steady.csv'), bands(false));
    writeFileSync(join(root, 'intents-steady.csv'), intents(false));
    const a = await cli([
      'ingest',
      '--db',
      'steady.db',
      '--source',
      'claims-warehouse',
      'bands-steady.csv',
      '--json',
    ]);
    const b = await cli([
      'ingest',
      '--db',
      'steady.db',
      '--source',
      'search-logs',
      'intents-steady.csv',
      '--json',
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    expect(opened(a.stdout).filter((f) => f.rule !== 'freshness')).toEqual([]);
    expect(opened(b.stdout).filter((f) => f.rule !== 'freshness')).toEqual([]);
  });

  it('the low band claiming like the medium one opens band-convergence', async () => {
    writeFileSync(join(root, 'bands.csv'), bands(true));
    const r = await cli([
      'ingest',
      '--db',
      'store.db',
      '--source',
      'claims-warehouse',
      'bands.csv',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const f = opened(r.stdout).find((x) => x.rule === 'band-convergence');
    expect(f).toMatchObject({
      metric: 'claim_rate',
      entities: ['low', 'medium'],
      subject: 'bands:low/medium',
    });
    expect(f!.explanation).toMatch(
      /^The low and medium bands \(risk_band\) of claim_rate \(claims \/ policies\) are converging/,
    );
  });

  it('a new intent and a swelling "other" open category-new, category-other-rising and category-mix-shift', async () => {
    writeFileSync(join(root, 'intents.csv'), intents(true));
    const r = await cli(['ingest', '--db', 'store.db', '--source', 'search-logs', 'intents.csv', '--json']);
    expect(r.code).toBe(0);
    const rules = opened(r.stdout)
      .filter((f) => f.metric === 'query_intent')
      .map((f) => `${f.rule} ${f.subject ?? ''}`)
      .sort();
    expect(rules).toEqual([
      'category-mix-shift category-mix',
      'category-new category:short_video',
      'category-other-rising category-other:other',
    ]);
    const store = openStore(join(root, 'store.db'));
    try {
      const last = (await store.metricHistory('search-logs', 'query_intent')).entities.get('global')!.at(-1)!;
      expect(last.breakdown).toMatchObject({ short_video: expect.any(Number), other: expect.any(Number) });
      expect(last.value).toBe(Object.values(last.breakdown!).reduce((s, v) => s + v, 0));
    } finally {
      await store.close();
    }
  });

  it('validate refuses a categorical check on a metric that is not categorical, and a catch-all listed as known', async () => {
    const dir = join(root, 'bad-contracts');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'c.yaml'),
      CONTRACTS.replace(
        '  - { name: claims, kind: count }',
        '  - { name: claims, kind: count, checks: { category-mix-shift: { options: { alpha: 0.01 } } } }',
      ).replace('known: [navigational', 'known: [other, navigational'),
    );
    const r = await cli(['validate', '--contracts', 'bad-contracts']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /check "category-mix-shift" does not apply here: it reads counts per category, and claims is of kind count/,
    );
    expect(r.stdout + r.stderr).toContain('the catch-all "other" is also listed in categories.known');
  });
});
