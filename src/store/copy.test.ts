import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../../test/helpers/pg-test-db.js';
import { copyStore } from './copy.js';
import { openPgStore } from './pg/pg-store.js';
import type { Store } from './ports.js';
import { openStore } from './store.js';

const server = await testPg();
const schemas: string[] = [];
afterAll(() => (server.up ? dropSchemas(schemas) : undefined));

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-15T07:00:00.000Z') + minutes * 60_000).toISOString();

/** A SQLite store with rows in every table. */
async function filledSqlite(path: string): Promise<void> {
  const sqlite = openStore(path);
  const s = sqlite;
  for (let i = 0; i < 5; i++) {
    await s.recordPoll({
      source: 'meta',
      startedAt: at(i * 60),
      finishedAt: at(i * 60 + 1),
      outcome: i === 3 ? 'failed' : 'ok',
      fetch: {
        observations:
          i === 3
            ? []
            : ['p1', 'p2', 'p3'].map((entity, k) => ({
                source: 'meta',
                metric: 'm',
                entity,
                periodEnd: `2026-03-1${i}T07:00:00.000Z`,
                value: i * 10 + k + 0.5,
                jsonType: 'float' as const,
                ...(k === 2 ? { breakdown: { like: 1, love: 2 } } : {}),
              })),
        requests: [
          {
            method: 'GET',
            url: 'u',
            status: i === 3 ? 503 : 200,
            latencyMs: 2.5,
            attempts: 1,
            headers: { h: 'v' },
          },
        ],
        metricOutcomes: [
          {
            metric: 'm',
            status: i === 3 ? 'error' : 'ok',
            ...(i === 3
              ? { error: { code: 'HTTP_STATUS', message: '503', status: 503, retryable: true } }
              : {}),
          },
        ],
        servedVersion: i < 2 ? 'v23.0' : 'v24.0',
      },
    });
  }
  const f = await s.findings.insert({
    fingerprint: 'abcd000011112222',
    episode: 1,
    rule: 'unit-scale',
    class: 'scale',
    severity: 'block',
    source: 'meta',
    metric: 'm',
    entities: ['p1'],
    onset: '2026-03-12',
    evidence: { factor: 1000 },
    explanation: 'x1000',
    status: 'open',
    detectedAt: at(0),
    firstSeen: at(0),
    lastSeen: at(0),
    goodPollsSinceAbsent: 0,
    lifecycle: 'change',
  });
  const a = (await s.outbox.enqueue({
    dedupKey: 'a',
    recipient: 'ana@example.com',
    kind: 'alert',
    messageId: '<a@x>',
    createdAt: at(0),
    payload: { subject: 'é ✓ "q"', text: 't\nline', html: '<b>h</b>' },
  }))!;
  await s.outbox.enqueue({
    dedupKey: 'r',
    recipient: 'ana@example.com',
    kind: 'resolved',
    messageId: '<r@x>',
    createdAt: at(1),
    afterId: a,
    payload: { subject: 's', text: 't', html: 'h' },
  });
  await s.outbox.logNotification({
    at: at(0),
    recipient: 'ana@example.com',
    fingerprint: f.fingerprint,
    episode: 1,
    kind: 'alert',
    outboxId: a,
  });
  await s.audit.write({
    at: at(0),
    actor: 'ana',
    action: 'acknowledged',
    targetKind: 'finding',
    target: f.fingerprint,
    details: { episode: 1 },
  });
  await s.overrides.add({
    feature: 'f1',
    action: 'allow',
    reason: 'r',
    by: 'ana',
    at: at(0),
    until: at(600),
  });
  await s.overrides.saveFeatureState({ feature: 'f1', state: 'blocked', reasons: [], at: at(0) });
  await s.decisions.insert({
    fingerprint: f.fingerprint,
    episode: 1,
    source: 'meta',
    metric: 'm',
    rule: 'unit-scale',
    kind: 'rescaled-history',
    factor: 0.001,
    onset: '2026-03-12',
    reason: 'r',
    by: 'ana',
    at: at(2),
  });
  await s.regimes.record('meta', 'm', '2026-03-12', 'unit-scale', at(2));
  await s.docs.save({
    source: 'meta',
    doc: 'changelog',
    hash: 'h1',
    normalized: 'text',
    fetchedAt: at(0),
    etag: '"e"',
  });
  await s.pauses.pause('tok:1', at(30), 'throttled', new Date(at(0)));
  await s.breakers.save({
    key: 'host:x',
    state: 'open',
    failures: 3,
    kind: 'timeout',
    probesFailed: 0,
    nextProbeAt: at(10),
    updatedAt: at(0),
  });
  await s.slots.recordSlot('meta', at(240), new Date(at(240)));
  await sqlite.close();
}

