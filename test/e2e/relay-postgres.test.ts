// Two relays as separate processes on one PostgreSQL store, both started on the same due outbox rows: each mail
// reaches the SMTP server once (rows are claimed with FOR UPDATE SKIP LOCKED), and every row ends sent.
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openAnyStore } from '../../src/store/open.js';
import { exitOf, spawnTsx } from '../helpers/cli.js';
import { contractSet, feature, finding } from '../helpers/gate-fixtures.js';
import { TEST_PG_URL, dropSchemas, freshSchemaName, testPg } from '../helpers/pg-test-db.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const server = await testPg();
const schemas: string[] = [];
afterAll(async () => {
  if (server.up) await dropSchemas(schemas);
});

const METRICS = Array.from({ length: 8 }, (_, i) => `page_metric_${i}`);
const contracts = contractSet(
  METRICS,
  METRICS.map((m, i) => feature(`feature_${i}`, [`meta/${m}`])),
);

describe.skipIf(!server.up)('two relays on one PostgreSQL store', () => {
  it('send each mail once between them', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const url = `${TEST_PG_URL}?schema=${schema}`;
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const store = await openAnyStore(url);
    const sink = await startSmtpSink();
    try {
      const at = clock.now().toISOString();
      await store.recordPoll({
        source: 'meta',
        startedAt: at,
        finishedAt: at,
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      await processFindings({
        store,
        contracts,
        source: 'meta',
        findings: METRICS.map((m) =>
          finding(m, { rule: 'frozen-run', class: 'frozen', title: `${m} frozen` }),
        ),
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { recipients: ['oncall@example.com'], messageIdHost: 'upwatch.test' },
      });
      const rows = await store.outbox.list();
      expect(rows.length).toBeGreaterThan(4);

      const relays = [0, 1].map(() =>
        spawnTsx('test/helpers/relay-child.ts', [url, sink.url(), clock.now().toISOString()]),
      );
      const outputs = relays.map((r) => {
        let out = '';
        r.stdout?.on('data', (b: Buffer) => (out += b.toString()));
        return () => out;
      });
      expect((await Promise.all(relays.map((r) => exitOf(r)))).map((e) => e.code)).toEqual([0, 0]);
      for (const out of outputs) expect(out()).toMatch(/^\{.*\}\n$/);

      const mails = await Promise.all(sink.received.map((m) => simpleParser(m.raw)));
      const ids = mails.map((m) => m.messageId).sort();
      expect(ids).toEqual(rows.map((r) => r.messageId).sort());
      expect(new Set(ids).size).toBe(rows.length);
      expect((await store.outbox.list()).map((r) => r.status)).toEqual(rows.map(() => 'sent'));
    } finally {
      await store.close();
      await sink.close();
    }
  }, 60_000);
});
