// The whole path on loopback: Graph-like server → real poller and SQLite file → detection → processFindings →
// status file → relay → smtp-server, then `upwatch gate` on the same store. A removed metric blocks its feature and
// its owner gets one grouped mail; a rejected token is alerted too (a failed poll that is news), once.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadContracts } from '../../src/contracts/load.js';
import { detectSource } from '../../src/pipeline/detect.js';
import { pollSource } from '../../src/pipeline/poll-source.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { writeStatusFile } from '../../src/gate/status-file.js';
import { deliverDue } from '../../src/alerts/deliver.js';
import { openStore } from '../../src/store/store.js';
import { featureYaml, metaSourceYaml } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { testDeps } from '../helpers/poll-deps.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const TOKEN = 'canary-graph-token-4b1e';
const dir = mkdtempSync(join(tmpdir(), 'upwatch-alerts-e2e-'));
const db = join(dir, 'upwatch.db');

function contractsYaml(baseUrl: string): string {
  return (
    metaSourceYaml({ baseUrl, lookbackDays: 3, metrics: ['page_media_view', 'page_impressions'] }) +
    featureYaml('reach_7d', ['meta/page_impressions'], { owners: ['reach-owner@example.com'] }) +
    featureYaml('views_7d', ['meta/page_media_view'], { owners: ['views-owner@example.com'] })
  );
}

let graph: GraphServer | undefined;
let sink: SmtpSink | undefined;
afterAll(async () => {
  await graph?.close();
  await sink?.close();
});

describe('poll → detect → findings → gate → mail, on loopback', () => {
  it('blocks the feature of a removed metric, mails its owner once, and alerts a rejected token', async () => {
    graph = await startGraphServer({
      token: TOKEN,
      metrics: { page_media_view: (_page, day) => 1000 + ((Number(day.slice(8)) * 37) % 101) },
      errors: {
        page_impressions: {
          status: 400,
          code: 100,
          message: '(#100) The value must be a valid insights metric',
        },
      },
    });
    sink = await startSmtpSink();
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'meta.yaml'), contractsYaml(graph.url));
    const store = openStore(db);
    const deps = testDeps({ env: { META_TOKEN: TOKEN }, store, now: '2026-01-10T10:00:00Z' });
    const { contracts, diagnostics } = await loadContracts(join(dir, 'contracts'), {
      env: () => TOKEN,
      now: deps.clock.now(),
    });
    // validation already knows page_impressions is gone (an error in CI); the contract still loads for polling
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['metric-removed']);
    expect(contracts.features.map((f) => f.name)).toEqual(['reach_7d', 'views_7d']);
    const source = contracts.sources[0]!;

    const cycle = async () => {
      const poll = await pollSource(deps, source);
      const findings = await detectSource(store, source, deps.clock.now(), []);
      const r = await processFindings({
        store,
        contracts,
        source,
        findings,
        pollOutcome: poll.outcome,
        now: deps.clock.now(),
        defaults: { reminderIntervalHours: 24 }, // the daily digest, configured
      });
      writeStatusFile(join(dir, 'snapshots', 'status.json'), r.gate);
      await deliverDue({ store, smtpUrl: sink!.url(), clock: deps.clock });
      return { poll, r };
    };

    const day1 = await cycle();
    expect(day1.poll.outcome).toBe('partial');
    expect(day1.r.opened.map((f) => [f.rule, f.metric])).toEqual([['metric-invalid', 'page_impressions']]);
    const status = JSON.parse(readFileSync(join(dir, 'snapshots', 'status.json'), 'utf8')) as {
      features: { feature: string; state: string }[];
    };
    expect(status.features.map((f) => [f.feature, f.state])).toEqual([
      ['reach_7d', 'blocked'],
      ['views_7d', 'ok'],
    ]);
    const mails = await sink.parsed();
    expect(mails.map((m) => [m.to && !Array.isArray(m.to) ? m.to.text : '', m.subject]).sort()).toEqual(
      ['data@example.com', 'reach-owner@example.com'].map((to) => [
        to,
        '[upwatch] BLOCKED 1 feature: page_impressions rejected by Meta (#100)',
      ]),
    );
    expect(String(mails[0]!.html)).toContain('page_media_view'); // the replacement

    // the same state 12 h later: nothing new is mailed; the next day after 08:00 UTC, one reminder digest each
    deps.clock.advanceMs(12 * 3_600_000);
    await cycle();
    expect(sink.received).toHaveLength(2);
    deps.clock.advanceMs(12 * 3_600_000);
    await cycle();
    expect((await sink.parsed()).slice(2).map((m) => m.subject)).toEqual([
      '[upwatch] REMINDER: daily digest 2026-01-11, 1 open finding (1 block)',
      '[upwatch] REMINDER: daily digest 2026-01-11, 1 open finding (1 block)',
    ]);

    // the token is revoked: a failed poll, alerted as "could not verify", blocking both features; nothing resolves
    graph.options.token = 'another-token';
    deps.clock.advanceMs(6 * 3_600_000);
    const day3 = await cycle();
    expect(day3.poll.outcome).toBe('failed');
    expect(day3.r.opened.map((f) => [f.rule, f.class])).toEqual([['token-invalid', 'unverified']]);
    expect(day3.r.resolved).toEqual([]);
    const alerts = (await sink.parsed()).slice(4);
    expect(alerts.map((m) => [m.to && !Array.isArray(m.to) ? m.to.text : '', m.subject]).sort()).toEqual(
      ['data@example.com', 'reach-owner@example.com', 'views-owner@example.com'].map((to) => [
        to,
        '[upwatch] BLOCKED 2 features: meta could not be verified (token-invalid)',
      ]),
    );

    for (const m of sink.received) expect(m.raw).not.toContain(TOKEN);
    for (const row of await store.outbox.list()) expect(JSON.stringify(row)).not.toContain(TOKEN);
    await store.close();

    const io = (out: { s: string }): CliIO => ({
      stdout: (t) => void (out.s += t),
      stderr: (t) => void (out.s += t),
      env: { META_TOKEN: TOKEN },
      cwd: dir,
      clock: deps.clock,
      isTTY: false,
    });
    const out = { s: '' };
    expect(await runCli(['gate', 'views_7d', '--db', db], io(out))).toBe(1);
    expect(out.s).toContain('token-invalid');
    expect(await runCli(['gate', 'nope', '--db', db], io({ s: '' }))).toBe(2);
  });
});
