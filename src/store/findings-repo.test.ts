import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import {
  activeFindings,
  findingsByPrefix,
  insertFinding,
  lastEpisode,
  updateFinding,
} from './findings-repo.js';
import type { FindingRecord } from '../core/finding-record.js';
import {
  claimDue,
  enqueue,
  listOutbox,
  logNotification,
  markRetry,
  markSent,
  notificationsOf,
} from './outbox-repo.js';
import { readAudit, writeAudit } from './audit-repo.js';
import { activeOverrides, addOverride, featureStates, saveFeatureState } from './overrides-repo.js';

let store: Store;
afterEach(() => store?.close());

function rec(fp: string, episode = 1): Omit<FindingRecord, 'id'> {
  return {
    fingerprint: fp,
    episode,
    rule: 'metric-invalid',
    class: 'deprecation',
    severity: 'block',
    source: 'meta',
    metric: 'page_post_engagements',
    entities: ['123'],
    onset: '2026-03-14',
    evidence: { graphCode: 100 },
    explanation: 'rejected',
    status: 'open',
    detectedAt: '2026-03-14T07:00:00.000Z',
    firstSeen: '2026-03-14T07:00:00.000Z',
    lastSeen: '2026-03-14T07:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
  };
}

describe('findings repository', () => {
  it('round-trips a finding, updates it, and finds it by unique prefix', () => {
    store = openStore(':memory:');
    const a = insertFinding(store, rec('abcdef0011223344'));
    insertFinding(store, rec('abcfff0011223344'));
    expect(activeFindings(store, 'meta').map((f) => f.fingerprint)).toEqual([
      'abcdef0011223344',
      'abcfff0011223344',
    ]);
    updateFinding(store, {
      ...a,
      status: 'acknowledged',
      ack: { reason: 'r', by: 'ana', at: 'now', until: '2026-04-01T00:00:00.000Z' },
    });
    expect(activeFindings(store)[0]!.ack).toEqual({
      reason: 'r',
      by: 'ana',
      at: 'now',
      until: '2026-04-01T00:00:00.000Z',
    });
    expect(findingsByPrefix(store, 'ABC')).toHaveLength(2);
    expect(findingsByPrefix(store, 'abcd').map((f) => f.id)).toEqual([a.id]);
    expect(findingsByPrefix(store, '%')).toHaveLength(0);
    expect(lastEpisode(store, 'abcdef0011223344')).toBe(1);
    expect(lastEpisode(store, 'none')).toBe(0);
  });

  it('keeps one row per (fingerprint, episode)', () => {
    store = openStore(':memory:');
    insertFinding(store, rec('f1'));
    expect(() => insertFinding(store, rec('f1'))).toThrow(/UNIQUE/);
    insertFinding(store, rec('f1', 2));
    expect(findingsByPrefix(store, 'f1')[0]!.episode).toBe(2);
  });
});

describe('outbox repository', () => {
  const payload = { subject: 's', text: 't', html: '<p>h</p>' };

  it('ignores a duplicate dedup key and leases each due row to one owner', () => {
    store = openStore(':memory:');
    const now = Date.parse('2026-03-14T07:00:00.000Z');
    const at = new Date(now).toISOString();
    const id = enqueue(store, {
      dedupKey: 'k1',
      recipient: 'a@x',
      kind: 'alert',
      messageId: '<m1@h>',
      createdAt: at,
      payload,
    });
    expect(id).toBeDefined();
    expect(
      enqueue(store, {
        dedupKey: 'k1',
        recipient: 'a@x',
        kind: 'alert',
        messageId: '<m2@h>',
        createdAt: at,
        payload,
      }),
    ).toBeUndefined();
    logNotification(store, {
      at,
      recipient: 'a@x',
      fingerprint: 'f',
      episode: 1,
      kind: 'alert',
      outboxId: id!,
    });

    const first = claimDue(store, 'r1', now, 60_000, 10);
    expect(first.map((r) => r.messageId)).toEqual(['<m1@h>']);
    expect(claimDue(store, 'r2', now + 1000, 60_000, 10)).toEqual([]);
    // the lease expires: another relay may take it over, and the first can no longer mark it
    const again = claimDue(store, 'r2', now + 61_000, 60_000, 10);
    expect(again.map((r) => [r.messageId, r.attempts])).toEqual([['<m1@h>', 2]]);
    expect(markSent(store, id!, 'r1', at)).toBe(false);
    expect(markRetry(store, id!, 'r2', now + 200_000, 'ESOCKET')).toBe(true);
    expect(claimDue(store, 'r2', now + 100_000, 60_000, 10)).toEqual([]);
    expect(claimDue(store, 'r2', now + 200_000, 60_000, 10)).toHaveLength(1);
    expect(markSent(store, id!, 'r2', at)).toBe(true);
    expect(listOutbox(store, ['sent'])).toHaveLength(1);
    expect(notificationsOf(store, 'f', 1)[0]).toMatchObject({ status: 'sent', messageId: '<m1@h>' });
  });
});

