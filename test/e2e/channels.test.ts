// Slack and webhook channels end to end: `upwatch poll` sends mail, a Slack message and a signed webhook for one
// blocked feature, once; a relay killed mid-send (SIGKILL) loses nothing, and the re-send carries the same delivery id.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/alerts/deliver.js';
import type { SlackMessage } from '../../src/alerts/slack-message.js';
import { verifySignature, type WebhookBody } from '../../src/alerts/webhook-body.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { parseTemplate } from '../../src/core/secret.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openStore, type Store } from '../../src/store/store.js';
import { exitOf, spawnTsx } from '../helpers/cli.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { contractSet, feature, finding } from '../helpers/gate-fixtures.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = 'canary-channels-token-4b1e';
const SECRET = 'canary-channels-hook-secret-90af';
const SLACK_PATH = '/services/T0/B0/canary-slack-e2e-31d7';

let graph: GraphServer | undefined;
let sink: SmtpSink | undefined;
let receiver: WebhookReceiver | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await graph?.close();
  await sink?.close();
  await receiver?.close();
  graph = sink = receiver = store = undefined;
});

function contracts(baseUrl: string, hookUrl: string): string {
  return (
    metaSourceYaml({ baseUrl, metrics: ['page_media_view', 'page_post_engagements'] }) +
    featureYaml('engagement_7d', ['meta/page_post_engagements'], {
      owners: ['ranking@example.com'],
      extra: `channels:\n  - slack: \${SLACK_RANKING_URL}\n  - webhook: ${hookUrl}\n    secret: \${RANKING_HOOK_SECRET}\n`,
    }) +
    featureYaml('views_7d', ['meta/page_media_view'], { owners: ['ranking@example.com'] })
  );
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
};

