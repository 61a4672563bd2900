import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../core/clock.js';
import { isUpwatchError } from '../core/errors.js';
import type { PollOutcome } from '../core/observation.js';
import { openStore, type SqliteStore } from '../store/store.js';
import { checkGate, gateSummary } from './check-gate.js';
import { writeStatusFile } from './status-file.js';
import { processFindings } from '../pipeline/process-findings.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { tempDir } from '../../test/helpers/temp-dir.js';

let store: SqliteStore;
afterEach(() => store?.close());

const dir = tempDir('upwatch-gate-');

async function poll(outcome: PollOutcome, at: Date): Promise<void> {
  await store.recordPoll({
    source: 'meta',
    startedAt: at.toISOString(),
    finishedAt: at.toISOString(),
    outcome,
    ...(outcome === 'failed' ? { errorCode: 'HTTP_CONNECT', errorMessage: 'refused' } : {}),
    fetch: { observations: [], requests: [], metricOutcomes: [] },
  });
}

const contracts = contractSet(
  ['page_post_engagements', 'page_media_view', 'page_fans'],
  [
    feature('engagement_rate_7d', ['meta/page_post_engagements', 'meta/page_media_view'], {
      model: 'ranker',
    }),
    feature('reach_28d', ['meta/page_media_view'], { model: 'ranker' }),
    feature('fans_growth', ['meta/page_fans'], { policy: { blockOn: ['block', 'warn'], warnOn: ['info'] } }),
  ],
);

async function states(clock: ManualClock, features?: string[]): Promise<Record<string, string>> {
  const r = await checkGate({ store, contracts, now: clock.now(), ...(features ? { features } : {}) });
  return Object.fromEntries(r.features.map((f) => [f.feature, f.state]));
}

