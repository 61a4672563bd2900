import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store.js';
import type { FindingRecord } from '../core/finding-record.js';

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
  it('round-trips a finding, updates it, and finds it by unique prefix', async () => {
    store = openStore(':memory:');
    const a = await store.findings.insert(rec('abcdef0011223344'));
    await store.findings.insert(rec('abcfff0011223344'));
    expect((await store.findings.active('meta')).map((f) => f.fingerprint)).toEqual([
      'abcdef0011223344',
      'abcfff0011223344',
    ]);
    await store.findings.update({
      ...a,
      status: 'acknowledged',
      ack: { reason: 'r', by: 'ana', at: 'now', until: '2026-04-01T00:00:00.000Z' },
    });
    expect((await store.findings.active())[0]!.ack).toEqual({
      reason: 'r',
      by: 'ana',
      at: 'now',
      until: '2026-04-01T00:00:00.000Z',
    });
    expect(await store.findings.byPrefix('ABC')).toHaveLength(2);
    expect((await store.findings.byPrefix('abcd')).map((f) => f.id)).toEqual([a.id]);
    expect(await store.findings.byPrefix('%')).toHaveLength(0);
    expect(await store.findings.lastEpisode('abcdef0011223344')).toBe(1);
    expect(await store.findings.lastEpisode('none')).toBe(0);
  });

  it('keeps one row per (fingerprint, episode)', async () => {
    store = openStore(':memory:');
    await store.findings.insert(rec('f1'));
    await expect(store.findings.insert(rec('f1'))).rejects.toThrow(/UNIQUE/);
    await store.findings.insert(rec('f1', 2));
    expect((await store.findings.byPrefix('f1'))[0]!.episode).toBe(2);
  });
});

describe('outbox repository', () => {
  const payload = { subject: 's', text: 't', html: '<p>h</p>' };

  it('ignores a duplicate dedup key and leases each due row to one owner', async () => {
    store = openStore(':memory:');
    const now = Date.parse('2026-03-14T07:00:00.000Z');
    const at = new Date(now).toISOString();
    const id = await store.outbox.enqueue({
      dedupKey: 'k1',
      recipient: 'a@x',
      kind: 'alert',
      messageId: '<m1@h>',
      createdAt: at,
      payload,
    });
    expect(id).toBeDefined();
    expect(
      await store.outbox.enqueue({
        dedupKey: 'k1',
        recipient: 'a@x',
        kind: 'alert',
        messageId: '<m2@h>',
        createdAt: at,
        payload,
      }),
    ).toBeUndefined();
    await store.outbox.logNotification({
      at,
      recipient: 'a@x',
      fingerprint: 'f',
      episode: 1,
      kind: 'alert',
      outboxId: id!,
    });

    const first = await store.outbox.claimDue('r1', now, 60_000, 10);
    expect(first.map((r) => r.messageId)).toEqual(['<m1@h>']);
    expect(await store.outbox.claimDue('r2', now + 1000, 60_000, 10)).toEqual([]);
    // the lease expires: another relay may take it over, and the first can no longer mark it
    const again = await store.outbox.claimDue('r2', now + 61_000, 60_000, 10);
    expect(again.map((r) => [r.messageId, r.attempts])).toEqual([['<m1@h>', 2]]);
    expect(await store.outbox.markSent(id!, 'r1', at)).toBe(false);
    expect(await store.outbox.markRetry(id!, 'r2', now + 200_000, 'ESOCKET')).toBe(true);
    expect(await store.outbox.claimDue('r2', now + 100_000, 60_000, 10)).toEqual([]);
    expect(await store.outbox.claimDue('r2', now + 200_000, 60_000, 10)).toHaveLength(1);
    expect(await store.outbox.markSent(id!, 'r2', at)).toBe(true);
    expect(await store.outbox.list(['sent'])).toHaveLength(1);
    expect((await store.outbox.notificationsOf('f', 1))[0]).toMatchObject({
      status: 'sent',
      messageId: '<m1@h>',
    });
  });
});

describe('audit, overrides and feature states', () => {
  it('records entries and keeps only unexpired, unrevoked overrides active', async () => {
    store = openStore(':memory:');
    await store.audit.write({
      at: 't',
      actor: 'ana',
      action: 'acknowledged',
      targetKind: 'finding',
      target: 'f',
      reason: 'why',
      details: { episode: 1 },
    });
    expect(await store.audit.read({ target: 'f' })).toMatchObject([
      { actor: 'ana', reason: 'why', details: { episode: 1 } },
    ]);
    await store.overrides.add({
      feature: 'x',
      action: 'allow',
      reason: 'r',
      by: 'ana',
      at: '2026-03-01T00:00:00.000Z',
      until: '2026-03-10T00:00:00.000Z',
    });
    expect((await store.overrides.active(new Date('2026-03-09T23:00:00Z'))).get('x')?.action).toBe('allow');
    expect((await store.overrides.active(new Date('2026-03-10T00:00:00Z'))).size).toBe(0);
    await store.overrides.saveFeatureState({ feature: 'x', state: 'ok', reasons: [], at: 't1' });
    await store.overrides.saveFeatureState({ feature: 'x', state: 'ok', reasons: [], at: 't2' });
    expect((await store.overrides.featureStates()).get('x')).toMatchObject({
      changedAt: 't1',
      updatedAt: 't2',
    });
    await store.overrides.saveFeatureState({ feature: 'x', state: 'blocked', reasons: [], at: 't3' });
    expect((await store.overrides.featureStates()).get('x')).toMatchObject({
      state: 'blocked',
      changedAt: 't3',
    });
  });
});

describe('store.findings (the findings port)', () => {
  it('is one object per store and reads back what it writes', async () => {
    store = openStore(':memory:');
    const port = store.findings;
    expect(store.findings).toBe(port);
    const a = await store.transaction(() => port.insert(rec('aaaa1111')));
    await port.insert({ ...rec('bbbb2222'), source: 'partner' });
    expect((await port.active()).map((f) => f.fingerprint)).toEqual(['aaaa1111', 'bbbb2222']);
    expect((await port.active('partner')).map((f) => f.fingerprint)).toEqual(['bbbb2222']);
    expect((await port.byPrefix('AAAA')).map((f) => f.fingerprint)).toEqual(['aaaa1111']);
    expect(await port.byId(a.id)).toEqual(a);
    expect(await port.episode('aaaa1111', 1)).toEqual(a);
    await port.update({ ...a, status: 'resolved', resolvedAt: '2026-03-16T07:00:00.000Z' });
    expect((await port.lastResolvedEpisode('aaaa1111'))?.resolvedAt).toBe('2026-03-16T07:00:00.000Z');
    expect(await port.lastEpisode('aaaa1111')).toBe(1);
    expect((await port.list({ status: ['resolved'] })).map((f) => f.fingerprint)).toEqual(['aaaa1111']);
    expect((await port.active()).map((f) => f.fingerprint)).toEqual(['bbbb2222']);
  });
});
