// Four weeks of daily polls on loopback SMTP: a borderline condition that resolves and comes back every three days is
// mailed once (and its resolution once), a blocking finding left open is reminded weekly, and findings that were
// acknowledged or closed by a decision are never in a reminder (real SQLite file, real SMTP server, fixed clock).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Finding } from '../../src/core/finding.js';
import { deliverDue } from '../../src/alerts/deliver.js';
import { acceptFinding } from '../../src/findings/accept.js';
import { acknowledgeFinding } from '../../src/findings/acknowledge.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openStore } from '../../src/store/store.js';
import { contractSet, finding } from '../helpers/gate-fixtures.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

const contracts = contractSet(['flaky', 'removed', 'acked', 'rescaled'], []);
/** A frozen-run warning on a borderline series: seen on days 0, 3, 6, …, absent in between. */
const flaky = finding('flaky', {
  rule: 'frozen-run',
  class: 'frozen',
  severity: 'warn',
  title: 'flaky frozen',
});
const removed = finding('removed'); // metric-invalid, block: open for the four weeks
const acked = finding('acked', { rule: 'frozen-run', class: 'frozen', title: 'acked frozen' });
const rescaled = finding('rescaled', {
  rule: 'panel-scale',
  class: 'scale',
  evidence: { factor: 0.001 },
  title: 'rescaled changed scale',
});

let sink: SmtpSink | undefined;
afterAll(async () => {
  await sink?.close();
});

describe('four weeks with the defaults (quiet reopening within 7 days, weekly digest)', () => {
  it('mails the flapping warning once and its resolution once, and reminds only what is open and undecided, weekly', async () => {
    sink = await startSmtpSink();
    const store = openStore(join(tempDir('upwatch-flap-'), 'upwatch.db'));
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const subjectsByDay: string[][] = [];
    for (let day = 0; day < 28; day++) {
      const at = clock.now().toISOString();
      await store.recordPoll({
        source: 'meta',
        startedAt: at,
        finishedAt: at,
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      const findings: Finding[] = [removed, acked, ...(day === 0 ? [rescaled] : [])];
      if (day % 3 === 0) findings.push(flaky);
      await processFindings({
        store,
        contracts,
        source: 'meta',
        findings,
        pollOutcome: 'ok',
        now: clock.now(),
      });
      if (day === 1)
        await acknowledgeFinding(store, {
          finding: acked.fingerprint,
          reason: 'known',
          by: 'ana',
          now: clock.now(),
        });
      if (day === 2)
        await acceptFinding(store, {
          finding: rescaled.fingerprint,
          as: 'rescaled-history',
          reason: 'history ÷1000 in the feature store',
          by: 'ana',
          now: clock.now(),
        });
      const before = sink.received.length;
      await deliverDue({ store, smtpUrl: sink.url(), clock });
      subjectsByDay.push((await sink.parsed()).slice(before).map((m) => m.subject ?? ''));
      clock.advanceDays(1);
    }
    await store.close();

    const all = subjectsByDay.flatMap((s, day) => s.map((subject) => ({ day, subject })));
    // Before: the flapping warning reopened every three days with an alert and a resolved notice each time, and a
    // daily digest went out: 46 mails (19 alerts and resolved notices, 27 reminders). Now: the first alert (all four
    // findings), one resolved notice, and a weekly digest from the first day the blocking finding had been open a week.
    expect(all.filter((m) => !m.subject.startsWith('[upwatch] REMINDER'))).toEqual([
      { day: 0, subject: expect.stringMatching(/^\[upwatch\] (?!RESOLVED)/) as string },
      { day: 2, subject: '[upwatch] RESOLVED: flaky frozen' },
    ]);
    const reminders = all.filter((m) => m.subject.startsWith('[upwatch] REMINDER'));
    expect(reminders.map((m) => m.day)).toEqual([7, 14, 21]);
    const texts = (await sink.parsed())
      .filter((m) => m.subject?.startsWith('[upwatch] REMINDER'))
      .map((m) => m.text ?? '');
    for (const text of texts) {
      expect(text).toContain(removed.fingerprint);
      expect(text).not.toContain(acked.fingerprint); // acknowledged
      expect(text).not.toContain(rescaled.fingerprint); // decided
    }
    expect(reminders[0]!.subject).toMatch(
      /^\[upwatch\] REMINDER: weekly digest 2026-03-09, 1 open finding \(1 block\)$/,
    );
  });
});
