// A relay killed mid-send (SIGKILL) leaves rows `sending`: the next relay sends those alerts before their resolved notices.
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Finding } from '../../src/core/finding.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openStore, type Store } from '../../src/store/store.js';
import { exitOf, spawnTsx } from '../helpers/cli.js';
import { contractSet, feature, finding } from '../helpers/gate-fixtures.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-relay-kill-');
const contracts = contractSet(
  ['page_fans', 'page_media_view'],
  [feature('fans_growth', ['meta/page_fans']), feature('reach_28d', ['meta/page_media_view'])],
);

let sink: SmtpSink | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await sink?.close();
  store = sink = undefined;
});

/** A condition (a freeze), which resolves by absence: a change such as #100 would hold until someone decides. */
const frozen = (metric: string) =>
  finding(metric, { rule: 'frozen-run', class: 'frozen', title: `${metric} frozen` });

async function poll(s: Store, findings: Finding[], clock: ManualClock) {
  const at = clock.now().toISOString();
  await s.recordPoll({
    source: 'meta',
    startedAt: at,
    finishedAt: at,
    outcome: 'ok',
    fetch: { observations: [], requests: [], metricOutcomes: [] },
  });
  return processFindings({
    store: s,
    contracts,
    source: 'meta',
    findings,
    pollOutcome: 'ok',
    now: clock.now(),
    defaults: { recipients: ['oncall@example.com'], resolveAfterGoodPolls: 1, messageIdHost: 'upwatch.test' },
  });
}

describe('a relay killed mid-send', () => {
  it('leaves its rows sending; the next relay sends each alert once, before the resolved notice threaded under it', async () => {
    sink = await startSmtpSink();
    const db = join(dir, 'kill.db');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(db);
    // two findings, three recipients each way: oncall, the source owner, and each feature's owner
    const opened = await poll(store, [frozen('page_fans'), frozen('page_media_view')], clock);
    expect(opened.opened).toHaveLength(2);
    const alerts = await store.outbox.list();
    expect(alerts.map((r) => r.kind)).toEqual(['alert', 'alert', 'alert', 'alert']);

    // the relay takes every due row, then hangs in DATA (the server never answers 250) and is killed there
    sink.setHoldData(true);
    const child = spawnTsx('test/helpers/relay-child.ts', [db, sink.url(), clock.now().toISOString()]);
    await sink.waitForHeld(1);
    child.kill('SIGKILL');
    expect((await exitOf(child)).signal).toBe('SIGKILL');
    sink.setHoldData(false);
    expect((await store.outbox.list()).map((r) => r.status)).toEqual([
      'sending',
      'sending',
      'sending',
      'sending',
    ]);

    // a minute later (the dead relay's lease still holds) the findings resolve, and a relay runs
    clock.advanceMs(60_000);
    const resolved = await poll(store, [], clock);
    expect(resolved.resolved).toHaveLength(2);
    await deliverDue({ store, smtpUrl: sink.url(), clock });
    expect(sink.received).toHaveLength(0);

    // once the lease has expired, the alerts go first and each resolved notice follows its own alert
    clock.advanceMs(120_000);
    await deliverDue({ store, smtpUrl: sink.url(), clock });
    const mails = await Promise.all(sink.received.map((m) => simpleParser(m.raw)));
    const recipients = [...new Set(alerts.map((a) => a.recipient))];
    for (const r of recipients) {
      const mine = mails.filter((m) => sink!.received[mails.indexOf(m)]!.to.includes(r));
      const alert = alerts.find((a) => a.recipient === r)!;
      expect(mine.map((m) => m.subject?.split(' ')[1])).toEqual(['BLOCKED', 'RESOLVED:']);
      expect(mine[0]!.messageId).toBe(alert.messageId);
      expect(mine[1]!.inReplyTo).toBe(alert.messageId);
    }
    expect((await store.outbox.list()).every((r) => r.status === 'sent')).toBe(true);
  }, 30_000);
});
