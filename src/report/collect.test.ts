import { afterEach, describe, expect, it } from 'vitest';
import type { RawObservation } from '../core/observation.js';
import { isUpwatchError } from '../core/errors.js';
import { processFindings } from '../pipeline/process-findings.js';
import { openStore, type Store } from '../store/store.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { httpJsonSource } from '../../test/helpers/contracts.js';
import { collectReport } from './collect.js';

let store: Store;
afterEach(() => store?.close());

const NOW = new Date('2026-03-20T07:00:00Z');
const contracts = contractSet(
  ['page_media_view', 'page_follows'],
  [
    feature('reach_7d', ['meta/page_media_view']),
    feature('growth_28d', ['meta/page_follows']),
    feature('partner_7d', ['partner/clicks']),
  ],
  [httpJsonSource('http://127.0.0.1:1/x?token=${TOKEN}', { records: 'data', time: 't' }, ['clicks'])],
);

function day(n: number): string {
  return new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

/** 78 days of page_media_view for page 111 (2026-01-01 … 2026-03-19), then one poll at NOW. */
async function fill(): Promise<void> {
  const observations: RawObservation[] = Array.from({ length: 78 }, (_, i) => ({
    source: 'meta',
    metric: 'page_media_view',
    entity: '111',
    periodEnd: `${day(i + 1)}T08:00:00.000Z`,
    day: day(i),
    value: 1000 + i,
    jsonType: 'int',
  }));
  await store.recordPoll({
    source: 'meta',
    startedAt: NOW.toISOString(),
    finishedAt: NOW.toISOString(),
    outcome: 'ok',
    fetch: { observations, requests: [], metricOutcomes: [], servedVersion: 'v24.0' },
  });
}

describe('collectReport', () => {
  it('gathers gate states, open findings with the chart history around the onset, recent resolutions and sources', async () => {
    store = openStore(':memory:');
    await fill();
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('page_media_view', { onset: '2026-03-10' }, NOW.toISOString())],
      pollOutcome: 'ok',
      now: NOW,
    });
    const at = (d: string) => `${d}T07:00:00.000Z`;
    const resolved = (fp: string, resolvedAt: string) =>
      store.findings.insert({
        ...finding('page_follows', { class: 'frozen', rule: 'frozen-run' }),
        fingerprint: fp,
        episode: 1,
        status: 'resolved',
        firstSeen: at('2026-01-05'),
        lastSeen: at('2026-01-06'),
        goodPollsSinceAbsent: 2,
        lifecycle: 'condition',
        resolvedAt,
      });
    await resolved('old0000000000001', at('2026-01-10'));
    await resolved('new0000000000001', at('2026-03-12'));
    await store.regimes.record(
      'meta',
      'page_media_view',
      '2026-03-10',
      'unit-scale ×1000 (block)',
      NOW.toISOString(),
    );
    await store.overrides.add({
      feature: 'growth_28d',
      action: 'block',
      reason: 'vendor incident',
      by: 'ana',
      at: NOW.toISOString(),
      until: '2026-04-01T00:00:00.000Z',
    });
    await store.pauses.pause('meta-graph:ab12', '2026-03-20T09:00:00Z', 'usage 95%', NOW);
    await store.pauses.pause('http-json:old.example', '2026-03-01T00:00:00Z', 'old', NOW);

    const data = await collectReport({
      store,
      contracts,
      storePath: 'db',
      contractsDir: 'contracts',
      now: NOW,
    });
    expect(Object.fromEntries(data.gate.features.map((f) => [f.feature, f.state]))).toEqual({
      reach_7d: 'blocked',
      growth_28d: 'blocked',
      partner_7d: 'warn',
    });
    expect(data.gate.counts).toEqual({ ok: 0, warn: 1, blocked: 2 });
    expect(data.open).toHaveLength(1);
    const open = data.open[0]!;
    expect(open.upstream).toBe('Meta');
    expect(open.features).toEqual([{ name: 'reach_7d', state: 'blocked', effect: 'block' }]);
    // 28 days before the onset to the day the finding was last seen.
    expect(open.chartRange).toEqual({ from: '2026-02-10', to: '2026-03-20' });
    const days = open.history!.entities.get('111')!.map((p) => p.day);
    expect(days[0]).toBe('2026-02-10');
    expect(days.at(-1)).toBe('2026-03-19');
    expect(open.regimes?.map((r) => r.startDay)).toEqual(['2026-03-10']);
    expect(data.resolved.map((f) => f.fingerprint)).toEqual(['new0000000000001']);
    // Without charts (the dashboard's front page): the same finding and features, no history read.
    const bare = await collectReport({
      store,
      contracts,
      storePath: 'db',
      contractsDir: 'c',
      now: NOW,
      charts: false,
    });
    expect(bare.open).toEqual([{ finding: open.finding, features: open.features, upstream: 'Meta' }]);
    expect(
      (await collectReport({ store, contracts, storePath: 'db', contractsDir: 'c', now: NOW, days: 90 }))
        .resolved,
    ).toHaveLength(2);
    expect(data.pauses.map((p) => p.principal)).toEqual(['meta-graph:ab12']);
    const meta = data.sources.find((s) => s.name === 'meta')!;
    expect(meta).toMatchObject({
      declared: true,
      provider: 'meta-graph',
      pinnedVersion: 'v24.0',
      servedVersion: 'v24.0',
    });
    expect(meta.status).toMatchObject({ polls: 1, lastOutcome: 'ok', observations: 78 });
    expect(data.sources.find((s) => s.name === 'partner')).toMatchObject({
      declared: true,
      status: { polls: 0 },
    });
  });

  it('narrows to one source and the features that use it; an unknown source is NOT_FOUND', async () => {
    store = openStore(':memory:');
    await fill();
    const data = await collectReport({
      store,
      contracts,
      storePath: 'db',
      contractsDir: 'c',
      now: NOW,
      source: 'partner',
    });
    expect(data.gate.features.map((f) => f.feature)).toEqual(['partner_7d']);
    expect(data.gate.counts).toEqual({ ok: 0, warn: 1, blocked: 0 });
    expect(data.sources.map((s) => s.name)).toEqual(['partner']);
    expect(data.source).toBe('partner');
    let error: unknown;
    try {
      await collectReport({ store, contracts, storePath: 'db', contractsDir: 'c', now: NOW, source: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(isUpwatchError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('unknown source nope');
  });
});