/** Everything the ports read back, to compare two stores. */
async function readAll(s: Store) {
  return {
    polls: await s.recentPolls('meta', 100),
    history: await s.metricHistory('meta', 'm'),
    verified: await s.metricsLastVerified('meta'),
    findings: await s.findings.list(),
    outbox: await s.outbox.list(),
    log: await s.outbox.notificationsOf('abcd000011112222', 1),
    audit: await s.audit.read(),
    overrides: await s.overrides.of('f1'),
    states: await s.overrides.featureStates(),
    decisions: await s.decisions.recent(at(0)),
    regimes: await s.regimes.history('meta', 'm'),
    docs: await s.docs.docsOf('meta'),
    pauses: await s.pauses.list(),
    breakers: await s.breakers.notClosed(),
    slot: await s.slots.polledSlot('meta'),
    pollCounts: await s.stats.pollCounts(),
    requestCounts: await s.stats.requestCounts(),
    statuses: await s.stats.sourceStatuses(),
    versions: await s.stats.servedVersions('meta'),
  };
}

describe.skipIf(!server.up)('copyStore (SQLite → PostgreSQL)', () => {
  it('copies every table with its ids so that every port reads the same, and new ids follow the copied ones', async () => {
    const file = join(tempDir('upwatch-copy-'), 'upwatch.db');
    await filledSqlite(file);
    const schema = freshSchemaName();
    schemas.push(schema);
    const progress: string[] = [];
    const report = await copyStore(file, TEST_PG_URL, {
      schema,
      batchRows: 4,
      onProgress: (t, n) => progress.push(`${t}:${n}`),
    });
    expect(report.tables.find((t) => t.table === 'observations')).toEqual({
      table: 'observations',
      rows: 12,
    });
    expect(report.tables.find((t) => t.table === 'polls')).toEqual({ table: 'polls', rows: 5 });
    expect(report.tables.every((t) => t.rows > 0)).toBe(true);
    expect(progress).toContain('observations:8');

    const sqlite = openStore(file, { readonly: true });
    const pg = await openPgStore(TEST_PG_URL, { schema });
    try {
      expect(await readAll(pg)).toEqual(await readAll(sqlite));
      const next = await pg.outbox.enqueue({
        dedupKey: 'n',
        recipient: 'ana@example.com',
        kind: 'alert',
        messageId: '<n@x>',
        createdAt: at(5),
        payload: { subject: 's', text: 't', html: 'h' },
      });
      expect(next).toBe(3);
    } finally {
      await sqlite.close();
      await pg.close();
    }
  });

  it('refuses a target that holds rows, and empties it first with force', async () => {
    const file = join(tempDir('upwatch-copy-'), 'upwatch.db');
    await filledSqlite(file);
    const schema = freshSchemaName();
    schemas.push(schema);
    await copyStore(file, TEST_PG_URL, { schema });
    await expect(copyStore(file, TEST_PG_URL, { schema })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('is not empty (polls: 5 rows') as unknown,
      hint: expect.stringContaining('--force') as unknown,
    });
    const again = await copyStore(file, TEST_PG_URL, { schema, force: true });
    expect(again.tables.find((t) => t.table === 'polls')?.rows).toBe(5);
    const pg = await openPgStore(TEST_PG_URL, { schema });
    try {
      expect(await pg.stats.pollCounts()).toEqual([
        { source: 'meta', outcome: 'failed', polls: 1 },
        { source: 'meta', outcome: 'ok', polls: 4 },
      ]);
    } finally {
      await pg.close();
    }
  });
});
