// End to end: a finding blocks a feature → `upwatch gate` exits 1, the status file says so, the owner gets one mail;
// `ack`, `override` and `doctor` through runCli with real contracts, a real SQLite file and a real SMTP server.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadContracts } from '../../src/contracts/load.js';
import { toFinding } from '../../src/core/finding.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { writeStatusFile } from '../../src/gate/status-file.js';
import { createMailRelay } from '../../src/alerts/setup.js';
import { openStore } from '../../src/store/store.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'upwatch-gate-e2e-'));
cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
const db = join(dir, '.upwatch', 'upwatch.db');
const clock = new ManualClock('2026-03-15T07:00:00Z');
const SOURCE = 'meta-page-insights';

function capture(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { META_PAGE_TOKEN: 'x', USER: 'ana', ...env },
    cwd: dir,
    clock,
    isTTY: false,
  };
  return { io, out };
}

async function run(args: string[], env: Record<string, string> = {}) {
  const { io, out } = capture(env);
  const code = await runCli(args, io);
  return { code, ...out };
}

const sinkPromise = startSmtpSink();
afterAll(async () => (await sinkPromise).close());

describe('gate, ack, override and doctor end to end', () => {
  let fingerprint = '';

  it('a blocking finding reaches the gate, the status file and one grouped mail to the owner', async () => {
    const sink = await sinkPromise;
    const { contracts } = await loadContracts(join(dir, 'contracts'), {
      env: () => 'x',
      now: clock.now(),
      root: dir,
    });
    const store = openStore(db);
    await store.recordPoll({
      source: SOURCE,
      startedAt: clock.now().toISOString(),
      finishedAt: clock.now().toISOString(),
      outcome: 'ok',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    const draft = {
      rule: 'metric-invalid',
      class: 'deprecation' as const,
      severity: 'block' as const,
      source: SOURCE,
      metric: 'page_post_engagements',
      entities: [],
      onset: '2026-03-15',
      evidence: { graphCode: 100 },
      explanation: 'page_post_engagements rejected by Meta (#100): "must be a valid insights metric".',
      title: 'page_post_engagements rejected by Meta (#100)',
    };
    const result = await processFindings({
      store,
      contracts,
      source: SOURCE,
      findings: [toFinding(draft, clock.now().toISOString())],
      pollOutcome: 'ok',
      now: clock.now(),
    });
    fingerprint = result.opened[0]!.fingerprint;
    writeStatusFile(join(dir, 'snapshots', 'status.json'), result.gate);
    const mail = createMailRelay({ store, smtpUrl: sink.url(), clock });
    await mail.relay.relayOnce(clock.now());
    await mail.close();
    await store.close();

    const status = JSON.parse(readFileSync(join(dir, 'snapshots', 'status.json'), 'utf8')) as {
      schemaVersion: number;
      features: { feature: string; state: string }[];
    };
    expect(status.schemaVersion).toBe(1);
    expect(status.features.find((f) => f.feature === 'engagement_per_view_7d')?.state).toBe('blocked');

    const mails = await sink.parsed();
    const toRanking = mails.filter((m) => JSON.stringify(m.to).includes('ranking-ml@example.com'));
    expect(toRanking).toHaveLength(1);
    expect(toRanking[0]!.subject).toBe(
      '[upwatch] BLOCKED 1 feature: page_post_engagements rejected by Meta (#100)',
    );
  });

  it('upwatch gate exits 1 for a blocked feature, 0 for allowed ones, 2 for unknown names', async () => {
    const blocked = await run(['gate', 'engagement_per_view_7d']);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('engagement_per_view_7d  BLOCKED');
    expect(blocked.stdout).toContain('metric-invalid  meta-page-insights/page_post_engagements');
    expect((await run(['gate', 'follower_growth_28d'])).code).toBe(0);
    const json = await run(['gate', '--model', 'feed-ranker', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schemaVersion: 1,
      allowed: false,
      counts: { blocked: 1, ok: 1 },
    });
    const unknown = await run(['gate', 'no_such_feature']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown feature: no_such_feature');
    expect((await run(['gate', '--model', 'nope'])).code).toBe(2);
    expect((await run(['gate'])).code).toBe(2);
    expect((await run(['gate', 'follower_growth_28d', '--db', join(dir, 'missing.db')])).code).toBe(2);
    expect((await run(['gate', 'engagement_per_view_7d', '--fail-on', 'never'])).code).toBe(0);
    expect((await run(['gate', 'follower_growth_28d', '--fail-on', 'bogus'])).code).toBe(2);
  });

  it('reads the status file instead of the store (--status-file), with the same exit codes', async () => {
    const status = join('snapshots', 'status.json');
    const blocked = await run([
      'gate',
      'engagement_per_view_7d',
      '--status-file',
      status,
      '--db',
      join(dir, 'nope.db'),
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('engagement_per_view_7d  BLOCKED');
    expect(blocked.stderr).toContain('generated 2026-03-15T07:00:00.000Z');
    expect((await run(['gate', '--model', 'feed-ranker', '--status-file', status, '--json'])).code).toBe(1);
    expect((await run(['gate', 'follower_growth_28d', '--status-file', status])).code).toBe(0);
    expect((await run(['gate', 'nope', '--status-file', status])).code).toBe(2);
    expect((await run(['gate', 'follower_growth_28d', '--status-file', 'missing.json'])).code).toBe(2);
    writeFileSync(join(dir, 'not-status.json'), '{"features": []}');
    const wrong = await run(['gate', 'follower_growth_28d', '--status-file', 'not-status.json']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not an upwatch status file (schemaVersion 1)');
  });

  it('--fail-on warn fails on a feature that is only warned (a source not verified in time)', async () => {
    clock.advanceMs(40 * 3_600_000); // past freshnessHours 36 with no verified poll
    const warn = await run(['gate', 'follower_growth_28d']);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain('follower_growth_28d  WARN');
    expect(warn.stdout).toMatch(
      /unverified {2}meta-page-insights\/page_follows: last verified 2026-03-15T07:00:00.000Z \(freshness 36 h\)/,
    );
    expect((await run(['gate', 'follower_growth_28d', '--fail-on', 'warn'])).code).toBe(1);
    clock.set('2026-03-15T07:00:00Z');
  });

  it('ack silences reminders but does not unblock; override allows until it expires by itself', async () => {
    const ack = await run([
      'ack',
      fingerprint.slice(0, 6),
      '--reason',
      'migrating to page_media_view',
      '--until',
      '7d',
    ]);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toContain(`acknowledged ${fingerprint}`);
    expect((await run(['ack', 'ffff0000', '--reason', 'x'])).code).toBe(2);
    expect((await run(['gate', 'engagement_per_view_7d'])).code).toBe(1);

    expect(
      (
        await run([
          'override',
          'engagement_per_view_7d',
          '--allow',
          '--block',
          '--reason',
          'x',
          '--until',
          '1d',
        ])
      ).code,
    ).toBe(2);
    expect(
      (await run(['override', 'engagement_per_view_7d', '--allow', '--reason', 'x', '--until', '2020-01-01']))
        .code,
    ).toBe(2);
    const ov = await run([
      'override',
      'engagement_per_view_7d',
      '--allow',
      '--reason',
      'replacement wired in',
      '--until',
      '1d',
      '--by',
      'bo',
    ]);
    expect(ov.code).toBe(0);
    expect(ov.stdout).toContain('now ok (findings alone: blocked)');
    expect((await run(['gate', 'engagement_per_view_7d'])).code).toBe(0);
    clock.advanceMs(25 * 3_600_000);
    expect((await run(['gate', 'engagement_per_view_7d'])).code).toBe(1);
    clock.set('2026-03-15T07:00:00Z');

    const store = openStore(db, { readonly: true });
    const audit = await store.audit.read();
    await store.close();
    expect(audit.map((a) => [a.actor, a.action])).toEqual(
      expect.arrayContaining([
        ['upwatch', 'opened'],
        ['ana', 'acknowledged'],
        ['bo', 'override-allow'],
      ]),
    );
  });

  it('doctor reports each check and exits 0 when usable, 2 when not', async () => {
    const sink = await sinkPromise;
    const ok = await run(['doctor'], { UPWATCH_SMTP_URL: sink.url({ user: 'u', pass: 'doctor-canary-pw' }) });
    expect(ok.stdout).toMatch(/^ok {4}store: .*quick_check ok, schema version \d+\/\d+$/m);
    expect(ok.stdout).toMatch(
      /^ok {4}smtp: smtp:\/\/u:\*\*\*@127\.0\.0\.1:\d+.*connected and authenticated$/m,
    );
    expect(ok.stdout).not.toContain('doctor-canary-pw');
    expect(ok.code).toBe(0);
    const bad = await run(['doctor', '--db', join(dir, 'nope.db')], {
      UPWATCH_SMTP_URL: 'smtp://127.0.0.1:1?ignoreTLS=true',
    });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/^fail {2}store: .*does not exist\n {6}hint: /m);
    expect(bad.stdout).toMatch(/^fail {2}smtp: /m);

    // a store written by a newer upwatch is unusable, with a hint
    const newer = join(dir, 'newer.db');
    const s = openStore(newer);
    s.db.pragma('user_version = 99');
    await s.close();
    const future = await run(['doctor', '--db', newer]);
    expect(future.code).toBe(2);
    expect(future.stdout).toMatch(/^fail {2}store: .*(schema version 99|99)/m);
  });
});