describe('alert channels end to end', () => {
  it('a poll that blocks a feature sends its owners mail, a Slack message and a signed webhook, once', async () => {
    const dir = tempDir('upwatch-channels-');
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: (_page, day) => 1000 + ((Number(day.slice(8)) * 37) % 101) },
      errors: {
        page_post_engagements: {
          status: 400,
          code: 100,
          message: '(#100) The value must be a valid insights metric',
        },
      },
    });
    sink = await startSmtpSink();
    receiver = await startWebhookReceiver();
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'meta.yaml'), contracts(graph.url, `${receiver.url}/hooks/upwatch`));
    const clock = new ManualClock('2026-01-10T10:00:00Z');
    const env = {
      META_TOKEN: TOKEN,
      UPWATCH_SMTP_URL: sink.url(),
      SLACK_RANKING_URL: `${receiver.url}${SLACK_PATH}`,
      RANKING_HOOK_SECRET: SECRET,
      UPWATCH_PUBLIC_URL: 'https://upwatch.example.com',
    };
    const io = (out: { stdout: string; stderr: string }): CliIO => ({
      stdout: (t) => void (out.stdout += t),
      stderr: (t) => void (out.stderr += t),
      env,
      cwd: dir,
      clock,
      isTTY: false,
    });

    const validated = { stdout: '', stderr: '' };
    expect(await runCli(['validate'], io(validated))).toBe(0);

    const first = { stdout: '', stderr: '' };
    expect(await runCli(['poll'], io(first))).toBe(1);
    expect(first.stdout).toContain('blocked features: engagement_7d');
    expect(first.stderr).toMatch(/mail: 4 sent, 0 to retry, 0 undeliverable/);
    expect(sink.received.map((m) => m.to.join(',')).sort()).toEqual([
      'data@example.com',
      'ranking@example.com',
    ]);

    const [slack] = receiver.received.filter((r) => r.path === SLACK_PATH);
    const message = JSON.parse(slack!.raw) as SlackMessage;
    expect(message.text).toBe('BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)');
    const [hook] = receiver.received.filter((r) => r.path === '/hooks/upwatch');
    expect(
      verifySignature(
        header(hook!.headers, 'Upwatch-Signature'),
        hook!.raw,
        SECRET,
        clock.now().getTime() / 1000,
      ),
    ).toBe(true);
    const body = JSON.parse(hook!.raw) as WebhookBody;
    expect(body).toMatchObject({
      schema: 'upwatch.alert/v1',
      kind: 'alert',
      state: 'firing',
      blockedFeatures: ['engagement_7d'],
    });
    expect(body.findings.map((f) => [f.metric, f.url])).toEqual([
      ['page_post_engagements', `https://upwatch.example.com/findings/${body.findings[0]!.fingerprint}`],
    ]);
    expect(JSON.stringify(message.blocks)).toContain(
      `<${body.findings[0]!.url}|page_post_engagements rejected by Meta (#100)>`,
    );
    for (const r of receiver.received) {
      expect(r.raw).not.toContain(TOKEN);
      expect(r.raw).not.toContain(SECRET);
      expect(r.raw).not.toContain('canary-slack-e2e');
    }

    // the same condition an hour later: nothing new goes anywhere
    clock.advanceMs(3_600_000);
    expect(await runCli(['poll'], io({ stdout: '', stderr: '' }))).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(sink.received).toHaveLength(2);

    // doctor names the channels and the variables they still need
    const doctor = { stdout: '', stderr: '' };
    expect(await runCli(['doctor'], io(doctor))).toBe(0);
    expect(doctor.stdout).toContain('ok    channels: 1 Slack, 1 webhook; every variable set');
    const { RANKING_HOOK_SECRET: _unset, ...without } = env;
    const missing = { stdout: '', stderr: '' };
    expect(await runCli(['doctor'], { ...io(missing), env: without })).toBe(0);
    expect(missing.stdout).toContain('warn  channels: 1 Slack, 1 webhook; not set: RANKING_HOOK_SECRET');

    // status lists the channels' rows with the rest, never a resolved URL
    const status = { stdout: '', stderr: '' };
    expect(await runCli(['status', '--json'], io(status))).toBe(0);
    expect(status.stdout).not.toContain('canary-slack-e2e');
    expect(status.stdout).not.toContain(SECRET);
  });

  it('a relay killed mid-send loses nothing: after its lease expires the notices go, the held one again with the same delivery id', async () => {
    const dir = tempDir('upwatch-channels-kill-');
    const db = join(dir, 'kill.db');
    receiver = await startWebhookReceiver((h, before) =>
      h.path === SLACK_PATH && before === 0 ? 'hold' : { status: 200, body: 'ok' },
    );
    const variables = { SLACK_RANKING_URL: `${receiver.url}${SLACK_PATH}`, RANKING_HOOK_SECRET: SECRET };
    const set = contractSet(
      ['page_fans'],
      [
        feature('fans_growth', ['meta/page_fans'], {
          channels: [
            { kind: 'slack', url: parseTemplate('${SLACK_RANKING_URL}') },
            {
              kind: 'webhook',
              url: parseTemplate(`${receiver.url}/hooks/upwatch`),
              secret: parseTemplate('${RANKING_HOOK_SECRET}'),
            },
          ],
        }),
      ],
    );
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store = openStore(db);
    await store.recordPoll({
      source: 'meta',
      startedAt: clock.now().toISOString(),
      finishedAt: clock.now().toISOString(),
      outcome: 'ok',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    await processFindings({
      store,
      contracts: set,
      source: 'meta',
      findings: [finding('page_fans')],
      pollOutcome: 'ok',
      now: clock.now(),
      defaults: { messageIdHost: 'upwatch.test' },
    });
    const queued = (await store.outbox.list()).filter((r) => r.channel !== 'email');
    expect(queued.map((r) => r.channel)).toEqual(['slack', 'webhook']);

    // the relay claims both rows, the Slack receiver takes the first POST and never answers, and the relay is killed
    const child = spawnTsx('test/helpers/channel-relay-child.ts', [
      db,
      clock.now().toISOString(),
      JSON.stringify(variables),
    ]);
    await receiver.waitFor(1);
    child.kill('SIGKILL');
    expect((await exitOf(child)).signal).toBe('SIGKILL');
    expect((await store.outbox.list()).filter((r) => r.channel !== 'email').map((r) => r.status)).toEqual([
      'sending',
      'sending',
    ]);

    const relay = (at: ManualClock) =>
      deliverDue({
        store: store!,
        channels: { resolve: (n) => (variables as Record<string, string>)[n] },
        clock: at,
      });
    // while the dead relay's lease holds, nobody takes its rows
    clock.advanceMs(60_000);
    expect(await relay(clock)).toMatchObject({ claimed: 0 });
    // once it has expired, both go: the held one again, with the delivery id it had
    clock.advanceMs(61_000);
    expect(await relay(clock)).toMatchObject({ claimed: 2, sent: 2 });
    const slack = receiver.received.filter((r) => r.path === SLACK_PATH);
    expect(slack.map((r) => header(r.headers, 'Upwatch-Delivery'))).toEqual([
      queued[0]!.dedupKey,
      queued[0]!.dedupKey,
    ]);
    const hooks = receiver.received.filter((r) => r.path === '/hooks/upwatch');
    expect(hooks.map((r) => header(r.headers, 'Upwatch-Delivery'))).toEqual([queued[1]!.dedupKey]);
    expect((await store.outbox.list()).filter((r) => r.channel !== 'email').map((r) => r.status)).toEqual([
      'sent',
      'sent',
    ]);
  }, 30_000);
});
