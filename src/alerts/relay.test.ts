import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { ManualClock } from '../core/clock.js';
import type { RawObservation } from '../core/observation.js';
import type { Finding } from '../core/finding.js';
import { openStore, type SqliteStore } from '../store/store.js';
import { processFindings, type ProcessDefaults } from '../pipeline/process-findings.js';
import { createEmailTransport, parseSmtpUrl } from './email.js';
import { createRelay, type Relay } from './relay.js';
import { deliverDue } from './deliver.js';
import type { MailTransport } from './transport.js';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtp-sink.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';

const CANARY_SMTP = 'canary-smtp-pass-9f2e';
const CANARY_TOKEN = 'canary-token-77ab31';
const CANARY_PLAIN = 'canary-plain-5521c';

const contracts = contractSet(
  ['page_post_engagements', 'page_media_view', 'page_fans'],
  [
    feature('engagement_rate_7d', ['meta/page_post_engagements', 'meta/page_media_view']),
    feature('reach_28d', ['meta/page_media_view']),
    feature('fans_growth', ['meta/page_fans']),
  ],
);
const defaults: ProcessDefaults = {
  recipients: ['oncall@example.com'],
  secrets: [CANARY_PLAIN],
  messageIdHost: 'upwatch.test',
  // These tests follow one mail per episode and the digest day by day: no hysteresis, daily reminders.
  quietReopenDays: 0,
  reminderIntervalHours: 24,
};

let store: SqliteStore | undefined;
let sink: SmtpSink | undefined;
let transport: MailTransport | undefined;
let relay: Relay | undefined;
afterEach(async () => {
  await relay?.stop();
  transport?.close();
  await sink?.close();
  await store?.close();
  store = sink = transport = relay = undefined;
});

async function history(
  s: SqliteStore,
  metric: string,
  fromDay: number,
  toDay: number,
  value: (d: number) => number,
): Promise<void> {
  const observations: RawObservation[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const day = new Date(Date.UTC(2026, 1, d)).toISOString().slice(0, 10);
    observations.push({
      source: 'meta',
      metric,
      entity: '111',
      periodEnd: `${day}T08:00:00.000Z`,
      day,
      value: value(d),
      jsonType: 'int',
    });
  }
  await s.recordPoll({
    source: 'meta',
    startedAt: '2026-03-15T06:59:00.000Z',
    finishedAt: '2026-03-15T07:00:00.000Z',
    outcome: 'ok',
    fetch: { observations, requests: [], metricOutcomes: [] },
  });
}

async function setup(
  clock: ManualClock,
  options: { port?: number; random?: () => number } = {},
): Promise<{ s: SqliteStore; k: SmtpSink; r: Relay }> {
  store = openStore(':memory:');
  sink = await startSmtpSink(options.port ?? 0);
  const settings = parseSmtpUrl(sink.url({ user: 'alerts', pass: CANARY_SMTP }));
  transport = createEmailTransport(settings, {
    connectionTimeoutMs: 2000,
    greetingTimeoutMs: 2000,
    socketTimeoutMs: 5000,
  });
  relay = createRelay({ store, transport, from: settings.from, clock, random: options.random ?? (() => 1) });
  return { s: store, k: sink, r: relay };
}

async function poll(
  s: SqliteStore,
  findings: Finding[],
  clock: ManualClock,
  outcome: 'ok' | 'failed' = 'ok',
) {
  await s.recordPoll({
    source: 'meta',
    startedAt: clock.now().toISOString(),
    finishedAt: clock.now().toISOString(),
    outcome,
    fetch: { observations: [], requests: [], metricOutcomes: [] },
  });
  return processFindings({
    store: s,
    contracts,
    source: 'meta',
    findings,
    pollOutcome: outcome,
    now: clock.now(),
    defaults,
  });
}

const header = (m: ParsedMail, name: string): string => {
  const v = m.headers.get(name);
  return typeof v === 'string' ? v : '';
};
const toOf = (m: ParsedMail): string[] =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

