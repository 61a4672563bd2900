import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.js';
import { acknowledgeFinding } from './acknowledge.js';
import { parseUntil } from './until.js';
import { overrideFeature } from '../gate/override.js';
import type { FindingRecord } from '../core/finding-record.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';

let store: Store;
afterEach(() => store?.close());
const now = new Date('2026-03-15T07:00:00Z');

async function add(fingerprint: string, status: FindingRecord['status'] = 'open'): Promise<void> {
  await store.findings.insert({
    ...finding('m1'),
    fingerprint,
    episode: 1,
    status,
    firstSeen: 't',
    lastSeen: 't',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
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

describe('acknowledgeFinding', () => {
  it('acknowledges the unique open match, with who, why and until, audited', async () => {
    store = openStore(':memory:');
    await add('abcd111122223333');
    await add('abce111122223333');
    await add('ffff000011112222', 'resolved');
    const f = await acknowledgeFinding(store, {
      finding: 'ABCD',
      reason: ' migrating ',
      by: 'ana',
      until: '2026-04-01T00:00:00.000Z',
      now,
    });
    expect(f).toMatchObject({
      status: 'acknowledged',
      ack: { reason: 'migrating', by: 'ana', until: '2026-04-01T00:00:00.000Z' },
    });
    expect((await store.findings.byPrefix('abcd'))[0]!.status).toBe('acknowledged');
    expect(await store.audit.read()).toMatchObject([
      { actor: 'ana', action: 'acknowledged', target: 'abcd111122223333', reason: 'migrating' },
    ]);
  });

  it.each([
    ['abc', 'USAGE'], // too short
    ['zzzz', 'USAGE'], // not hex
    ['abc1', 'NOT_FOUND'],
    ['ffff', 'NOT_FOUND'], // resolved
  ])('%s → %s', async (prefix, expected) => {
    store = openStore(':memory:');
    await add('abcd111122223333');
    await add('ffff000011112222', 'resolved');
    expect(await code(() => acknowledgeFinding(store, { finding: prefix, reason: 'r', by: 'a', now }))).toBe(
      expected,
    );
  });

  it('refuses an ambiguous prefix and an empty reason', async () => {
    store = openStore(':memory:');
    await add('abcd111122223333');
    await add('abcd999922223333');
    expect(await code(() => acknowledgeFinding(store, { finding: 'abcd', reason: 'r', by: 'a', now }))).toBe(
      'USAGE',
    );
    expect(
      await code(() => acknowledgeFinding(store, { finding: 'abcd1', reason: '  ', by: 'a', now })),
    ).toBe('USAGE');
  });
});

describe('parseUntil', () => {
  it.each([
    ['2026-04-01', '2026-04-02T00:00:00.000Z'],
    ['2026-03-15T12:00:00Z', '2026-03-15T12:00:00.000Z'],
    ['12h', '2026-03-15T19:00:00.000Z'],
    ['7d', '2026-03-22T07:00:00.000Z'],
    ['2w', '2026-03-29T07:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseUntil(text, now)).toBe(iso);
  });

  it.each(['yesterday', '2026-03-14', '2026-03-15T06:00:00Z', '0d', '2026-13-45'])(
    'rejects %s',
    async (text) => {
      expect(await code(() => parseUntil(text, now))).toBe('USAGE');
    },
  );
});

describe('overrideFeature', () => {
  it('refuses unknown features, empty reasons and past expiries; a new override replaces the old one', async () => {
    store = openStore(':memory:');
    const contracts = contractSet(['m1'], [feature('f1', ['meta/m1'])]);
    const o = { action: 'allow' as const, reason: 'r', by: 'ana', until: '2026-03-16T00:00:00.000Z', now };
    expect(await code(() => overrideFeature(store, contracts, { ...o, feature: 'nope' }))).toBe('NOT_FOUND');
    expect(await code(() => overrideFeature(store, contracts, { ...o, feature: 'f1', reason: ' ' }))).toBe(
      'USAGE',
    );
    expect(
      await code(() =>
        overrideFeature(store, contracts, { ...o, feature: 'f1', until: '2026-03-01T00:00:00.000Z' }),
      ),
    ).toBe('USAGE');
    await overrideFeature(store, contracts, { ...o, feature: 'f1' });
    const { gate } = await overrideFeature(store, contracts, {
      ...o,
      feature: 'f1',
      action: 'block',
      by: 'bo',
    });
    expect(gate).toMatchObject({ state: 'blocked', override: { action: 'block', by: 'bo' } });
    expect((await store.audit.read({ targetKind: 'override' })).map((a) => [a.actor, a.action])).toEqual([
      ['ana', 'override-allow'],
      ['bo', 'override-block'],
    ]);
  });
});
