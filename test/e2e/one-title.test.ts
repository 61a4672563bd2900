// One title per fingerprint: a finding seen by one rule one day and another rule of its class the next (a freeze seen
// by frozen-run, then frozen-panel) reads the same in the mail, the report, `upwatch status` and the gate's reasons.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Finding } from '../../src/core/finding.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import type { StatusReport } from '../../src/cli/commands/status.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { collectReport } from '../../src/report/collect.js';
import { renderReport } from '../../src/report/render.js';
import { checkGate } from '../../src/gate/check-gate.js';
import { openStore, type Store } from '../../src/store/store.js';
import { contractSet, feature, finding } from '../helpers/gate-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const contracts = contractSet(['page_fans'], [feature('fans_growth', ['meta/page_fans'])]);

let store: Store | undefined;
afterEach(() => store?.close());

/** A freeze draft of page_fans from `rule` (both rules share the fingerprint: class, source and metric). */
const frozen = (rule: 'frozen-run' | 'frozen-panel', severity: 'block' | 'warn' = 'block'): Finding =>
  finding('page_fans', {
    rule,
    class: 'frozen',
    severity,
    title: undefined,
    evidence: rule === 'frozen-run' ? { runDays: 5 } : { frozenShare: 0.8 },
    explanation:
      rule === 'frozen-run'
        ? 'page_fans repeated its value for 5 days.'
        : 'page_fans froze on 80 % of the panel.',
  });

describe('one title per fingerprint', () => {
  it('a fingerprint whose drafts alternate rules keeps the title it was mailed with, in the report and status too', async () => {
    const path = join(tempDir('upwatch-one-title-'), 'upwatch.db');
    store = openStore(path);
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const poll = async (f: Finding) => {
      await store!.recordPoll({
        source: 'meta',
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      const r = await processFindings({
        store: store!,
        contracts,
        source: 'meta',
        findings: [f],
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { recipients: ['oncall@example.com'] },
      });
      clock.advanceMs(86_400_000);
      return r;
    };
    const opened = (await poll(frozen('frozen-run'))).opened[0]!;
    await poll(frozen('frozen-panel'));
    await poll(frozen('frozen-panel', 'warn'));
    await poll(frozen('frozen-run'));
    await poll(frozen('frozen-panel'));

    const title = 'page_fans frozen (frozen-run)';
    const mail = (await store.outbox.list()).find(
      (r) => r.recipient === 'oncall@example.com' && r.kind === 'alert',
    )!;
    expect(mail.payload.subject).toBe(`[upwatch] BLOCKED 1 feature: ${title}`);

    const now = clock.now();
    const html = renderReport(
      await collectReport({ store, contracts, storePath: path, contractsDir: 'contracts', now }),
    );
    expect(html).toContain(`${title}</h4>`);
    expect(html).not.toContain('frozen-panel');

    const gate = await checkGate({ store, contracts, now });
    expect(gate.features[0]!.reasons.map((r) => [r.rule, r.title])).toEqual([['frozen-run', title]]);
    await store.close();
    store = undefined;

    let out = '';
    const io: CliIO = {
      stdout: (t) => void (out += t),
      stderr: () => undefined,
      env: {},
      cwd: tempDir('upwatch-one-title-cwd-'),
      clock,
      isTTY: false,
    };
    expect(await runCli(['status', '--json', '--db', path], io)).toBe(0);
    const status = JSON.parse(out) as StatusReport;
    expect(status.findings.map((f) => [f.fingerprint, f.rule, f.title])).toEqual([
      [opened.fingerprint, 'frozen-run', title],
    ]);
  });

  it('a #100 finding after an announcement: onset is the first #100 day, the announcement its own date, in mail, report and status', async () => {
    const path = join(tempDir('upwatch-onset-'), 'upwatch.db');
    store = openStore(path);
    const clock = new ManualClock('2026-03-10T07:00:00Z');
    const poll = async (f: Finding) => {
      await store!.recordPoll({
        source: 'meta',
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      await processFindings({
        store: store!,
        contracts,
        source: 'meta',
        findings: [f],
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { recipients: ['oncall@example.com'] },
      });
    };
    // Read in the known deprecations on 2026-03-10: announced 2026-01-15, effective 2026-03-14.
    await poll(
      finding('page_fans', {
        rule: 'announced-deprecation',
        severity: 'warn',
        title: undefined,
        onset: '2026-03-10',
        announcedOn: '2026-01-15',
        effectiveDate: '2026-03-14',
        evidence: { channel: 'knowledge', evidence: 'announced' },
        explanation: 'Meta will remove metric page_fans on 2026-03-14 (announced 2026-01-15).',
      }),
    );
    // The first (#100) answer, four days later.
    clock.set('2026-03-14T07:00:00Z');
    await poll(
      finding('page_fans', {
        title: undefined,
        onset: '2026-03-14',
        announcedOn: '2026-01-15',
        effectiveDate: '2026-03-14',
      }),
    );

    const escalation = (await store.outbox.list())
      .filter((r) => r.recipient === 'oncall@example.com' && r.kind === 'alert')
      .at(-1)!;
    expect(escalation.payload.subject).toBe(
      '[upwatch] BLOCKED 1 feature: page_fans rejected by Meta (#100) (escalated from warn)',
    );
    expect(escalation.payload.text).toContain(
      'onset: 2026-03-14  announced: 2026-01-15  effective: 2026-03-14',
    );

    const html = renderReport(
      await collectReport({ store, contracts, storePath: path, contractsDir: 'contracts', now: clock.now() }),
    );
    expect(html).toMatch(/onset <b>2026-03-14[^<]*<\/b>/);
    expect(html).toMatch(/announced 2026-01-15/);
    await store.close();
    store = undefined;

    let out = '';
    const io: CliIO = {
      stdout: (t) => void (out += t),
      stderr: () => undefined,
      env: {},
      cwd: tempDir('upwatch-onset-cwd-'),
      clock,
      isTTY: false,
    };
    expect(await runCli(['status', '--json', '--db', path], io)).toBe(0);
    expect((JSON.parse(out) as StatusReport).findings).toMatchObject([
      { rule: 'metric-invalid', onset: '2026-03-14', announcedOn: '2026-01-15' },
    ]);
  });
});
