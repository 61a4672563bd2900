import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { openStore, type SqliteStore } from '../store/store.js';
import { processFindings } from './process-findings.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { metaSource } from '../../test/helpers/contracts.js';

let store: SqliteStore;
afterEach(() => store?.close());

const contracts = contractSet(['m1', 'm2'], [feature('f1', ['meta/m1']), feature('f2', ['meta/m2'])]);

async function run(
  clock: ManualClock,
  findings: ReturnType<typeof finding>[],
  outcome: 'ok' | 'failed' = 'ok',
) {
  await store.recordPoll({
    source: 'meta',
    startedAt: clock.now().toISOString(),
    finishedAt: clock.now().toISOString(),
    outcome,
    fetch: { observations: [], requests: [], metricOutcomes: [] },
  });
  return processFindings({
    store,
    contracts,
    source: 'meta',
    findings,
    pollOutcome: outcome,
    now: clock.now(),
  });
}

describe('processFindings', () => {
  it('opens, keeps, resolves after two good polls, ignores failed polls, and reopens as a new episode — all audited', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    // A condition (a freeze may thaw) resolves by absence; a change of meaning holds (see the test below).
    const frozen = finding('m1', { rule: 'frozen-run', class: 'frozen' });
    const r1 = await run(clock, [frozen]);
    expect(r1.opened).toHaveLength(1);
    expect(r1.featureChanges).toEqual([
      { feature: 'f1', from: undefined, to: 'blocked' },
      { feature: 'f2', from: undefined, to: 'ok' },
    ]);
    expect(r1.queued).toBe(2); // the source owner and f1's owner; f2's owner is not affected
    clock.advanceDays(1);
    expect(await run(clock, [frozen])).toMatchObject({
      opened: [],
      updated: [{ lastSeen: clock.now().toISOString() }],
      queued: 0,
    });
    clock.advanceDays(1);
    expect(await run(clock, [], 'failed')).toMatchObject({ opened: [], resolved: [], updated: [] });
    expect((await run(clock, [], 'failed')).featureChanges).toEqual([]);
    clock.advanceDays(1);
    expect((await run(clock, [])).resolved).toHaveLength(0);
    clock.advanceDays(1);
    const r = await run(clock, []);
    expect(r.resolved).toHaveLength(1);
    expect(r.featureChanges).toEqual([{ feature: 'f1', from: 'blocked', to: 'ok' }]);
    expect(await store.findings.active()).toHaveLength(0);
    clock.advanceDays(1);
    expect((await run(clock, [frozen])).opened[0]).toMatchObject({ episode: 2, status: 'open' });
    expect((await store.findings.list()).map((f) => [f.episode, f.status])).toEqual([
      [2, 'open'],
      [1, 'resolved'],
    ]);
    expect((await store.audit.read({ targetKind: 'finding' })).map((a) => a.action)).toEqual([
      'opened',
      'resolved',
      'reopened',
    ]);
    expect(
      (await store.audit.read({ targetKind: 'feature', target: 'f1' })).map((a) => [
        a.details['from'],
        a.details['to'],
      ]),
    ).toEqual([
      [null, 'blocked'],
      ['blocked', 'ok'],
      ['ok', 'blocked'],
    ]);
    expect((await store.overrides.featureStates()).get('f1')?.state).toBe('blocked');
  });

  it('hysteresis: a condition back within 7 days of resolving reopens on the gate without mail, unless more severe', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const warn = finding('m1', { rule: 'frozen-run', class: 'frozen', severity: 'warn' });
    const block = { ...warn, severity: 'block' as const };
    const mails = async () => (await store.outbox.list()).map((o) => `${o.kind} ${o.recipient}`);
    const day = async (findings: ReturnType<typeof finding>[]) => {
      clock.advanceDays(1);
      return run(clock, findings);
    };
    expect((await run(clock, [warn])).queued).toBe(2); // day 0: the alert to both owners
    await day([]);
    expect((await day([])).resolved).toHaveLength(1); // day 2: resolved, the resolved notice threads under the alert
    const told = await mails();
    expect(told.filter((m) => m.startsWith('alert'))).toHaveLength(2);
    // Day 3, the next borderline day: back at warn. The gate warns again; nobody is mailed again.
    const back = await day([warn]);
    expect(back.opened[0]).toMatchObject({ episode: 2, severity: 'warn' });
    expect(back.featureChanges).toEqual([{ feature: 'f1', from: 'ok', to: 'warn' }]);
    expect(back.queued).toBe(0);
    expect(
      (await store.audit.read({ targetKind: 'finding' })).find((a) => a.action === 'reopened')?.details,
    ).toMatchObject({ quiet: true });
    await day([]);
    expect((await day([])).resolved).toHaveLength(1); // a quiet episode resolves without a resolved notice
    expect((await day([warn])).queued).toBe(0); // day 7: within 7 days of the last resolution, still quiet
    // Stronger evidence of trouble: the same fingerprint escalates to block, and that is news.
    const worse = await day([block]);
    expect(worse.escalated).toHaveLength(1);
    expect(worse.queued).toBe(2);
    expect((await mails()).filter((m) => m.startsWith('alert'))).toHaveLength(4);
  });

  it('hysteresis ends: a condition back 7 or more days after it resolved alerts again', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const warn = finding('m1', { rule: 'frozen-run', class: 'frozen', severity: 'warn' });
    await run(clock, [warn]);
    clock.advanceDays(1);
    await run(clock, []);
    clock.advanceDays(1);
    expect((await run(clock, [])).resolved).toHaveLength(1);
    clock.advanceDays(7);
    const back = await run(clock, [warn]);
    expect(back.opened[0]).toMatchObject({ episode: 2 });
    expect((await store.outbox.list()).filter((o) => o.kind === 'alert')).toHaveLength(4);
  });

  it('holds a scale change while the detectors fall quiet, until the upstream returns to the old scale — audited', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const scale = (factor: number, onset: string) =>
      finding('m1', { rule: 'panel-scale', class: 'scale', evidence: { factor }, onset });
    expect((await run(clock, [scale(0.001, '2026-03-14')])).opened[0]).toMatchObject({ lifecycle: 'change' });
    for (let day = 0; day < 10; day++) {
      clock.advanceDays(1);
      expect((await run(clock, [])).resolved).toEqual([]);
    }
    expect(await store.findings.active()).toMatchObject([{ status: 'open', goodPollsSinceAbsent: 10 }]);
    expect((await store.overrides.featureStates()).get('f1')?.state).toBe('blocked');
    clock.advanceDays(1);
    const back = await run(clock, [scale(1000, '2026-03-25')]);
    expect(back).toMatchObject({ opened: [], resolved: [{ resolution: 'reverted' }] });
    expect(back.featureChanges).toEqual([{ feature: 'f1', from: 'blocked', to: 'ok' }]);
    expect((await store.audit.read({ targetKind: 'finding' })).at(-1)).toMatchObject({
      action: 'resolved',
      reason: 'the upstream returned to the old scale on 2026-03-25',
      details: { resolution: 'reverted' },
    });
  });

  it('escalation notifies again; the same severity does not', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    expect((await run(clock, [finding('m2', { severity: 'warn' })])).queued).toBe(2);
    clock.advanceMs(3_600_000);
    expect((await run(clock, [finding('m2', { severity: 'warn' })])).queued).toBe(0);
    clock.advanceMs(3_600_000);
    const r = await run(clock, [finding('m2', { severity: 'block' })]);
    expect(r.escalated).toHaveLength(1);
    expect(r.queued).toBe(2);
    expect((await store.outbox.list()).at(-1)!.payload.subject).toBe(
      '[upwatch] BLOCKED 1 feature: m2 rejected by Meta (#100) (escalated from warn)',
    );
  });

  it('is one transaction: when queueing fails, no finding, audit entry or state is left behind', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    store.db.exec('DROP TABLE notification_log');
    await expect(run(clock, [finding('m1')])).rejects.toThrow();
    expect(await store.findings.list()).toEqual([]);
    expect(await store.audit.read()).toEqual([]);
    expect((await store.overrides.featureStates()).size).toBe(0);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it('info findings are visible but mail nobody unless notifyOn includes info', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const r = await run(clock, [
      finding('m1', { severity: 'info', class: 'schema', rule: 'payload-schema' }),
    ]);
    expect(r.opened).toHaveLength(1);
    expect(r.queued).toBe(0);
    clock.advanceDays(2);
    expect(
      (await run(clock, [finding('m1', { severity: 'info', class: 'schema', rule: 'payload-schema' })]))
        .queued,
    ).toBe(0);
    const again = await processFindings({
      store,
      contracts,
      source: 'meta',
      findings: [finding('m2', { severity: 'info', class: 'schema', rule: 'payload-schema' })],
      pollOutcome: 'ok',
      now: clock.now(),
      defaults: { notifyOn: ['block', 'warn', 'info'], reminderIntervalHours: 24 },
    });
    // the new info finding is alerted, and the older one (never mailed, open 2 days) gets its first daily reminder
    expect(again.queued).toBe(4);
    expect((await store.outbox.list()).map((o) => o.kind).sort()).toEqual([
      'alert',
      'alert',
      'reminder',
      'reminder',
    ]);
  });

  it('one daily reminder digest per recipient covers the open findings of every source', async () => {
    store = openStore(':memory:');
    const clock = new ManualClock('2026-03-15T07:00:00Z');
    const two = contractSet(
      ['m1'],
      [feature('f1', ['meta/m1', 'meta2/m1'], { owners: ['ana@example.com'] })],
      [metaSource('http://127.0.0.1:1', ['m1'], { name: 'meta2', owners: ['ana@example.com'] })],
    );
    const cycle = async (source: string, findings: ReturnType<typeof finding>[]) => {
      await store.recordPoll({
        source,
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        outcome: 'ok',
        fetch: { observations: [], requests: [], metricOutcomes: [] },
      });
      return processFindings({
        store,
        contracts: two,
        source,
        findings,
        pollOutcome: 'ok',
        now: clock.now(),
        defaults: { reminderIntervalHours: 24 },
      });
    };
    const onMeta = finding('m1');
    const onMeta2 = finding('m1', { source: 'meta2' });
    await cycle('meta', [onMeta]);
    await cycle('meta2', [onMeta2]);
    for (const row of await store.outbox.list())
      store.db.prepare(`UPDATE outbox SET status = 'sent' WHERE id = ?`).run(row.id);
    clock.advanceDays(1);
    clock.advanceMs(3_600_000); // the digest hour, 08:00 UTC
    // ana (owner of both sources and of f1) and data@example.com (owner of meta only): one reminder each
    expect((await cycle('meta', [onMeta])).queued).toBe(2);
    expect((await cycle('meta2', [onMeta2])).queued).toBe(0);
    const reminder = (await store.outbox.list()).find(
      (o) => o.kind === 'reminder' && o.recipient === 'ana@example.com',
    )!;
    expect([reminder.kind, reminder.recipient, reminder.payload.subject]).toEqual([
      'reminder',
      'ana@example.com',
      '[upwatch] REMINDER: daily digest 2026-03-16, 2 open findings (2 block)',
    ]);
  });
});
