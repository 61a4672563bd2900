// What only a store on a server has to get right: concurrent relays, concurrent migrations, lost connections,
// read-only roles, versions and URLs. The shared behaviour is test/store-contract/.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UpwatchError } from '../../core/errors.js';
import type { RawObservation } from '../../core/observation.js';
import type { Store } from '../ports.js';
import {
  TEST_PG_URL,
  adminQuery,
  dropSchemas,
  freshSchemaName,
  testPg,
} from '../../../test/helpers/pg-test-db.js';
import { openPgStore, redactPgUrl } from './pg-store.js';
import { PG_MIGRATIONS } from './schema.js';

const server = await testPg();
const schemas: string[] = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
afterAll(() => (server.up ? dropSchemas(schemas) : undefined));

function schema(): string {
  const name = freshSchemaName();
  schemas.push(name);
  return name;
}

async function open(...args: Parameters<typeof openPgStore>): Promise<Store> {
  const s = await openPgStore(...args);
  opened.push(s);
  return s;
}

const T0 = Date.parse('2026-03-15T07:00:00.000Z');
const entry = (target: string) => ({
  at: '2026-03-15T07:00:00.000Z',
  actor: 'ana',
  action: 'state-changed',
  targetKind: 'feature' as const,
  target,
});

describe('redactPgUrl', () => {
  it.each([
    ['postgres://ana:s3cret@db:5432/upwatch', 'postgres://ana@db:5432/upwatch'],
    ['postgresql://ana@db/upwatch?sslmode=require', 'postgresql://ana@db/upwatch?sslmode=require'],
    ['postgres://db/upwatch?user=ana&password=s3cret', 'postgres://db/upwatch?user=ana'],
    ['not a url s3cret', '(an unparsable PostgreSQL URL)'],
  ])('%s → %s', (url, shown) => {
    expect(redactPgUrl(url)).toBe(shown);
  });
});

describe('openPgStore refuses bad arguments before connecting', () => {
  it('names a URL that is not PostgreSQL, and a schema name it cannot use', async () => {
    await expect(openPgStore('mysql://ana:s3cret@db/x')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.not.stringContaining('s3cret') as unknown,
    });
    await expect(openPgStore(TEST_PG_URL, { schema: 'Robert"; DROP' })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });

  it('says the server cannot be reached, retryable, without the password', async () => {
    const e = (await openPgStore('postgres://ana:s3cret@127.0.0.1:1/upwatch').catch(
      (x: unknown) => x,
    )) as UpwatchError;
    expect(e).toBeInstanceOf(UpwatchError);
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('postgres://ana@127.0.0.1:1/upwatch');
    expect(e.message).not.toContain('s3cret');
  });
});

