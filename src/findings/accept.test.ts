import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.js';
import { acceptFinding, type AcceptInput } from './accept.js';
import { finding } from '../../test/helpers/gate-fixtures.js';

let store: Store;
afterEach(() => store?.close());
const now = new Date('2026-04-20T09:00:00Z');

async function addScale(fingerprint: string, factor: number | null): Promise<void> {
  await store.findings.insert({
    ...finding('page_reach', {
      rule: 'panel-scale',
      class: 'scale',
      evidence: { factor },
      onset: '2026-03-14',
    }),
    fingerprint,
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-15T07:00:00.000Z',
    lastSeen: '2026-03-15T07:00:00.000Z',
    goodPollsSinceAbsent: 30,
    lifecycle: 'change',
  });
}

async function code(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const input = (extra: Partial<AcceptInput> = {}): AcceptInput => ({
  finding: 'abcd',
  as: 'rescaled-history',
  reason: 'history ÷1000 in the feature store',
  by: 'ana',
  now,
  ...extra,
});

describe('acceptFinding', () => {
  it('stores the decision with the finding’s factor, resolves it as decided and audits who, why and when', async () => {
    store = openStore(':memory:');
    await addScale('abcd111122223333', 0.001);
    const { finding: f, decision } = await acceptFinding(store, input());
    expect(f).toMatchObject({ status: 'resolved', resolution: 'decided', resolvedAt: now.toISOString() });
    expect(decision).toMatchObject({
      kind: 'rescaled-history',
      factor: 0.001,
      onset: '2026-03-14',
      by: 'ana',
    });
    expect(await store.findings.active()).toEqual([]);
    expect((await store.findings.list())[0]).toMatchObject({ status: 'resolved', resolution: 'decided' });
    expect(await store.decisions.for({ source: 'meta', metric: 'page_reach' })).toEqual([decision]);
    expect(await store.decisions.for({ source: 'meta', metric: 'other' })).toEqual([]);
    expect(await store.decisions.recent('2026-04-01T00:00:00.000Z')).toEqual([decision]);
    expect(await store.audit.read({ targetKind: 'finding' })).toMatchObject([
      {
        action: 'decided',
        actor: 'ana',
        at: now.toISOString(),
        reason: 'history ÷1000 in the feature store',
        details: { decision: 'rescaled-history', factor: 0.001, episode: 1 },
      },
    ]);
  });

  it('takes --factor over the finding’s own, and needs one to rescale a finding that names none', async () => {
    store = openStore(':memory:');
    await addScale('abcd111122223333', null);
    expect(await code(() => acceptFinding(store, input()))).toBe('USAGE');
    expect((await acceptFinding(store, input({ factor: 0.01 }))).decision.factor).toBe(0.01);
  });

  it.each<[string, Partial<AcceptInput>, string]>([
    ['an unknown decision', { as: 'ignored' }, 'USAGE'],
    ['an empty reason', { reason: '  ' }, 'USAGE'],
    ['a bad factor', { factor: -2 }, 'USAGE'],
    ['not a fingerprint', { finding: 'reach' }, 'USAGE'],
    ['no open match', { finding: 'ffff' }, 'NOT_FOUND'],
  ])('refuses %s', async (_name, extra, expected) => {
    store = openStore(':memory:');
    await addScale('abcd111122223333', 0.001);
    expect(await code(() => acceptFinding(store, input(extra)))).toBe(expected);
    expect(await store.findings.active()).toHaveLength(1);
  });

  it('an episode already decided needs no second decision', async () => {
    store = openStore(':memory:');
    await addScale('abcd111122223333', 0.001);
    await acceptFinding(store, input());
    expect(await code(() => acceptFinding(store, input({ as: 'new-definition' })))).toBe('NOT_FOUND');
  });
});
