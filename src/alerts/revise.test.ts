import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { ManualClock } from '../core/clock.js';
import type { Finding } from '../core/finding.js';
import { openStore, type Store } from '../store/store.js';
import { processFindings, type ProcessDefaults } from '../pipeline/process-findings.js';
import { storeNoticeReviser } from '../pipeline/notice-state.js';
import { acknowledgeFinding } from '../findings/acknowledge.js';
import { acceptFinding } from '../findings/accept.js';
import { overrideFeature } from '../gate/override.js';
import { createMailRelay, type MailRelaySetup } from './setup.js';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtp-sink.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';

const contracts = contractSet(
  ['page_post_engagements', 'page_media_view', 'page_fans'],
  [
    feature('engagement_rate_7d', ['meta/page_post_engagements']),
    feature('reach_28d', ['meta/page_media_view']),
    feature('fans_growth', ['meta/page_fans']),
  ],
);
// Recipients: the source owner (data@example.com) and the owners of the features a finding touches.
const defaults: ProcessDefaults = { recipients: [], messageIdHost: 'upwatch.test', maxImmediatePerHour: 0 };

let store: Store | undefined;
let sink: SmtpSink | undefined;
let mail: MailRelaySetup | undefined;
afterEach(async () => {
  await mail?.close();
  await sink?.close();
  await store?.close();
  store = sink = mail = undefined;
});

const toOf = (m: ParsedMail): string[] =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

async function poll(s: Store, findings: Finding[], clock: ManualClock) {
  await s.recordPoll({
    source: 'meta',
    startedAt: clock.now().toISOString(),
    finishedAt: clock.now().toISOString(),
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
    defaults,
  });
}

/** Configure SMTP now: a real server on loopback and a relay that re-checks each notice against the store. */
async function configureSmtp(s: Store, clock: ManualClock): Promise<MailRelaySetup> {
  sink = await startSmtpSink();
  mail = createMailRelay({
    store: s,
    smtpUrl: sink.url(),
    clock,
    revise: storeNoticeReviser({ store: s, contracts }),
  });
  return mail;
}

const frozen = (metric: string, severity: 'warn' | 'block') =>
  finding(metric, {
    rule: 'frozen-run',
    class: 'frozen',
    severity,
    title: `${metric} frozen`,
    evidence: { runDays: 5 },
    explanation: `${metric} repeated the same value for 5 days.`,
  });