describe.skipIf(!server.up)(`PostgreSQL store on ${TEST_PG_URL}`, () => {
  it('shows its URL without the password, and its schema', async () => {
    const u = new URL(TEST_PG_URL);
    u.password = 's3cret';
    const name = schema();
    const s = await open(u.toString(), { schema: name });
    expect(s.path).not.toContain('s3cret');
    expect(s.path).toContain(`(schema ${name})`);
  });

  it('migrates a new schema once when two processes open it at the same moment', async () => {
    const name = schema();
    const stores = await Promise.all([1, 2, 3].map(() => open(TEST_PG_URL, { schema: name })));
    const rows = await adminQuery<{ version: number }>(`SELECT version FROM "${name}".upwatch_migrations`);
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    for (const s of stores)
      expect(await s.health()).toMatchObject({ integrity: 'ok', schemaVersion: PG_MIGRATIONS.length });
  });

  it('runs the transactions of two processes on one schema one after the other (the writer lock), as SQLite does', async () => {
    const name = schema();
    const [a, b] = await Promise.all([
      open(TEST_PG_URL, { schema: name }),
      open(TEST_PG_URL, { schema: name }),
    ]);
    const events: string[] = [];
    const entry = (who: string) => ({
      at: '2026-03-15T07:00:00.000Z',
      actor: who,
      action: 'state-changed',
      targetKind: 'feature' as const,
      target: 'f1',
      reason: who,
    });
    const body = (s: Store, who: string) => async () => {
      events.push(`${who} begins`);
      // Read, wait, then write: two at once at READ COMMITTED would both read an empty log.
      const seen = (await s.audit.read()).length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await s.audit.write({ ...entry(who), details: { seen } });
      events.push(`${who} ends`);
    };
    await Promise.all([a.transaction(body(a, 'a')), b.transaction(body(b, 'b'))]);
    // One transaction ran whole before the other began.
    const first = events[0]!.split(' ')[0]!;
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} begins`, `${first} ends`, `${second} begins`, `${second} ends`]);
    const seen = (await a.audit.read()).map((e) => e.details?.['seen']);
    expect(seen.sort()).toEqual([0, 1]);
  });

  it('refuses a schema newer than this upwatch knows', async () => {
    const name = schema();
    await (await openPgStore(TEST_PG_URL, { schema: name })).close();
    await adminQuery(`INSERT INTO "${name}".upwatch_migrations (version, name) VALUES (99, 'future')`);
    await expect(openPgStore(TEST_PG_URL, { schema: name })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('schema version 99, newer than this upwatch knows') as unknown,
      hint: expect.stringContaining('upgrade upwatch') as unknown,
    });
  });

  it('opens read-only without creating anything, reads, and refuses to write', async () => {
    const name = schema();
    await expect(openPgStore(TEST_PG_URL, { schema: name, readonly: true })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('has no upwatch tables yet') as unknown,
    });
    expect(await adminQuery(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [name])).toEqual([]);
    const writer = await open(TEST_PG_URL, { schema: name });
    await writer.audit.write(entry('f1'));
    const reader = await open(TEST_PG_URL, { schema: name, readonly: true });
    expect((await reader.audit.read()).map((e) => e.target)).toEqual(['f1']);
    expect(await reader.health()).toMatchObject({ integrity: 'ok' });
    await expect(reader.audit.write(entry('f2'))).rejects.toThrow(/read-only transaction/);
  });

  it('serves a role granted only USAGE on the schema and SELECT on its tables, read-only', async () => {
    const name = schema();
    const writer = await open(TEST_PG_URL, { schema: name });
    await writer.audit.write(entry('f1'));
    const role = `${name}_reader`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    try {
      await adminQuery(`GRANT USAGE ON SCHEMA ${name} TO ${role}`);
      await adminQuery(`GRANT SELECT ON ALL TABLES IN SCHEMA ${name} TO ${role}`);
      const u = new URL(TEST_PG_URL);
      u.username = role;
      const reader = await openPgStore(u.toString(), { schema: name, readonly: true });
      try {
        expect((await reader.audit.read()).map((e) => e.target)).toEqual(['f1']);
        expect(await reader.health()).toMatchObject({
          integrity: 'ok',
          schemaVersion: PG_MIGRATIONS.length,
        });
        expect(await reader.stats.sourceStatuses(['meta'])).toHaveLength(1);
        await expect(reader.audit.write(entry('f2'))).rejects.toThrow(/read-only transaction/);
      } finally {
        await reader.close();
      }
    } finally {
      await adminQuery(`DROP OWNED BY ${role}`);
      await adminQuery(`DROP ROLE ${role}`);
    }
  });

  it('reports a missing table in health', async () => {
    const name = schema();
    const s = await open(TEST_PG_URL, { schema: name });
    await adminQuery(`DROP TABLE "${name}".breakers`);
    expect(await s.health()).toMatchObject({ integrity: `missing table breakers in schema ${name}` });
  });

  it('never lets two relays on two connection pools claim the same outbox row', async () => {
    const name = schema();
    const a = await open(TEST_PG_URL, { schema: name });
    const b = await open(TEST_PG_URL, { schema: name });
    const total = 120;
    for (let i = 0; i < total; i++) {
      await a.outbox.enqueue({
        dedupKey: `k${i}`,
        recipient: 'ana@example.com',
        kind: 'alert',
        messageId: `<m${i}@x>`,
        createdAt: new Date(T0).toISOString(),
        payload: { subject: 's', text: 't', html: 'h' },
      });
    }
    const claimed: number[] = [];
    const relay = async (store: Store, owner: string) => {
      for (;;) {
        const rows = await store.outbox.claimDue(owner, T0, 600_000, 3);
        if (rows.length === 0) return;
        claimed.push(...rows.map((r) => r.id));
      }
    };
    // Four relays per pool, all at once: each pool holds several connections claiming in parallel.
    await Promise.all([a, b].flatMap((s, i) => [0, 1, 2, 3].map((j) => relay(s, `relay-${i}-${j}`))));
    expect(claimed).toHaveLength(total);
    expect(new Set(claimed).size).toBe(total);
    const rows = await a.outbox.list();
    expect(rows.every((r) => r.status === 'sending' && r.attempts === 1)).toBe(true);
  });

  it('loses the connection mid-transaction: a clear error, nothing half written, and the store goes on', async () => {
    const name = schema();
    const app = `upwatch_test_${name.slice(-12)}`;
    const s = await open(TEST_PG_URL, { schema: name, applicationName: app });
    const e = (await s
      .transaction(async () => {
        await s.audit.write(entry('first'));
        await s.overrides.saveFeatureState({ feature: 'f1', state: 'ok', reasons: [], at: entry('x').at });
        const ended = await adminQuery(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
            WHERE application_name = $1 AND state = 'idle in transaction'`,
          [app],
        );
        expect(ended).toEqual([{ ok: true }]);
        await s.audit.write(entry('second'));
      })
      .catch((x: unknown) => x)) as UpwatchError;
    expect(e).toBeInstanceOf(UpwatchError);
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('lost the connection to the PostgreSQL store');
    expect(e.hint).toContain('was not written');
    expect(await s.audit.read()).toEqual([]);
    expect((await s.overrides.featureStates()).size).toBe(0);
    await s.transaction(() => s.audit.write(entry('after')));
    expect((await s.audit.read()).map((x) => x.target)).toEqual(['after']);
  });

  it('writes nothing of a large poll whose COPY fails half way, and the store goes on', async () => {
    const s = await open(TEST_PG_URL, { schema: schema() });
    const end = '2026-03-14T08:00:00.000Z';
    const rows = (n: number, value: number, bad?: number): RawObservation[] =>
      Array.from({ length: n }, (_, i) => ({
        source: 'meta',
        metric: 'm',
        // PostgreSQL text cannot hold a NUL character: that row fails the COPY after 1,800 good rows.
        entity: i === bad ? `e\u0000${i}` : `e${i}`,
        periodEnd: end,
        value,
        jsonType: 'int' as const,
      }));
    const poll = (observations: RawObservation[], minute: number) =>
      s.recordPoll({
        source: 'meta',
        startedAt: new Date(T0 + minute * 60_000).toISOString(),
        finishedAt: new Date(T0 + minute * 60_000).toISOString(),
        outcome: 'ok',
        fetch: { observations, requests: [], metricOutcomes: [{ metric: 'm', status: 'ok' }] },
      });
    await poll(rows(1500, 1), 0);
    await expect(poll(rows(2500, 2, 1800), 10)).rejects.toThrow(/0x00/);
    expect(await s.recentPolls('meta', 10)).toHaveLength(1);
    const h = await s.metricHistory('meta', 'm');
    expect(h.entities.size).toBe(1500);
    expect([...h.entities.values()].flat().every((p) => p.value === 1 && p.lastSeen === p.firstSeen)).toBe(
      true,
    );
    await poll(rows(2500, 3), 20);
    expect((await s.metricHistory('meta', 'm')).entities.get('e1499')![0]).toMatchObject({
      value: 3,
      firstValue: 1,
    });
  });

  it('keeps observations pointing at existing polls: a missing poll is refused, a poll in use cannot be deleted', async () => {
    const name = schema();
    const s = await open(TEST_PG_URL, { schema: name });
    const ok = await s.recordPoll({
      source: 'meta',
      startedAt: 't',
      finishedAt: 't',
      outcome: 'ok',
      fetch: {
        observations: [
          { source: 'meta', metric: 'm', entity: 'e', periodEnd: '2026-03-14', value: 1, jsonType: 'int' },
        ],
        requests: [],
        metricOutcomes: [],
      },
    });
    const unused = await s.recordPoll({
      source: 'meta',
      startedAt: 't',
      finishedAt: 't',
      outcome: 'failed',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    await expect(
      adminQuery(
        `INSERT INTO "${name}".observations (source, metric, entity, period_end, day, json_type, first_seen, last_seen,
            first_poll_id, last_poll_id) VALUES ('meta', 'm', 'x', 'p', 'd', 'int', 't', 't', $1, $2)`,
        [ok.id, ok.id + 1000],
      ),
    ).rejects.toThrow(`observations point at poll ${ok.id + 1000}, which does not exist`);
    await expect(
      adminQuery(`UPDATE "${name}".observations SET last_poll_id = $1`, [ok.id + 1000]),
    ).rejects.toThrow(/which does not exist/);
    await expect(adminQuery(`DELETE FROM "${name}".polls WHERE id = $1`, [ok.id])).rejects.toThrow(
      `poll ${ok.id} cannot be deleted: observations point at it`,
    );
    await expect(adminQuery(`UPDATE "${name}".polls SET id = 999 WHERE id = $1`, [ok.id])).rejects.toThrow(
      /cannot be deleted/,
    );
    await adminQuery(`DELETE FROM "${name}".polls WHERE id = $1`, [unused.id]);
    expect((await s.recentPolls('meta', 10)).map((p) => p.id)).toEqual([ok.id]);
  });
});