describe('audit, overrides and feature states', () => {
  it('records entries and keeps only unexpired, unrevoked overrides active', () => {
    store = openStore(':memory:');
    writeAudit(store, {
      at: 't',
      actor: 'ana',
      action: 'acknowledged',
      targetKind: 'finding',
      target: 'f',
      reason: 'why',
      details: { episode: 1 },
    });
    expect(readAudit(store, { target: 'f' })).toMatchObject([
      { actor: 'ana', reason: 'why', details: { episode: 1 } },
    ]);
    addOverride(store, {
      feature: 'x',
      action: 'allow',
      reason: 'r',
      by: 'ana',
      at: '2026-03-01T00:00:00.000Z',
      until: '2026-03-10T00:00:00.000Z',
    });
    expect(activeOverrides(store, new Date('2026-03-09T23:00:00Z')).get('x')?.action).toBe('allow');
    expect(activeOverrides(store, new Date('2026-03-10T00:00:00Z')).size).toBe(0);
    saveFeatureState(store, { feature: 'x', state: 'ok', reasons: [], at: 't1' });
    saveFeatureState(store, { feature: 'x', state: 'ok', reasons: [], at: 't2' });
    expect(featureStates(store).get('x')).toMatchObject({ changedAt: 't1', updatedAt: 't2' });
    saveFeatureState(store, { feature: 'x', state: 'blocked', reasons: [], at: 't3' });
    expect(featureStates(store).get('x')).toMatchObject({ state: 'blocked', changedAt: 't3' });
  });
});

describe('store.findings (the findings port)', () => {
  it('is one object per connection and reads and writes the same rows as the repository functions', async () => {
    store = openStore(':memory:');
    const port = store.findings;
    expect(store.findings).toBe(port);
    const a = await store.transaction(() => port.insert(rec('aaaa1111')));
    port.insert({ ...rec('bbbb2222'), source: 'partner' });
    expect(port.active()).toEqual(activeFindings(store));
    expect(port.active('partner').map((f) => f.fingerprint)).toEqual(['bbbb2222']);
    expect(port.byPrefix('AAAA')).toEqual(findingsByPrefix(store, 'aaaa'));
    expect(port.byId(a.id)).toEqual(a);
    expect(port.episode('aaaa1111', 1)).toEqual(a);
    port.update({ ...a, status: 'resolved', resolvedAt: '2026-03-16T07:00:00.000Z' });
    expect(port.lastResolvedEpisode('aaaa1111')?.resolvedAt).toBe('2026-03-16T07:00:00.000Z');
    expect(port.lastEpisode('aaaa1111')).toBe(lastEpisode(store, 'aaaa1111'));
    expect(port.list({ status: ['resolved'] }).map((f) => f.fingerprint)).toEqual(['aaaa1111']);
    expect(port.active().map((f) => f.fingerprint)).toEqual(['bbbb2222']);
  });
});
