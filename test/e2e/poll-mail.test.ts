// `upwatch poll` end to end through the CLI: a removed metric blocks its feature, the owners get one grouped mail over
// a real SMTP server, `status` shows the finding and the feature state, and a revoked token is alerted (exit 3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'canary-poll-mail-token-9d2c';
const dir = tempDir('upwatch-poll-mail-');

function contracts(baseUrl: string): string {
  return (
    metaSourceYaml({ baseUrl, metrics: ['page_media_view', 'page_post_engagements'] }) +
    featureYaml('engagement_7d', ['meta/page_post_engagements'], { owners: ['ranking@example.com'] }) +
    featureYaml('views_7d', ['meta/page_media_view'], { owners: ['ranking@example.com'] })
  );
}

let graph: GraphServer | undefined;
let sink: SmtpSink | undefined;
afterAll(async () => {
  await graph?.close();
  await sink?.close();
});

function io(clock: ManualClock, out: { stdout: string; stderr: string }, smtpUrl: string): CliIO {
  return {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { META_TOKEN: TOKEN, UPWATCH_SMTP_URL: smtpUrl },
    cwd: dir,
    clock,
    isTTY: false,
  };
}

describe('upwatch poll with mail', () => {
  it('blocks, mails once, shows it in status, and alerts a revoked token', async () => {
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
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'meta.yaml'), contracts(graph.url));
    const clock = new ManualClock('2026-01-10T10:00:00Z');

    const first = { stdout: '', stderr: '' };
    expect(await runCli(['poll'], io(clock, first, sink.url()))).toBe(1);
    expect(first.stdout).toContain('blocked features: engagement_7d');
    expect(first.stderr).toMatch(/mail: 2 sent/);
    const mails = await sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
    ]);
    expect(sink.received.map((m) => m.to.join(',')).sort()).toEqual([
      'data@example.com',
      'ranking@example.com',
    ]);

    // the same condition an hour later: nothing new is mailed
    clock.advanceMs(3_600_000);
    expect(await runCli(['poll'], io(clock, { stdout: '', stderr: '' }, sink.url()))).toBe(1);
    expect(sink.received).toHaveLength(2);

    const status = { stdout: '', stderr: '' };
    expect(await runCli(['status', '--json'], io(clock, status, sink.url()))).toBe(0);
    const report = JSON.parse(status.stdout) as {
      findings: { rule: string; metric: string; severity: string }[];
      gate: { counts: { blocked: number; ok: number }; features: { feature: string; state: string }[] };
    };
    expect(report.findings.map((f) => [f.rule, f.metric, f.severity])).toEqual([
      ['metric-invalid', 'page_post_engagements', 'block'],
    ]);
    expect(report.gate.features.map((f) => [f.feature, f.state])).toEqual([
      ['engagement_7d', 'blocked'],
      ['views_7d', 'ok'],
    ]);
    const text = { stdout: '', stderr: '' };
    expect(await runCli(['status'], io(clock, text, sink.url()))).toBe(0);
    expect(text.stdout).toContain('features: 1 blocked, 0 warn, 1 ok');

    // the token is revoked: nothing can be verified, and that is alerted as such, once; a feature is still blocked,
    // and a failed policy (exit 1) wins over "could not verify" (exit 3)
    graph.options.token = 'another-token';
    clock.advanceMs(3_600_000);
    const revoked = { stdout: '', stderr: '' };
    expect(await runCli(['poll'], io(clock, revoked, sink.url()))).toBe(1);
    expect(revoked.stdout).toContain('FAILED');
    const later = (await sink.parsed()).slice(2).map((m) => m.subject);
    expect(later.length).toBeGreaterThan(0);
    for (const s of later) expect(s).toContain('could not be verified');
    for (const m of sink.received) expect(m.raw).not.toContain(TOKEN);
  });
});
