// The storm path on loopback: 200 findings in one tick collapse per recipient under the hourly cap into one digest at
// the end of the hour; the next morning each recipient gets one reminder digest, also across a restart mid-send.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Finding } from '../../src/core/finding.js';
import { createMailRelay } from '../../src/alerts/setup.js';
import { deliverDue } from '../../src/alerts/deliver.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openStore, type Store } from '../../src/store/store.js';
import { contractSet, feature, finding } from '../helpers/gate-fixtures.js';
import { metaSource } from '../helpers/contracts.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const late = finding('late_metric', { source: 's07' });
const SOURCES = Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`);
const METRICS = Array.from({ length: 10 }, (_, j) => `m${j}`);
const ONCALL = 'oncall@example.com';
const contracts = contractSet(
  [],
  [feature('views_7d', ['s00/m0'], { owners: ['views-owner@example.com'] })],
  SOURCES.map((name, i) =>
    metaSource('http://127.0.0.1:1', METRICS, { name, owners: [`owner-${i}@example.com`] }),
  ),
);
const dir = mkdtempSync(join(tmpdir(), 'upwatch-digest-e2e-'));
const db = join(dir, 'upwatch.db');

let sink: SmtpSink | undefined;
afterAll(async () => {
  await sink?.close();
});

async function tick(store: Store, clock: ManualClock, extra: Finding[] = []): Promise<number> {
  let queued = 0;
  for (const source of SOURCES) {
    const at = clock.now().toISOString();
    await store.recordPoll({
      source,
      startedAt: at,
      finishedAt: at,
      outcome: 'ok',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    queued += (
      await processFindings({
        store,
        contracts,
        source,
        findings: [
          ...METRICS.map((m) => finding(m, { source })),
          ...extra.filter((f) => f.source === source),
        ],
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { recipients: [ONCALL], reminderIntervalHours: 24 }, // the daily digest, configured
      })
    ).queued;
  }
  return queued;
}

async function mailsTo(address: string) {
  return (await sink!.parsed()).filter((m) => sink!.received[0] && JSON.stringify(m.to).includes(address));
}

function fingerprints(text: string): Set<string> {
  return new Set([...text.matchAll(/fingerprint:? ([0-9a-f]{16})/g)].map((m) => m[1]!));
}

describe('hourly cap → digest, and the daily reminder digest, over SMTP on loopback', () => {
  it('200 findings in one tick: ≤10 immediate mails per recipient, the rest in one digest at the end of the hour; nothing lost', async () => {
    sink = await startSmtpSink();
    const clock = new ManualClock('2026-03-15T10:20:00Z');
    const store = openStore(db);
    await tick(store, clock);
    expect(await deliverDue({ store, smtpUrl: sink.url(), clock })).toMatchObject({ dead: 0 });
    // 20 sources → 20 alert mails due for the catch-all: 10 go now, 10 wait in the hour's digest
    expect((await mailsTo(ONCALL)).map((m) => m.subject)).toHaveLength(10);
    for (const [i] of SOURCES.entries()) expect(await mailsTo(`owner-${i}@example.com`)).toHaveLength(1);
    const waiting = await store.outbox.list(['pending']);
    expect(waiting.map((r) => [r.recipient, r.kind, new Date(r.nextAttemptAt).toISOString()])).toEqual([
      [ONCALL, 'digest', '2026-03-15T11:00:00.000Z'],
    ]);

    // a later poll in the same hour: its notice joins the waiting digest instead of a new mail
    clock.set('2026-03-15T10:40:00Z');
    await tick(store, clock, [late]);
    expect((await store.outbox.list(['pending'])).map((r) => [r.recipient, r.kind])).toEqual([
      [ONCALL, 'digest'],
      ['owner-7@example.com', 'alert'], // its second mail this hour: under the cap
    ]);
    await deliverDue({ store, smtpUrl: sink.url(), clock });
    expect(await mailsTo(ONCALL)).toHaveLength(10);
    expect(await mailsTo('owner-7@example.com')).toHaveLength(2);

    clock.set('2026-03-15T11:00:00Z');
    await deliverDue({ store, smtpUrl: sink.url(), clock });
    const oncall = await mailsTo(ONCALL);
    expect(oncall).toHaveLength(11);
    const digest = oncall.find((m) => m.subject?.startsWith('[upwatch] DIGEST'))!;
    expect(digest.subject).toBe('[upwatch] DIGEST: 101 findings held back by the hourly cap (101 block)');
    // s00–s09 went out at once; s10–s19 and the later s07 notice are in the digest
    expect(digest.text).toContain('== s19 (10 findings)');
    expect(digest.text).toContain('== s07 (1 finding)');
    expect(digest.text).toContain('late_metric rejected by Meta (#100)');
    // every finding reached the catch-all in some mail: 10 alerts × 10 findings + the digest's 101
    const seen = new Set(oncall.flatMap((m) => [...fingerprints(m.text ?? '')]));
    expect(seen.size).toBe(201);
    await store.close();
  });

  it('the next morning: one reminder digest per recipient, none twice across a restart mid-send', async () => {
    const clock = new ManualClock('2026-03-16T08:30:00Z');
    const before = sink!.received.length;
    let store = openStore(db);
    expect(await tick(store, clock, [late])).toBe(22); // oncall, views-owner and the 20 source owners
    // a relay sends 5 and dies; another had claimed one row and died before sending it
    const first = createMailRelay({ store, smtpUrl: sink!.url(), clock, relay: { batchSize: 5 } });
    expect(await first.relay.relayOnce(clock.now())).toMatchObject({ sent: 5 });
    await first.close();
    expect(
      await store.transaction(() => store.outbox.claimDue('dead-relay', clock.now().getTime(), 120_000, 1)),
    ).toHaveLength(1);
    await store.close();

    // restart: the daemon polls again (same day) and delivers what is left; the leased row waits for its lease
    clock.set('2026-03-16T08:31:00Z');
    store = openStore(db);
    expect(await tick(store, clock, [late])).toBe(0);
    await deliverDue({ store, smtpUrl: sink!.url(), clock });
    expect(sink!.received.length - before).toBe(21);
    clock.set('2026-03-16T08:34:00Z');
    await deliverDue({ store, smtpUrl: sink!.url(), clock });
    expect(sink!.received.length - before).toBe(22);

    const digests = (await sink!.parsed()).slice(before);
    const to = digests.map((m) => JSON.stringify(m.to));
    expect(new Set(to).size).toBe(22);
    expect(new Set(digests.map((m) => m.messageId)).size).toBe(22);
    const oncall = digests.find((m) => JSON.stringify(m.to).includes(ONCALL))!;
    expect(oncall.subject).toBe('[upwatch] REMINDER: daily digest 2026-03-16, 201 open findings (201 block)');
    expect(fingerprints(oncall.text ?? '').size).toBe(201);
    expect(oncall.text).toContain('upwatch ack ');
    expect(oncall.text).toContain('open 1 day (onset 2026-03-14) · features: views_7d (blocked)');
    const owner3 = digests.find((m) => JSON.stringify(m.to).includes('owner-3@example.com'))!;
    expect(owner3.subject).toBe('[upwatch] REMINDER: daily digest 2026-03-16, 10 open findings (10 block)');

    // later the same day: nothing more
    clock.set('2026-03-16T20:00:00Z');
    expect(await tick(store, clock, [late])).toBe(0);
    await store.close();
  });
});
