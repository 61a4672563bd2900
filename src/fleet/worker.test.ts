// What holds across fleet workers because it lives in the PostgreSQL store: a slot is stored once however many
// workers poll it, and a circuit breaker opened by one worker's polls skips the host for every worker. Two watchers,
// each with its own connection pool, stand for two worker processes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSet } from '../core/contract.js';
import { isUpwatchError } from '../core/errors.js';
import { openAnyStore } from '../store/open.js';
import { createWatcher, type Watcher } from '../watcher.js';
import { httpJsonSource } from '../../test/helpers/contracts.js';
import { fixedClock } from '../../test/helpers/fixed-clock.js';
import { startJsonApiServer } from '../../test/helpers/json-api-server.js';
import type { LoopbackServer } from '../../test/helpers/loopback-server.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../../test/helpers/pg-test-db.js';
import { slotJobHandler, type SlotJobOutcome } from './worker.js';

const server = await testPg();
const schemas: string[] = [];
const watchers: Watcher[] = [];
const WIDE = { records: 'data', entity: 'account', time: 'date', next: 'next' };
let api: LoopbackServer;

beforeAll(async () => {
  api = await startJsonApiServer({ metrics: ['visits'] });
});
afterAll(async () => {
  for (const w of watchers) await w.close();
  await api.close();
  if (server.up) await dropSchemas(schemas);
});

function contracts(url: string): ContractSet {
  return { root: '.', files: [], sources: [httpJsonSource(url, WIDE, ['visits'])], features: [] };
}

/** Two watchers on one fresh schema, each with its own pool (as two worker processes have). */
async function twoWorkers(set: ContractSet): Promise<[Watcher, Watcher]> {
  const schema = freshSchemaName();
  schemas.push(schema);
  const url = `${TEST_PG_URL}?schema=${schema}`;
  const open = async () => {
    const w = createWatcher({
      db: url,
      store: await openAnyStore(url),
      contracts: set,
      secrets: () => undefined,
      clock: fixedClock(),
      http: { sleep: () => Promise.resolve() },
    });
    watchers.push(w);
    return w;
  };
  return [await open(), await open()];
}

describe.skipIf(!server.up)('fleet workers on one PostgreSQL store', () => {
  it('store one poll of a slot that two workers poll at once; the other writes nothing (SLOT_TAKEN)', async () => {
    const set = contracts(`${api.url}/v2/stats?since={since}&until={until}&account=acme`);
    const source = set.sources[0]!;
    const [a, b] = await twoWorkers(set);
    const slot = '2026-12-03T06:00:00.000Z';
    const results = await Promise.allSettled([a.cycle(source, { slot }), b.cycle(source, { slot })]);
    const stored = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(stored).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(isUpwatchError(refused[0], 'SLOT_TAKEN')).toBe(true);
    expect(await a.store.recentPolls(source.name, 10)).toHaveLength(1);
    expect(await b.store.slots.polledSlot(source.name)).toBe(slot);

    // A job for the slot again (a retry after the poll committed): done without a request or a poll.
    const outcomes: SlotJobOutcome[] = [];
    const before = api.requests.length;
    const handle = slotJobHandler({
      sources: set.sources,
      cycle: (s, at) => b.cycle(s, { slot: at }),
      polledSlot: (name) => b.store.slots.polledSlot(name),
      onDone: (_job, outcome) => outcomes.push(outcome),
    });
    await handle({ source: source.name, slot, id: 'j1', retryCount: 1 });
    // The next slot is polled; a job for a source this worker does not know is dropped, not retried.
    await handle({ source: source.name, slot: '2026-12-03T07:00:00.000Z', id: 'j2', retryCount: 0 });
    await handle({ source: 'gone', slot, id: 'j3', retryCount: 0 });
    expect(outcomes).toEqual(['already-polled', 'polled', 'unknown-source']);
    expect(api.requests.length - before).toBe(1);
    expect(await a.store.recentPolls(source.name, 10)).toHaveLength(2);
  });

  it("stores a slot's poll while another process holds the store's writer lock (only its findings wait for it)", async () => {
    const set = contracts(`${api.url}/v2/stats?since={since}&until={until}&account=acme`);
    const source = set.sources[0]!;
    const [a] = await twoWorkers(set);
    const schema = schemas.at(-1)!;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    try {
      // What a findings transaction of another worker holds (PgConnection's writer lock of the schema).
      await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [0x75707778, schema]);
      let settled = false;
      const cycle = a.cycle(source, { slot: '2026-12-03T06:00:00.000Z' }).finally(() => (settled = true));
      const stored = async () =>
        Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".polls`)).rows[0].n);
      while ((await stored()) === 0) await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      await admin.query('SELECT pg_advisory_unlock($1, hashtext($2))', [0x75707778, schema]);
      expect((await cycle).poll.outcome).toBe('ok');
      expect(await stored()).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('a breaker opened by one worker skips the host for the other worker', async () => {
    // Every request to this path fails with 500 (retried, then the metric is not verified: an unreachable poll).
    const set = contracts(`${api.url}/fault/always-500/v2/stats?since={since}&until={until}&account=acme`);
    const source = set.sources[0]!;
    const [a, b] = await twoWorkers(set);
    for (const hour of ['06', '07', '08'])
      expect((await a.cycle(source, { slot: `2026-12-03T${hour}:00:00.000Z` })).poll.outcome).toBe('failed');
    const before = api.requests.length;
    const next = await b.cycle(source, { slot: '2026-12-03T09:00:00.000Z' });
    expect(next.poll.errorCode).toBe('BREAKER_OPEN');
    expect(api.requests.length).toBe(before);
    expect((await b.store.breakers.get(`host:${new URL(api.url).host}`))?.state).toBe('open');
  });
});
