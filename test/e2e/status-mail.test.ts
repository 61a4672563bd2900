// `upwatch status` shows the outbox: what waits, what is retried and what was given up, with the server's reason and
// no secret in it — the place `upwatch poll` points to when mail is undeliverable.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/store.js';
import type { StatusReport } from '../../src/cli/commands/status.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'canary-status-mail-token-41e7';
const SMTP_PASS = 'canary-smtp-pass-0b9d';
const dir = tempDir('upwatch-status-mail-');

const CONTRACTS = (baseUrl: string) =>
  metaSourceYaml({ baseUrl, metrics: ['page_media_view', 'page_post_engagements'] }) +
  featureYaml('engagement_7d', ['meta/page_post_engagements'], {
    owners: ['ranking@example.com', 'growth@example.com'],
  });

let graph: GraphServer | undefined;
let sink: SmtpSink | undefined;
afterAll(async () => {
  await graph?.close();
  await sink?.close();
});

async function run(args: string[], clock: ManualClock) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { META_TOKEN: TOKEN, UPWATCH_SMTP_URL: sink!.url({ user: 'alerts', pass: SMTP_PASS }) },
    cwd: dir,
    clock,
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, ...out };
}

describe('upwatch status: the outbox', () => {
  it('lists pending, retrying and dead mail with the redacted last error, in text and JSON', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: () => 1000 },
      errors: {
        page_post_engagements: {
          status: 400,
          code: 100,
          message: '(#100) The value must be a valid insights metric',
        },
      },
    });
    sink = await startSmtpSink();
    // A server that echoes what it was given: the reasons carry the SMTP password and an access token.
    sink.setRcptCode((a) => (a === 'data@example.com' ? 550 : a === 'ranking@example.com' ? 451 : undefined));
    sink.setRcptText(
      (a) => `${a} refused for alerts:${SMTP_PASS} via https://x.test/?access_token=${TOKEN}&a=1`,
    );
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'meta.yaml'), CONTRACTS(graph.url));
    const clock = new ManualClock('2026-01-10T10:00:00Z');

    const poll = await run(['poll'], clock);
    expect(poll.code).toBe(1);
    expect(poll.stderr).toContain('mail: 1 sent, 1 to retry, 1 undeliverable (see upwatch status)');

    const json = await run(['status', '--json'], clock);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report.mail).toMatchObject({ pending: 0, retrying: 1, sending: 0, sent: 1, dead: 1 });
    expect(
      report.mail.problems.map((p) => [
        p.status,
        p.kind,
        p.recipient,
        p.attempts,
        p.nextAttemptAt !== undefined,
      ]),
    ).toEqual([
      ['dead', 'alert', 'data@example.com', 1, false],
      ['retrying', 'alert', 'ranking@example.com', 1, true],
    ]);
    expect(report.mail.problems[0]!.lastError).toMatch(/^permanent: .*550.*refused for alerts:\[REDACTED\]/);
    expect(report.mail.problems[1]!.lastError).toMatch(/^transient: .*451.*access_token=\[REDACTED\]&a=1/);

    const text = await run(['status'], clock);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^mail: 0 pending, 1 retrying, 1 dead \(undeliverable\), 1 sent$/m);
    expect(text.stdout).toMatch(
      /^ {2}DEAD {2}#\d+ alert to data@example\.com, 1 attempt, queued 2026-01-10T10:00:00\.000Z: permanent: /m,
    );
    expect(text.stdout).toMatch(
      /^ {2}RETRY #\d+ alert to ranking@example\.com, 1 attempt, next at 2026-01-10T\S+: transient: /m,
    );

    // nor is it stored: the relay scrubs the reply before it writes last_error
    const store = openStore(join(dir, '.upwatch', 'upwatch.db'), { readonly: true });
    const stored = (await store.outbox.list()).map((r) => r.lastError ?? '');
    await store.close();
    for (const out of [json.stdout, text.stdout, ...stored]) {
      expect(out).not.toContain(SMTP_PASS);
      expect(out).not.toContain(TOKEN);
    }
  });
});
