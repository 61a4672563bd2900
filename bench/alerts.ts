// Alerts and gate benchmark: an alert storm through processFindings, the gate query, and relay throughput to loopback SMTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/core/clock.js';
import { processFindings } from '../src/pipeline/process-findings.js';
import { checkGate } from '../src/gate/check-gate.js';
import { createMailRelay } from '../src/alerts/setup.js';
import { openStore } from '../src/store/store.js';
import { contractSet, feature, finding } from '../test/helpers/gate-fixtures.js';
import { startSmtpSink } from '../test/helpers/smtp-sink.js';

/** Run the alerts benchmark on a SQLite file (WAL, synchronous=FULL) and print a Markdown table. */
export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-alerts-'));
  const store = openStore(join(dir, 'bench.db'));
  const clock = new ManualClock('2026-03-15T07:00:00Z');
  const metrics = ['m0', 'm1', 'm2', 'm3', 'm4'];
  const contracts = contractSet(
    metrics,
    Array.from({ length: 200 }, (_, i) => feature(`f${i}`, [`meta/m${i % 5}`])),
  );
  await store.recordPoll({
    source: 'meta',
    startedAt: clock.now().toISOString(),
    finishedAt: clock.now().toISOString(),
    outcome: 'ok',
    fetch: { observations: [], requests: [], metricOutcomes: [] },
  });
  const storm = Array.from({ length: 500 }, (_, i) =>
    finding(`m${i % 5}`, { subject: `s${i}`, class: 'schema' }),
  );
  const rows: string[] = [];
  let t = performance.now();
  const first = await processFindings({
    store,
    contracts,
    source: 'meta',
    findings: storm,
    pollOutcome: 'ok',
    now: clock.now(),
  });
  rows.push(
    `| processFindings: 500 new findings, 200 features | ${(performance.now() - t).toFixed(0)} ms | ${first.queued} mails queued |`,
  );
  clock.advanceMs(3_600_000);
  t = performance.now();
  await processFindings({
    store,
    contracts,
    source: 'meta',
    findings: storm,
    pollOutcome: 'ok',
    now: clock.now(),
  });
  rows.push(
    `| processFindings: the same 500 findings seen again | ${(performance.now() - t).toFixed(0)} ms | 0 mails |`,
  );
  t = performance.now();
  for (let i = 0; i < 100; i++) await checkGate({ store, contracts, features: ['f1'], now: clock.now() });
  rows.push(
    `| checkGate: one feature, 500 open findings | ${((performance.now() - t) / 100).toFixed(2)} ms | — |`,
  );

  const sink = await startSmtpSink();
  const mail = createMailRelay({ store, smtpUrl: sink.url(), clock, relay: { batchSize: 50 } });
  t = performance.now();
  let sent = 0;
  for (;;) {
    const r = await mail.relay.relayOnce(clock.now());
    sent += r.sent;
    if (r.claimed === 0) break;
  }
  const dt = performance.now() - t;
  rows.push(
    `| relay: storm mails to loopback smtp-server (pooled, sequential) | ${dt.toFixed(0)} ms | ${sent} mails, ${(sent / (dt / 1000)).toFixed(0)}/s |`,
  );
  await mail.close();
  await sink.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const md = ['| case | time | result |', '|---|---|---|', ...rows].join('\n');
  console.log(md);
  return md;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