describe('mail reflects the state at send time (real SQLite, real SMTP on loopback)', () => {
  it('drops a notice queued while SMTP was unset once its finding is acknowledged and its feature overridden, and says why', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(':memory:');
    // SMTP not configured: the alert is queued, nothing sends it.
    const opened = (await poll(store, [finding('page_post_engagements')], clock)).opened[0]!;
    expect((await store.outbox.list(['pending'])).map((r) => [r.recipient, r.payload.subject])).toEqual([
      ['data@example.com', '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)'],
      [
        'engagement_rate_7d-owner@example.com',
        '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
      ],
    ]);
    // Meanwhile a person acknowledges the finding and overrides the feature to allow.
    clock.advanceMs(2 * 3_600_000);
    await acknowledgeFinding(store, {
      finding: opened.fingerprint,
      reason: 'migrating to page_media_view',
      by: 'ana',
      now: clock.now(),
    });
    await overrideFeature(store, contracts, {
      feature: 'engagement_rate_7d',
      action: 'allow',
      reason: 'replacement wired',
      by: 'ana',
      until: '2026-03-22T00:00:00.000Z',
      now: clock.now(),
    });
    // Then SMTP is configured and the relay runs.
    clock.advanceMs(3_600_000);
    const { relay } = await configureSmtp(store, clock);
    expect(await relay.relayOnce(clock.now())).toEqual({
      claimed: 2,
      sent: 0,
      retried: 0,
      dead: 0,
      dropped: 2,
    });
    expect(sink!.received).toHaveLength(0);
    expect((await store.outbox.list()).map((r) => r.status)).toEqual(['dropped', 'dropped']);
    const row = (await store.outbox.list())[0]!;
    expect(row.lastError).toBe('not sent: acknowledged by ana on 2026-03-15: migrating to page_media_view');
    expect((await store.audit.read({ targetKind: 'outbox' }))[0]).toMatchObject({
      action: 'notification-dropped',
      target: String(row.id),
      reason: row.lastError,
      details: { kind: 'alert', recipient: 'data@example.com', findings: [opened.fingerprint] },
    });
    expect(
      (await store.audit.read({ targetKind: 'finding', target: opened.fingerprint })).at(-1),
    ).toMatchObject({
      action: 'notice-withdrawn',
      reason: 'acknowledged by ana on 2026-03-15: migrating to page_media_view',
    });
    // `upwatch status` reads the outbox summary: the dropped row is listed with its reason.
    expect(await store.outbox.summary()).toMatchObject({
      pending: 0,
      sent: 0,
      dropped: 2,
      droppedRows: [{ id: row.id, kind: 'alert', recipient: 'data@example.com', reason: row.lastError }, {}],
    });
    // Nothing later sends it.
    clock.advanceMs(86_400_000);
    expect(await relay.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
  });

  it('drops a notice whose every affected feature was overridden to allow, and one decided with upwatch accept', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(':memory:');
    const [, reach] = (await poll(store, [finding('page_fans'), frozen('page_media_view', 'block')], clock))
      .opened;
    await overrideFeature(store, contracts, {
      feature: 'fans_growth',
      action: 'allow',
      reason: 'fans are not used this week',
      by: 'bo',
      until: '2026-03-20T00:00:00.000Z',
      now: clock.now(),
    });
    await acceptFinding(store, {
      finding: reach!.fingerprint,
      as: 'retrained-on-new-regime',
      reason: 'retrained on data since the freeze',
      by: 'cy',
      now: clock.now(),
    });
    const { relay } = await configureSmtp(store, clock);
    expect(await relay.relayOnce(clock.now())).toMatchObject({ sent: 0, dropped: 3 });
    expect(sink!.received).toHaveLength(0);
    const reasons = Object.fromEntries((await store.outbox.list()).map((r) => [r.recipient, r.lastError]));
    const overridden =
      'every feature it affects is overridden to allow: fans_growth (by bo until 2026-03-20: fans are not used this week)';
    const decided =
      'decided by cy on 2026-03-15 (retrained-on-new-regime): retrained on data since the freeze';
    expect(reasons).toEqual({
      'data@example.com': expect.stringMatching(/^not sent: /),
      'fans_growth-owner@example.com': `not sent: ${overridden}`,
      'reach_28d-owner@example.com': `not sent: ${decided}`,
    });
    expect(reasons['data@example.com']).toContain(overridden);
    expect(reasons['data@example.com']).toContain(decided);
  });

  it('sends a queued NEW for a finding that escalated since at its current severity, and leaves out a resolved one', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(':memory:');
    // Both findings reach the same recipient (the default), in one mail.
    const both: ProcessDefaults = { ...defaults, recipients: ['oncall@example.com'] };
    const run = async (findings: Finding[]) => {
      await store!.recordPoll({
        source: 'meta',
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      return processFindings({
        store: store!,
        contracts,
        source: 'meta',
        findings,
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { ...both, resolveAfterGoodPolls: 1 },
      });
    };
    await run([frozen('page_media_view', 'warn'), frozen('page_fans', 'warn')]);
    const queued = (await store.outbox.list()).find((r) => r.recipient === 'oncall@example.com')!;
    expect(queued.payload.subject).toMatch(
      /^\[upwatch\] WARN 2 features: page_\w+ frozen \(\+1 more finding\)$/,
    );
    // The next day page_media_view blocks and page_fans has cleared (a condition resolves by absence).
    clock.advanceMs(86_400_000);
    await run([frozen('page_media_view', 'block')]);
    const { relay } = await configureSmtp(store, clock);
    await relay.relayOnce(clock.now());
    const mails = await sink!.parsed();
    const first = mails.find((m) => m.messageId === queued.messageId)!;
    expect(first.subject).toBe('[upwatch] BLOCKED 1 feature: page_media_view frozen');
    expect(first.text).toContain('[NEW] BLOCK page_media_view frozen');
    expect(first.text).not.toContain('page_fans');
    // page_fans is taken out of every notice that listed it (oncall, the source owner, the feature owner), and the
    // ESCALATED notice queued behind the NEW one says nothing the NEW one, sent at block, did not.
    const withdrawn = (await store.audit.read({ targetKind: 'finding' })).filter(
      (a) => a.action === 'notice-withdrawn',
    );
    expect(withdrawn.map((a) => a.reason).sort()).toEqual([
      ...Array<string>(3).fill('already sent at block in an earlier mail about the same finding'),
      ...Array<string>(3).fill('resolved on 2026-03-16 before this was sent'),
    ]);
    expect(mails.map((m) => toOf(m)).sort()).toEqual([
      ['data@example.com'],
      ['oncall@example.com'],
      ['reach_28d-owner@example.com'],
    ]);
    expect(sink!.received.some((m) => m.to.includes('fans_growth-owner@example.com'))).toBe(false);
  });
});
