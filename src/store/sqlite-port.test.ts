import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore } from './store.js';

let store: SqliteStore | undefined;
afterEach(() => store?.close());

describe('the SQLite store through the async ports', () => {
  it('records a poll, reads it back, and writes repositories inside one transaction that rolls back whole', async () => {
    store = openStore(':memory:');
    const port = store;
    const poll = await port.recordPoll({
      source: 'meta',
      startedAt: '2026-03-15T07:00:00.000Z',
      finishedAt: '2026-03-15T07:00:01.000Z',
      outcome: 'ok',
      fetch: {
        observations: [
          {
            source: 'meta',
            metric: 'm',
            entity: 'p1',
            periodEnd: '2026-03-14T08:00:00.000Z',
            value: 5,
            jsonType: 'int',
          },
        ],
        requests: [],
        metricOutcomes: [{ metric: 'm', status: 'ok' }],
      },
    });
    expect((await port.lastPoll('meta'))?.id).toBe(poll.id);
    expect([...(await port.metricHistory('meta', 'm')).entities.keys()]).toEqual(['p1']);
    expect(await port.metricsLastVerified('meta')).toEqual(new Map([['m', '2026-03-15T07:00:01.000Z']]));

    const entry = {
      at: '2026-03-15T07:00:00.000Z',
      actor: 'ana',
      action: 'state-changed',
      targetKind: 'feature' as const,
      target: 'f1',
      reason: 'r',
    };
    await expect(
      port.transaction(async () => {
        await port.audit.write(entry);
        await port.overrides.saveFeatureState({ feature: 'f1', state: 'blocked', reasons: [], at: entry.at });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await port.audit.read()).toEqual([]);
    expect((await port.overrides.featureStates()).size).toBe(0);

    await port.transaction(() => port.audit.write(entry));
    expect(await port.audit.read()).toHaveLength(1);
    expect(await port.health()).toMatchObject({ integrity: 'ok' });
  });
});