describe('checkGate', () => {
  it('blocks on blocking findings, warns on warn-level ones, and is ok otherwise', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await poll('ok', clock.now());
    expect(await states(clock)).toEqual({ engagement_rate_7d: 'ok', reach_28d: 'ok', fans_growth: 'ok' });
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [
        finding('page_post_engagements'),
        finding('page_fans', { severity: 'warn', class: 'frozen', rule: 'frozen-run' }),
      ],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    const report = await checkGate({ store, contracts, now: clock.now() });
    expect(Object.fromEntries(report.features.map((f) => [f.feature, f.state]))).toEqual({
      engagement_rate_7d: 'blocked',
      reach_28d: 'ok',
      // its policy blocks on warn too
      fans_growth: 'blocked',
    });
    expect(report.allowed).toBe(false);
    expect(report.features[0]!.reasons[0]).toMatchObject({
      rule: 'metric-invalid',
      severity: 'block',
      metric: 'page_post_engagements',
      effect: 'block',
      status: 'open',
    });
    expect((await gateSummary(store, contracts, clock.now())).counts).toEqual({ ok: 1, warn: 0, blocked: 2 });
  });

  it('selects by model and rejects unknown features and models with NOT_FOUND', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await poll('ok', clock.now());
    expect(Object.keys(await states(clock, undefined))).toHaveLength(3);
    expect(
      (await checkGate({ store, contracts, model: 'ranker', now: clock.now() })).features.map(
        (f) => f.feature,
      ),
    ).toEqual(['engagement_rate_7d', 'reach_28d']);
    for (const sel of [{ features: ['nope'] }, { model: 'nope' }]) {
      try {
        await checkGate({ store, contracts, now: clock.now(), ...sel });
        expect.unreachable();
      } catch (e) {
        expect(isUpwatchError(e, 'NOT_FOUND')).toBe(true);
      }
    }
  });

  it('an override wins until it expires by itself', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await poll('ok', clock.now());
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('page_post_engagements')],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    await store.overrides.add({
      feature: 'engagement_rate_7d',
      action: 'allow',
      reason: 'replacement wired',
      by: 'ana',
      at: clock.now().toISOString(),
      until: '2026-03-15T12:00:00.000Z',
    });
    await store.overrides.add({
      feature: 'reach_28d',
      action: 'block',
      reason: 'model retrain paused',
      by: 'ana',
      at: clock.now().toISOString(),
      until: '2026-03-15T12:00:00.000Z',
    });
    const r = await checkGate({ store, contracts, now: clock.now(), features: ['engagement_rate_7d'] });
    expect(r.features[0]).toMatchObject({
      state: 'ok',
      findingsState: 'blocked',
      override: { action: 'allow', by: 'ana' },
    });
    expect(await states(clock, ['reach_28d'])).toEqual({ reach_28d: 'blocked' });
    clock.set('2026-03-15T12:00:00Z');
    await poll('ok', clock.now());
    expect(await states(clock, ['engagement_rate_7d', 'reach_28d'])).toEqual({
      engagement_rate_7d: 'blocked',
      reach_28d: 'ok',
    });
    // the next poll records the expiry in the audit log, once
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('page_post_engagements')],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    clock.advanceMs(3_600_000);
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('page_post_engagements')],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    expect((await store.audit.read({ targetKind: 'override' })).map((a) => [a.action, a.target])).toEqual([
      ['override-expired', 'engagement_rate_7d'],
      ['override-expired', 'reach_28d'],
    ]);
  });

  it('turns features to warn (unverified) when the source has no verified poll within freshnessHours', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    // never polled: never silently ok
    expect(
      (await checkGate({ store, contracts, now: clock.now(), features: ['reach_28d'] })).features[0],
    ).toMatchObject({
      state: 'warn',
      unverified: [{ source: 'meta', metrics: ['page_media_view'], freshnessHours: 36 }],
    });
    await poll('ok', clock.now());
    expect(await states(clock, ['reach_28d'])).toEqual({ reach_28d: 'ok' });
    clock.advanceMs(30 * 3_600_000);
    await poll('failed', clock.now());
    expect(await states(clock, ['reach_28d'])).toEqual({ reach_28d: 'ok' });
    clock.advanceMs(7 * 3_600_000);
    await poll('failed', clock.now());
    const r = await checkGate({ store, contracts, now: clock.now(), features: ['reach_28d'] });
    expect(r.features[0]).toMatchObject({
      state: 'warn',
      unverified: [{ source: 'meta', lastVerifiedAt: '2026-03-15T07:00:00.000Z' }],
    });
    expect(r.allowed).toBe(true);
  });

  it('turns a feature unverified when one metric it uses has no definite answer within freshnessHours', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const timeout = { code: 'HTTP_TIMEOUT', message: 'no response within 30000 ms', retryable: true };
    const partial = (fansVerified: boolean) =>
      store.recordPoll({
        source: 'meta',
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        outcome: fansVerified ? 'ok' : 'partial',
        fetch: {
          observations: [],
          requests: [],
          metricOutcomes: [
            { metric: 'page_post_engagements', entity: '111', status: 'ok' },
            { metric: 'page_media_view', entity: '111', status: 'ok' },
            fansVerified
              ? { metric: 'page_fans', entity: '111', status: 'missing' }
              : { metric: 'page_fans', entity: '111', status: 'error', error: timeout },
          ],
        },
      });
    const lenient = feature('fans_lenient', ['meta/page_fans'], {
      policy: { blockOn: ['block'], warnOn: [] },
    });
    const withLenient = { ...contracts, features: [...contracts.features, lenient] };
    const gate = async () =>
      Object.fromEntries(
        (await checkGate({ store, contracts: withLenient, now: clock.now() })).features.map((f) => [
          f.feature,
          [f.state, f.unverified],
        ]),
      );
    await partial(true);
    clock.advanceMs(24 * 3_600_000);
    await partial(false);
    clock.advanceMs(24 * 3_600_000);
    await partial(false);
    const entry = {
      source: 'meta',
      metrics: ['page_fans'],
      lastVerifiedAt: '2026-03-15T07:00:00.000Z',
      freshnessHours: 36,
    };
    // The source answers (its other metrics are fresh), page_fans has not for 48 h: warn by default, blocked for a
    // policy that blocks on warnings, and still warn for one that ignores warnings — never ok.
    expect(await gate()).toEqual({
      engagement_rate_7d: ['ok', []],
      reach_28d: ['ok', []],
      fans_growth: ['blocked', [entry]],
      fans_lenient: ['warn', [entry]],
    });
    expect((await gateSummary(store, withLenient, clock.now())).features).toContainEqual(
      expect.objectContaining({
        feature: 'fans_lenient',
        unverified: ['meta'],
        unverifiedMetrics: ['meta/page_fans'],
      }),
    );
    await partial(true);
    expect((await gate())['fans_lenient']).toEqual(['ok', []]);
  });

  it('a metric that never got a definite answer is never verified, whatever the source did', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await store.recordPoll({
      source: 'meta',
      startedAt: clock.now().toISOString(),
      finishedAt: clock.now().toISOString(),
      outcome: 'partial',
      fetch: {
        observations: [],
        requests: [],
        metricOutcomes: [
          { metric: 'page_media_view', entity: '111', status: 'ok' },
          {
            metric: 'page_fans',
            entity: '111',
            status: 'error',
            error: {
              code: 'HTTP_MALFORMED',
              message: 'answered 200 with a body that is not JSON',
              retryable: false,
            },
          },
        ],
      },
    });
    const r = await checkGate({ store, contracts, now: clock.now(), features: ['fans_growth', 'reach_28d'] });
    expect(r.features.map((f) => [f.feature, f.state, f.unverified])).toEqual([
      ['fans_growth', 'blocked', [{ source: 'meta', metrics: ['page_fans'], freshnessHours: 36 }]],
      ['reach_28d', 'ok', []],
    ]);
  });

  it('an acknowledged finding still blocks (an ack silences mail, only an override unblocks)', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await poll('ok', clock.now());
    await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('page_media_view')],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    store.db
      .prepare(`UPDATE findings SET status = 'acknowledged', ack_reason = 'r', ack_by = 'ana', ack_at = 't'`)
      .run();
    const r = await checkGate({ store, contracts, now: clock.now(), features: ['reach_28d'] });
    expect(r.features[0]).toMatchObject({ state: 'blocked', reasons: [{ status: 'acknowledged' }] });
  });

  it('writes the status file atomically with a schemaVersion', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    await poll('ok', clock.now());
    const path = join(dir, 'snapshots', 'status.json');
    writeStatusFile(path, await checkGate({ store, contracts, now: clock.now() }));
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { features: { feature: string }[] };
    expect(doc).toMatchObject({ schemaVersion: 1, allowed: true, counts: { ok: 3, warn: 0, blocked: 0 } });
    expect(doc.features.map((f) => f.feature)).toEqual(['engagement_rate_7d', 'fans_growth', 'reach_28d']);
  });
});
