// Slack and webhook channels through the outbox, against receivers on loopback: signatures, retries, dead letters,
// a killed relay, and the same planning (grouping, resolved notices, the hourly cap) as mail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { ChannelContract } from '../core/contract.js';
import type { Finding } from '../core/finding.js';
import { parseTemplate } from '../core/secret.js';
import { acknowledgeFinding } from '../findings/acknowledge.js';
import { storeNoticeReviser } from '../pipeline/notice-state.js';
import { processFindings, type ProcessDefaults } from '../pipeline/process-findings.js';
import { openStore, type Store } from '../store/store.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { createChannelSender } from './channel-transport.js';
import { createRelay, type Relay } from './relay.js';
import type { SlackMessage } from './slack-message.js';
import { verifySignature, WEBHOOK_SCHEMA, type WebhookBody } from './webhook-body.js';

const SECRET = 'canary-hook-secret-61d0e2';
const SLACK_PATH = '/services/T000/B000/canary-slack-path-77c1';
const PUBLIC_URL = 'https://upwatch.example.com/';

// Every body a receiver gets must match the published JSON Schema of the webhook.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const validateBody = ajv.compile(
  JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'alert-webhook.schema.json'), 'utf8'),
  ) as object,
);

let store: Store | undefined;
let receiver: WebhookReceiver | undefined;
let relay: Relay | undefined;
afterEach(async () => {
  for (const body of receiver?.bodies('/upwatch') ?? []) {
    expect(validateBody(body), JSON.stringify(validateBody.errors)).toBe(true);
  }
  await relay?.stop();
  await receiver?.close();
  await store?.close();
  store = receiver = relay = undefined;
});

const slack: ChannelContract = { kind: 'slack', url: parseTemplate('${SLACK_RANKING_URL}') };
const hook = (url: string): ChannelContract => ({
  kind: 'webhook',
  url: parseTemplate(url),
  secret: parseTemplate('${HOOK_SECRET}'),
});

function contractsWith(channels: ChannelContract[]) {
  return contractSet(
    ['page_post_engagements', 'page_media_view'],
    [
      feature('engagement_rate_7d', ['meta/page_post_engagements'], { channels }),
      feature('reach_28d', ['meta/page_media_view']),
    ],
  );
}

const defaults: ProcessDefaults = {
  messageIdHost: 'upwatch.test',
  quietReopenDays: 0,
  resolveAfterGoodPolls: 1,
};

async function setup(
  clock: ManualClock,
  answer?: Parameters<typeof startWebhookReceiver>[0],
  env: Record<string, string> = {},
  options: { revise?: boolean } = {},
) {
  receiver = await startWebhookReceiver(answer);
  store = openStore(':memory:');
  const contracts = contractsWith([slack, hook(`${receiver.url}/upwatch`)]);
  const lookup = { SLACK_RANKING_URL: `${receiver.url}${SLACK_PATH}`, HOOK_SECRET: SECRET, ...env };
  relay = createRelay({
    store,
    channels: createChannelSender({
      resolve: (n) => (lookup as Record<string, string>)[n] || undefined,
      publicUrl: PUBLIC_URL,
    }),
    clock,
    random: () => 1,
    ...(options.revise ? { revise: storeNoticeReviser({ store, contracts }) } : {}),
  });
  const s = store;
  const poll = async (findings: Finding[], options: Partial<ProcessDefaults> = {}) => {
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
      defaults: { ...defaults, ...options },
    });
  };
  return { s, r: relay, k: receiver, poll };
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
};