describe('alert mail end to end (real SMTP server on loopback)', () => {
  it('sends one grouped, well-formed mail per recipient with evidence, chart and commands, and no secret', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    await history(s, 'page_post_engagements', 1, 28, (d) => 1000 + d * 10);
    const leaky = finding('page_post_engagements', {
      evidence: {
        graphCode: 100,
        request: `GET /v24.0/111/insights?metric=page_post_engagements&access_token=${CANARY_TOKEN}`,
      },
      explanation: `page_post_engagements rejected by Meta (#100). Raw: ${CANARY_PLAIN}`,
      replacement: 'page_media_view',
    });
    const result = await poll(
      s,
      [
        leaky,
        finding('page_media_view', {
          severity: 'warn',
          class: 'frozen',
          rule: 'frozen-run',
          title: 'page_media_view frozen for 9 days',
        }),
      ],
      clock,
    );
    expect(result.opened).toHaveLength(2);
    // one outbox row per recipient: source owner, two feature owners, default
    expect((await s.outbox.list()).map((o) => o.recipient)).toEqual([
      'data@example.com',
      'engagement_rate_7d-owner@example.com',
      'oncall@example.com',
      'reach_28d-owner@example.com',
    ]);
    expect(await r.relayOnce(clock.now())).toEqual({ claimed: 4, sent: 4, retried: 0, dead: 0, dropped: 0 });
    const mails = await k.parsed();
    expect(mails).toHaveLength(4);
    const toData = mails.find((m) => toOf(m).includes('data@example.com'))!;
    expect(toData.subject).toBe(
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100) (+1 more finding)',
    );
    expect(toData.from?.value[0]?.address).toBe('upwatch@test.invalid');
    expect(toData.text).toContain('page_media_view frozen for 9 days');
    expect(toData.text).toContain('upwatch ack ');
    expect(toData.text).toContain('upwatch override engagement_rate_7d --allow');
    expect(toData.text).toContain('replacement: page_media_view');
    const html = String(toData.html);
    expect(html).toMatch(/<svg[^>]*>.*<polyline/s);
    expect(html).toContain('engagement_rate_7d');
    expect(header(toData, 'message-id')).toBe((await s.outbox.list())[0]!.messageId);
    // the warn-only recipient sees a WARN subject
    const toReach = mails.find((m) => toOf(m).includes('reach_28d-owner@example.com'))!;
    expect(toReach.subject).toBe('[upwatch] WARN 2 features: page_media_view frozen for 9 days');
    for (const m of k.received) {
      for (const secret of [CANARY_SMTP, CANARY_TOKEN, CANARY_PLAIN]) expect(m.raw).not.toContain(secret);
    }
    for (const row of s.db.prepare('SELECT * FROM outbox').all())
      expect(JSON.stringify(row)).not.toContain(CANARY_TOKEN);

    // the same findings again: nothing new is sent
    clock.advanceMs(3_600_000);
    expect((await poll(s, [leaky], clock)).queued).toBe(0);
  });

  it('SMTP down, then up: delivered exactly once', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    const port = k.port;
    await k.close();
    await poll(s, [finding('page_fans')], clock);
    const rows = (await s.outbox.list()).length;
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: rows, retried: rows, sent: 0 });
    expect((await s.outbox.list(['pending']))[0]!.lastError).toMatch(/ESOCKET|ECONNREFUSED/);
    sink = await startSmtpSink(port);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    clock.advanceMs(61_000); // random() = 1 → 30 s · 2^1
    expect(await r.relayOnce(clock.now())).toMatchObject({ sent: rows });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    expect(sink.received).toHaveLength(rows);
    expect(new Set(sink.received.map((m) => m.to[0])).size).toBe(rows);
  });

  it('451 is retried; 550 for one recipient is dead with the reason while the others are delivered', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    let deferred = 0;
    k.setRcptCode((a) => {
      if (a === 'fans_growth-owner@example.com') return 550;
      if (a === 'oncall@example.com' && deferred++ === 0) return 451;
      return undefined;
    });
    await poll(s, [finding('page_fans')], clock);
    expect(await r.relayOnce(clock.now())).toEqual({ claimed: 3, sent: 1, retried: 1, dead: 1, dropped: 0 });
    const dead = await s.outbox.list(['dead']);
    expect(dead.map((d) => [d.recipient, d.lastError?.includes('550')])).toEqual([
      ['fans_growth-owner@example.com', true],
    ]);
    expect(await s.audit.read({ targetKind: 'outbox' })).toMatchObject([{ action: 'notification-dead' }]);
    clock.advanceMs(61_000);
    expect(await r.relayOnce(clock.now())).toEqual({ claimed: 1, sent: 1, retried: 0, dead: 0, dropped: 0 });
    expect(k.received.map((m) => m.to[0]).sort()).toEqual(['data@example.com', 'oncall@example.com']);
  });

  it('SMTP down, then 451 for every recipient, then OK: each mail delivered exactly once', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    const port = k.port;
    await k.close();
    await poll(s, [finding('page_fans')], clock);
    const rows = (await s.outbox.list()).length;
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: rows, retried: rows, sent: 0 });
    sink = await startSmtpSink(port);
    sink.setRcptCode(() => 451);
    clock.advanceMs(61_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: rows, retried: rows, sent: 0, dead: 0 });
    expect((await s.outbox.list(['pending'])).every((o) => o.lastError?.includes('451'))).toBe(true);
    sink.setRcptCode(() => undefined);
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ sent: rows, dead: 0 });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    expect(sink.received).toHaveLength(rows);
    expect(new Set(sink.received.map((m) => m.to[0])).size).toBe(rows);
  });

  it('two relays, each with its own connection to one store file, running at once send each mail once', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const file = join(tempDir('upwatch-two-relays-'), 'upwatch.db');
    store = openStore(file);
    const other = openStore(file);
    sink = await startSmtpSink();
    const settings = parseSmtpUrl(sink.url());
    transport = createEmailTransport(settings);
    const otherTransport = createEmailTransport(settings);
    try {
      await poll(store, [finding('page_fans'), finding('page_media_view')], clock);
      const rows = (await store.outbox.list()).length;
      const [a, b] = [
        createRelay({ store, transport, from: settings.from, clock, owner: 'relay-a' }),
        createRelay({
          store: other,
          transport: otherTransport,
          from: settings.from,
          clock,
          owner: 'relay-b',
        }),
      ];
      const results = await Promise.all([a.relayOnce(clock.now()), b.relayOnce(clock.now())]);
      expect(results[0].claimed + results[1].claimed).toBe(rows);
      expect(results[0].sent + results[1].sent).toBe(rows);
      expect(await a.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
      expect(await b.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
      expect(sink.received).toHaveLength(rows);
      expect(await other.outbox.list(['sent'])).toHaveLength(rows);
    } finally {
      otherTransport.close();
      await other.close();
    }
  });

  it('a relay killed between send and mark-sent causes at most one duplicate, with the same Message-ID', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    await poll(s, [finding('page_fans')], clock);
    // the crashed relay: claims, sends, never marks
    const [row] = await s.outbox.claimDue('crashed', clock.now().getTime(), 120_000, 1);
    await transport!.send({
      from: 'upwatch@test.invalid',
      to: [row!.recipient],
      messageId: row!.messageId,
      ...row!.payload,
    });
    clock.advanceMs(60_000);
    await r.relayOnce(clock.now()); // the others go; the leased row is not touched yet
    clock.advanceMs(61_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 1, sent: 1 });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    const forRow = k.received.filter((m) => m.to[0] === row!.recipient);
    expect(forRow).toHaveLength(2);
    const ids = (await k.parsed()).filter((m) => toOf(m).includes(row!.recipient)).map((m) => m.messageId);
    expect(ids).toEqual([row!.messageId, row!.messageId]);
    expect(await s.outbox.list(['sent'])).toHaveLength(3);
  });

  it('an alert storm of 500 findings yields one mail per recipient with a capped list', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    const storm = Array.from({ length: 500 }, (_, i) =>
      finding('page_media_view', {
        subject: `GET /v24.0/{page}/insights field ${i}`,
        class: 'schema',
        rule: 'spec-field-removed',
        title: `field ${i} removed`,
      }),
    );
    const result = await poll(s, storm, clock);
    expect(result.opened).toHaveLength(500);
    const recipients = [
      'data@example.com',
      'engagement_rate_7d-owner@example.com',
      'oncall@example.com',
      'reach_28d-owner@example.com',
    ];
    expect((await s.outbox.list()).map((o) => o.recipient)).toEqual(recipients);
    while ((await r.relayOnce(clock.now())).claimed > 0);
    const mails = await k.parsed();
    expect(mails).toHaveLength(4);
    expect(mails[0]!.subject).toMatch(
      /^\[upwatch\] BLOCKED 2 features: field \d+ removed \(\+499 more findings\)$/,
    );
    expect(mails[0]!.text).toContain('and 475 more findings');
    expect((String(mails[0]!.html).match(/<svg/g) ?? []).length).toBeLessThanOrEqual(5);
  });

  it('gives up after the give-up period and records why', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    await k.close();
    await poll(s, [finding('page_fans')], clock);
    await r.relayOnce(clock.now());
    clock.advanceMs(25 * 3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ dead: 3 });
    expect((await s.outbox.list(['dead']))[0]!.lastError).toMatch(/^gave up after 25 h: /);
  });

  it('threads a resolved notice under the firing mail, and never sends it before that mail', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    // A condition (a freeze may thaw) resolves by absence; a removal would hold until someone decides.
    const frozen = finding('page_fans', { rule: 'frozen-run', class: 'frozen', title: 'page_fans frozen' });
    await poll(s, [frozen], clock);
    await r.relayOnce(clock.now());
    const firing = (await k.parsed()).find((m) => toOf(m).includes('data@example.com'))!;
    clock.advanceMs(3_600_000);
    expect((await poll(s, [], clock)).resolved).toHaveLength(0);
    clock.advanceMs(3_600_000);
    const res = await poll(s, [], clock);
    expect(res.resolved).toHaveLength(1);
    await r.relayOnce(clock.now());
    const resolved = (await k.parsed()).filter((m) => m.subject?.startsWith('[upwatch] RESOLVED'));
    expect(resolved).toHaveLength(3);
    const mine = resolved.find((m) => toOf(m).includes('data@example.com'))!;
    expect(mine.subject).toBe('[upwatch] RESOLVED: page_fans frozen');
    expect(mine.inReplyTo).toBe(firing.messageId);
    expect(mine.references).toEqual(firing.messageId);

    // a second episode that resolves before its firing mail is delivered: the resolved notice waits for that mail
    k.setRcptCode(() => 451);
    clock.advanceMs(3_600_000);
    const reopened = await poll(s, [frozen], clock);
    expect(reopened.opened[0]!.episode).toBe(2);
    await r.relayOnce(clock.now());
    clock.advanceMs(3_600_000);
    await poll(s, [], clock);
    clock.advanceMs(3_600_000);
    expect(await poll(s, [], clock)).toMatchObject({ resolved: [{ episode: 2 }], queued: 3 });
    const before = k.received.length;
    expect(await r.relayOnce(clock.now())).toMatchObject({ sent: 0, retried: 3 });
    k.setRcptCode(() => undefined);
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 3, sent: 3 });
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 3, sent: 3 });
    const later = (await k.parsed()).slice(before);
    const forData = later.filter((m) => toOf(m).includes('data@example.com'));
    expect(forData.map((m) => m.subject)).toEqual([
      '[upwatch] BLOCKED 1 feature: page_fans frozen',
      '[upwatch] RESOLVED: page_fans frozen',
    ]);
    expect(forData[1]!.inReplyTo).toBe(forData[0]!.messageId);
  });

  it('gives up on a resolved notice with the firing mail it follows, and plans none after a dead one', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    k.setRcptCode((a) => (a === 'data@example.com' ? 451 : undefined));
    await poll(
      s,
      [finding('page_fans', { rule: 'frozen-run', class: 'frozen', title: 'page_fans frozen' })],
      clock,
    );
    await r.relayOnce(clock.now());
    clock.advanceMs(3_600_000);
    await poll(s, [], clock);
    clock.advanceMs(3_600_000);
    expect(await poll(s, [], clock)).toMatchObject({ resolved: [{ episode: 1 }], queued: 3 });
    k.setRcptCode((a) => (a === 'data@example.com' ? 550 : undefined));
    while ((await r.relayOnce(clock.now())).claimed > 0);
    const dead = await s.outbox.list(['dead']);
    expect(dead.map((o) => [o.recipient, o.kind])).toEqual([
      ['data@example.com', 'alert'],
      ['data@example.com', 'resolved'],
    ]);
    expect(dead[1]!.lastError).toMatch(
      /^the message it follows \(outbox row \d+\) was given up: permanent: /,
    );
    expect(k.received.filter((m) => m.to.includes('data@example.com'))).toHaveLength(0);
    expect(await s.audit.read({ targetKind: 'outbox' })).toMatchObject([
      { action: 'notification-dead', details: { followers: [dead[1]!.id] } },
    ]);

    // the next episode of the same finding resolving: no notice for the address whose alert was given up
    k.setRcptCode((a) => (a === 'data@example.com' ? 550 : undefined));
    clock.advanceMs(3_600_000);
    await poll(s, [finding('page_fans')], clock);
    while ((await r.relayOnce(clock.now())).claimed > 0);
    clock.advanceMs(3_600_000);
    await poll(s, [], clock);
    clock.advanceMs(3_600_000);
    await poll(s, [], clock);
    const resolvedRows = (await s.outbox.list()).filter((o) => o.kind === 'resolved');
    expect(resolvedRows.filter((o) => o.recipient === 'data@example.com')).toHaveLength(1);
  });

  it('sends the daily digest while a finding stays open and unacknowledged, and countdowns at 30, 7 and 0 days', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    const dep = finding('page_media_view', {
      severity: 'warn',
      effectiveDate: '2026-04-20',
      title: 'page_media_view deprecated on 2026-04-20',
    });
    await poll(s, [dep], clock);
    await r.relayOnce(clock.now());
    const subjects = async (): Promise<string[]> =>
      (await k.parsed()).filter((m) => toOf(m).includes('data@example.com')).map((m) => m.subject ?? '');
    clock.advanceMs(12 * 3_600_000);
    expect((await poll(s, [dep], clock)).queued).toBe(0);
    clock.advanceMs(12 * 3_600_000); // 07:00 the next day: before the digest hour (08:00 UTC)
    expect((await poll(s, [dep], clock)).queued).toBe(0);
    clock.advanceMs(3_600_000);
    await poll(s, [dep], clock);
    await r.relayOnce(clock.now());
    expect((await subjects()).at(-1)).toBe(
      '[upwatch] REMINDER: daily digest 2026-03-16, 1 open finding (1 warn)',
    );

    // acknowledged: reminders stop, the countdown still comes (the date does not move)
    s.db
      .prepare(
        `UPDATE findings SET status = 'acknowledged', ack_reason = 'migrating', ack_by = 'ana', ack_at = ?`,
      )
      .run(clock.now().toISOString());
    clock.set('2026-03-21T07:00:00Z');
    await poll(s, [dep], clock);
    await r.relayOnce(clock.now());
    expect((await subjects()).at(-1)).toBe(
      '[upwatch] 30 days left: page_media_view deprecated on 2026-04-20 (effective 2026-04-20)',
    );
    clock.set('2026-03-22T07:00:00Z');
    expect((await poll(s, [dep], clock)).queued).toBe(0);
    clock.set('2026-04-13T07:00:00Z');
    await poll(s, [dep], clock);
    clock.set('2026-04-20T07:00:00Z');
    await poll(s, [dep], clock);
    await r.relayOnce(clock.now());
    expect((await subjects()).slice(-2)).toEqual([
      '[upwatch] 7 days left: page_media_view deprecated on 2026-04-20 (effective 2026-04-20)',
      '[upwatch] TODAY: page_media_view deprecated on 2026-04-20 (effective 2026-04-20)',
    ]);
    expect((await subjects()).filter((x) => x.includes('REMINDER'))).toHaveLength(1);
  });

  it('start() and stop() are idempotent; the loop delivers and stop() drains', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k } = await setup(clock);
    relay = createRelay({
      store: s,
      transport: transport!,
      from: 'upwatch@test.invalid',
      clock,
      intervalMs: 5,
    });
    await poll(s, [finding('page_fans')], clock);
    relay.start();
    relay.start();
    expect(relay.health().running).toBe(true);
    await k.waitFor(3);
    await Promise.all([relay.stop(), relay.stop()]);
    expect(relay.health()).toMatchObject({ running: false, configError: false });
    expect(await s.outbox.list(['sent'])).toHaveLength(3);
    expect(k.received).toHaveLength(3);
    relay.start();
    await relay.stop();
  });

  it('an authentication failure (535) marks the relay health red and waits the backoff cap', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k, r } = await setup(clock);
    k.setAuthCode(535);
    await poll(s, [finding('page_fans')], clock);
    expect(await r.relayOnce(clock.now())).toMatchObject({ retried: 3, sent: 0 });
    expect(r.health().configError).toBe(true);
    const pending = await s.outbox.list(['pending']);
    expect(pending.every((p) => p.nextAttemptAt === clock.now().getTime() + 3_600_000)).toBe(true);
    expect(pending[0]!.lastError).toMatch(/^config: .*535/);
    expect(pending[0]!.lastError).not.toContain(CANARY_SMTP);
    k.setAuthCode(undefined);
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ sent: 3 });
    expect(r.health().configError).toBe(false);
  });

  it('deliverDue sends what is due now and leaves failures queued with their backoff', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, k } = await setup(clock);
    k.setRcptCode((a) => (a === 'oncall@example.com' ? 451 : undefined));
    await poll(s, [finding('page_fans')], clock);
    expect(await deliverDue({ store: s, smtpUrl: k.url(), clock })).toEqual({
      claimed: 3,
      sent: 2,
      retried: 1,
      dead: 0,
      dropped: 0,
    });
    expect((await s.outbox.list(['pending'])).map((p) => p.recipient)).toEqual(['oncall@example.com']);
    expect(k.received).toHaveLength(2);
  });
});
