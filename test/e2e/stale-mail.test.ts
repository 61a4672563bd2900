// Mail queued while SMTP was not configured is checked against the present when it is finally sent: a finding
// acknowledged and a feature overridden to allow in the meantime are not mailed as "[NEW] … Blocked".
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import type { StatusReport } from '../../src/cli/commands/status.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'canary-stale-mail-token-5a1c';
const dir = tempDir('upwatch-stale-mail-');

const CONTRACTS = (baseUrl: string) =>
  metaSourceYaml({ baseUrl, metrics: ['page_media_view', 'page_post_engagements'] }) +
  featureYaml('engagement_7d', ['meta/page_post_engagements'], { owners: ['ranking@example.com'] });

let graph: GraphServer | undefined;
let sink: SmtpSink | undefined;
afterAll(async () => {
  await graph?.close();
  await sink?.close();
});

async function run(args: string[], clock: ManualClock, smtp: boolean) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { META_TOKEN: TOKEN, UPWATCH_USER: 'ana', ...(smtp ? { UPWATCH_SMTP_URL: sink!.url() } : {}) },
    cwd: dir,
    clock,
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, ...out };
}

describe('stale mail', () => {
  it('queued while SMTP is unset, acknowledged and overridden meanwhile: not sent once SMTP is set, status says why', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      // A healthy metric beside the rejected one (values move day to day, so nothing else is found).
      metrics: { page_media_view: (_page, day) => 1000 + (Number(day.slice(8, 10)) % 7) * 37 },
      errors: {
        page_post_engagements: {
          status: 400,
          code: 100,
          message: '(#100) The value must be a valid insights metric',
        },
      },
    });
    sink = await startSmtpSink();
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'meta.yaml'), CONTRACTS(graph.url));
    const clock = new ManualClock('2026-01-10T07:00:00Z');

    const first = await run(['poll'], clock, false);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('notification(s) queued; set UPWATCH_SMTP_URL to send them');

    clock.advanceMs(3_600_000);
    const status = JSON.parse((await run(['status', '--json'], clock, false)).stdout) as StatusReport;
    const fingerprint = status.findings[0]!.fingerprint;
    expect(
      (await run(['ack', fingerprint, '--reason', 'moving to page_media_view'], clock, false)).code,
    ).toBe(0);
    const override = await run(
      ['override', 'engagement_7d', '--allow', '--reason', 'replacement wired', '--until', '7d'],
      clock,
      false,
    );
    expect(override.code).toBe(0);

    // The next day SMTP is configured; the upstream still rejects the metric.
    clock.advanceMs(23 * 3_600_000);
    const second = await run(['poll'], clock, true);
    expect(second.stderr).toMatch(/mail: 0 sent, 0 to retry, 0 undeliverable, 2 no longer true \(not sent\)/);
    expect(sink.received).toHaveLength(0);

    const text = await run(['status'], clock, true);
    expect(text.stdout).toMatch(
      /^mail: 0 pending, 0 retrying, 0 dead \(undeliverable\), 0 sent, 2 not sent \(no longer true\)$/m,
    );
    expect(text.stdout).toMatch(
      /^ {2}NOT SENT #\d+ alert to data@example\.com, queued 2026-01-10T07:00:00\.000Z: acknowledged by ana on 2026-01-10: moving to page_media_view$/m,
    );
    const audit = await run(['status', '--json'], clock, true);
    expect((JSON.parse(audit.stdout) as StatusReport).mail).toMatchObject({ dropped: 2, sent: 0 });
  });
});