describe('Slack and webhook channels (receivers on loopback)', () => {
  it('signs the webhook body, which the receiver verifies with the secret; Slack gets a compact message with links', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock);
    await poll([finding('page_post_engagements'), finding('page_media_view')]);
    // The channel rows sit beside the mail rows, one per channel, each listing only the findings routed to it.
    const rows = await s.outbox.list();
    expect(rows.map((x) => [x.channel, x.recipient]).sort()).toEqual([
      ['email', 'data@example.com'],
      ['email', 'engagement_rate_7d-owner@example.com'],
      ['email', 'reach_28d-owner@example.com'],
      ['slack', 'slack:${SLACK_RANKING_URL}'],
      ['webhook', `webhook:${k.url}/upwatch`],
    ]);

    // A relay with channels only leaves mail for a relay that has SMTP.
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 2 });
    expect((await s.outbox.list(['pending'])).map((x) => x.channel)).toEqual(['email', 'email', 'email']);

    const [hookReq] = k.received.filter((x) => x.path === '/upwatch');
    const nowSec = clock.now().getTime() / 1000;
    expect(verifySignature(header(hookReq!.headers, 'Upwatch-Signature'), hookReq!.raw, SECRET, nowSec)).toBe(
      true,
    );
    expect(
      verifySignature(header(hookReq!.headers, 'Upwatch-Signature'), hookReq!.raw, 'wrong', nowSec),
    ).toBe(false);
    expect(
      verifySignature(
        header(hookReq!.headers, 'Upwatch-Signature'),
        hookReq!.raw.replace('BLOCK', 'WARN'),
        SECRET,
        nowSec,
      ),
    ).toBe(false);
    // a captured request replayed an hour later is refused
    expect(
      verifySignature(header(hookReq!.headers, 'Upwatch-Signature'), hookReq!.raw, SECRET, nowSec + 3600),
    ).toBe(false);
    const webhookRow = rows.find((x) => x.channel === 'webhook')!;
    expect(header(hookReq!.headers, 'Upwatch-Delivery')).toBe(webhookRow.dedupKey);
    expect(header(hookReq!.headers, 'content-type')).toBe('application/json; charset=utf-8');
    const body = JSON.parse(hookReq!.raw) as WebhookBody;
    expect(body).toMatchObject({
      schema: WEBHOOK_SCHEMA,
      delivery: webhookRow.dedupKey,
      kind: 'alert',
      state: 'firing',
      summary: 'BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
      messageId: webhookRow.messageId,
      queuedAt: '2026-03-15T07:00:00.000Z',
      sentAt: '2026-03-15T07:00:00.000Z',
      attempt: 1,
      blockedFeatures: ['engagement_rate_7d'],
    });
    expect(body.findings).toHaveLength(1);
    expect(body.findings[0]).toMatchObject({
      fingerprint: expect.stringMatching(/^[0-9a-f]+$/) as unknown,
      episode: 1,
      change: 'new',
      severity: 'block',
      source: 'meta',
      metric: 'page_post_engagements',
      rule: 'metric-invalid',
      title: 'page_post_engagements rejected by Meta (#100)',
      onset: '2026-03-14',
      features: [{ name: 'engagement_rate_7d', state: 'blocked', effect: 'block' }],
      url: `https://upwatch.example.com/findings/${body.findings[0]!.fingerprint}`,
    });

    const [slackReq] = k.received.filter((x) => x.path === SLACK_PATH);
    const message = JSON.parse(slackReq!.raw) as SlackMessage;
    expect(message.text).toBe('BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)');
    expect(message.blocks.map((b) => b['type'])).toEqual(['section', 'section', 'context']);
    const texts = JSON.stringify(message.blocks);
    expect(texts).toContain('*BLOCKED 1 feature*: page_post_engagements rejected by Meta (#100)');
    expect(texts).toContain(
      `*BLOCK* · new · <https://upwatch.example.com/findings/${body.findings[0]!.fingerprint}|page_post_engagements rejected by Meta (#100)>`,
    );
    expect(texts).toContain(
      'meta/page_post_engagements · onset 2026-03-14 · features: engagement_rate_7d (blocked)',
    );
    expect(texts).toContain(`upwatch ack ${body.findings[0]!.fingerprint.slice(0, 10)}`);
    // Slack receives no signature (it would not check one), and nothing carries a secret.
    expect(header(slackReq!.headers, 'Upwatch-Signature')).toBeUndefined();
    for (const req of k.received) {
      expect(req.raw).not.toContain(SECRET);
      expect(req.raw).not.toContain('canary-slack-path');
    }
    for (const row of await s.outbox.list()) expect(JSON.stringify(row)).not.toContain('canary-slack-path');
  });

  it('retries a 5xx with backoff, then delivers once, with the same delivery id on every attempt', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock, (_h, before) =>
      before < 2 ? { status: 503, body: 'upstream busy' } : { status: 200, body: 'ok' },
    );
    await poll([finding('page_post_engagements')]);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 0, retried: 2 });
    const waiting = (await s.outbox.list(['pending'])).filter((x) => x.channel !== 'email');
    expect(waiting.map((x) => x.lastError)).toEqual([
      'transient: slack:${SLACK_RANKING_URL}: HTTP 503 upstream busy',
      `transient: webhook:${k.url}/upwatch: HTTP 503 upstream busy`,
    ]);
    // not before the backoff (full jitter up to 60 s after the first attempt, random pinned to 1)
    clock.advanceMs(59_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    clock.advanceMs(2_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, retried: 2 });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 2 });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    for (const path of [SLACK_PATH, '/upwatch']) {
      const reqs = k.received.filter((x) => x.path === path);
      expect(reqs).toHaveLength(3);
      expect(new Set(reqs.map((x) => header(x.headers, 'Upwatch-Delivery'))).size).toBe(1);
    }
    const attempts = k.bodies('/upwatch').map((b) => (b as WebhookBody).attempt);
    expect(attempts).toEqual([1, 2, 3]);
    expect((await s.outbox.list(['sent'])).filter((x) => x.channel !== 'email')).toHaveLength(2);
  });

  it('a 4xx is a dead letter at once, with the status and what the receiver said; a network error is retried', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock, (h) =>
      h.path === SLACK_PATH ? { status: 404, body: 'no_service' } : { status: 200, body: 'ok' },
    );
    await poll([finding('page_post_engagements')]);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 1, dead: 1 });
    const [dead] = await s.outbox.list(['dead']);
    expect(dead).toMatchObject({
      channel: 'slack',
      lastError: 'permanent: slack:${SLACK_RANKING_URL}: HTTP 404 no_service',
    });
    expect(await s.audit.read({ targetKind: 'outbox' })).toMatchObject([
      { action: 'notification-dead', details: { recipient: 'slack:${SLACK_RANKING_URL}', kind: 'alert' } },
    ]);
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    expect(k.received.filter((x) => x.path === SLACK_PATH)).toHaveLength(1);

    // a receiver that is down: retried, not given up
    await k.close();
    await poll([finding('page_post_engagements', { rule: 'frozen-run', class: 'frozen', title: 'frozen' })]);
    const round = await r.relayOnce(clock.now());
    expect(round.retried).toBeGreaterThan(0);
    expect(round.dead).toBe(0);
    expect((await s.outbox.list(['pending'])).find((x) => x.channel === 'webhook')?.lastError).toMatch(
      /^transient: webhook:.*: could not connect \(ECONNREFUSED\)$/,
    );
  });

  it('an unset variable is a configuration problem: retried at the backoff cap, named, never sent half-resolved', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock, undefined, { HOOK_SECRET: '' });
    await poll([finding('page_post_engagements')]);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 1, retried: 1 });
    expect(r.health().configError).toBe(true);
    const waiting = (await s.outbox.list(['pending'])).find((x) => x.channel === 'webhook')!;
    expect(waiting.lastError).toBe(
      `config: webhook:${k.url}/upwatch: the signing secret references \${HOOK_SECRET}, which is not set`,
    );
    expect(waiting.nextAttemptAt).toBe(clock.now().getTime() + 3_600_000);
    expect(k.received.filter((x) => x.path === '/upwatch')).toHaveLength(0);
  });

  it('a relay killed after the receiver took a notice: the lease expires, another relay re-sends it with the same delivery id, nothing is lost', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock);
    await poll([finding('page_post_engagements')]);
    // The relay that dies: claims both channel rows, delivers them, and is killed before marking them sent.
    const crashed = createChannelSender({
      resolve: (n) => ({ SLACK_RANKING_URL: `${k.url}${SLACK_PATH}`, HOOK_SECRET: SECRET })[n],
    });
    const claimed = await s.outbox.claimDue('crashed', clock.now().getTime(), 120_000, 10, [
      'slack',
      'webhook',
    ]);
    expect(claimed).toHaveLength(2);
    for (const row of claimed) await crashed.send(row, clock.now());
    // While the lease holds, nobody else takes them.
    clock.advanceMs(60_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    clock.advanceMs(61_000);
    const resentAt = clock.now().getTime() / 1000;
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 2 });
    clock.advanceMs(3_600_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    for (const path of [SLACK_PATH, '/upwatch']) {
      const reqs = k.received.filter((x) => x.path === path);
      expect(reqs).toHaveLength(2);
      const ids = reqs.map((x) => header(x.headers, 'Upwatch-Delivery'));
      expect(ids[0]).toBe(
        claimed.find((c) => (path === SLACK_PATH ? c.channel === 'slack' : c.channel === 'webhook'))!
          .dedupKey,
      );
      expect(ids[1]).toBe(ids[0]);
    }
    // the resend is signed afresh and still verifies
    const last = k.received.filter((x) => x.path === '/upwatch').at(-1)!;
    expect(verifySignature(header(last.headers, 'Upwatch-Signature'), last.raw, SECRET, resentAt)).toBe(true);
    expect((await s.outbox.list(['sent'])).filter((x) => x.channel !== 'email')).toHaveLength(2);
  });

  it('a resolved notice follows the alert it answers (state resolved, in reply to it); the same poll again sends nothing', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock);
    // A condition (a freeze may thaw) resolves by absence; a removal would hold until someone decides.
    const frozen = finding('page_post_engagements', {
      rule: 'frozen-run',
      class: 'frozen',
      title: 'page_post_engagements frozen',
    });
    await poll([frozen]);
    await r.relayOnce(clock.now());
    clock.advanceMs(3_600_000);
    await poll([frozen]);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    clock.advanceMs(3_600_000);
    expect((await poll([])).resolved).toHaveLength(1);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 2 });
    const [alert, resolved] = k.bodies('/upwatch') as WebhookBody[];
    expect(resolved).toMatchObject({
      kind: 'resolved',
      state: 'resolved',
      inReplyTo: alert!.messageId,
      summary: 'RESOLVED: page_post_engagements frozen',
      blockedFeatures: [],
    });
    expect(resolved!.findings.map((f) => f.change)).toEqual(['resolved']);
    const slackTexts = k.bodies(SLACK_PATH).map((b) => (b as SlackMessage).text);
    expect(slackTexts).toEqual([
      'BLOCKED 1 feature: page_post_engagements frozen',
      'RESOLVED: page_post_engagements frozen',
    ]);
    expect((await s.outbox.list()).filter((x) => x.channel !== 'email').map((x) => x.status)).toEqual([
      'sent',
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('the hourly cap holds per channel: the notices over it arrive as one digest that lists every finding', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock);
    // Three findings about the same metric (by class), one poll each, with a cap of one notice an hour.
    const removed = finding('page_post_engagements');
    const frozen = finding('page_post_engagements', {
      rule: 'frozen-run',
      class: 'frozen',
      title: 'page_post_engagements frozen',
    });
    const rescaled = finding('page_post_engagements', {
      rule: 'scale-shift',
      class: 'scale',
      title: 'page_post_engagements rescaled ×100',
    });
    const cap = { maxImmediatePerHour: 1 };
    await poll([removed], cap);
    clock.advanceMs(60_000);
    await poll([removed, frozen], cap);
    clock.advanceMs(60_000);
    await poll([removed, frozen, rescaled], cap);
    const digests = (await s.outbox.list()).filter((x) => x.kind === 'digest' && x.channel === 'webhook');
    expect(digests).toHaveLength(1);
    await r.relayOnce(clock.now()); // the first alerts go at once; the digest waits for the end of the hour
    clock.set('2026-03-15T08:00:00Z');
    await r.relayOnce(clock.now());
    const bodies = k.bodies('/upwatch') as WebhookBody[];
    expect(bodies.map((b) => b.kind)).toEqual(['alert', 'digest']);
    expect(bodies[1]!.findings.map((f) => f.title).sort()).toEqual([
      'page_post_engagements frozen',
      'page_post_engagements rescaled ×100',
    ]);
    expect((k.bodies(SLACK_PATH) as SlackMessage[]).map((m) => m.text)).toEqual([
      'BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
      expect.stringMatching(/^DIGEST: 2 findings held back by the hourly cap/) as unknown,
    ]);
  });
  it('a channel notice reflects the state at send time: a finding acknowledged meanwhile is taken out', async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock, undefined, {}, { revise: true });
    const frozen = finding('page_post_engagements', {
      rule: 'frozen-run',
      class: 'frozen',
      severity: 'warn',
      title: 'page_post_engagements frozen',
    });
    const opened = (await poll([finding('page_post_engagements'), frozen])).opened;
    const frozenFp = opened.find((f) => f.rule === 'frozen-run')!.fingerprint;
    await acknowledgeFinding(s, { finding: frozenFp, reason: 'known backfill', by: 'ana', now: clock.now() });
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 2 });
    const [body] = k.bodies('/upwatch') as WebhookBody[];
    expect(body!.findings.map((f) => f.title)).toEqual(['page_post_engagements rejected by Meta (#100)']);
    expect(body!.summary).toBe('BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)');
    const [message] = k.bodies(SLACK_PATH) as SlackMessage[];
    expect(JSON.stringify(message!.blocks)).not.toContain('frozen');
    expect(
      (await s.audit.read({ targetKind: 'finding' }))
        .filter((a) => a.action === 'notice-withdrawn')
        .map((a) => a.reason),
    ).toContain('acknowledged by ana on 2026-03-15: known backfill');
  });
  it("a 429 waits as long as the receiver's Retry-After says (up to the backoff cap), then delivers", async () => {
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const { s, r, k, poll } = await setup(clock, (h, before) =>
      h.path === SLACK_PATH && before === 0
        ? { status: 429, body: 'rate_limited', headers: { 'retry-after': '600' } }
        : { status: 200, body: 'ok' },
    );
    await poll([finding('page_post_engagements')]);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 2, sent: 1, retried: 1 });
    const waiting = (await s.outbox.list(['pending'])).find((x) => x.channel === 'slack')!;
    // the backoff alone would allow a retry after 60 s
    expect(waiting.nextAttemptAt).toBe(clock.now().getTime() + 600_000);
    clock.advanceMs(599_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 0 });
    clock.advanceMs(1_000);
    expect(await r.relayOnce(clock.now())).toMatchObject({ claimed: 1, sent: 1 });
    expect(k.received.filter((x) => x.path === SLACK_PATH)).toHaveLength(2);
  });
});
