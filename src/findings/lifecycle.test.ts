import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planLifecycle, reopensQuietly, type FindingChange, type ResolvedEpisode } from './lifecycle.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { PollOutcome } from '../core/observation.js';
import { finding } from '../../test/helpers/gate-fixtures.js';

const now = new Date('2026-03-15T07:00:00.000Z');

function record(metric: string, extra: Partial<FindingRecord> = {}): FindingRecord {
  return {
    ...finding(metric),
    id: 1,
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-14T07:00:00.000Z',
    lastSeen: '2026-03-14T07:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

const kinds = (cs: FindingChange[]): string[] => cs.map((c) => c.kind);

describe('planLifecycle', () => {
  it.each<[string, FindingRecord[], ReturnType<typeof finding>[], PollOutcome, string[]]>([
    ['a new fingerprint opens', [], [finding('m1')], 'ok', ['opened']],
    ['the same fingerprint again is only seen', [record('m1')], [finding('m1')], 'ok', ['seen']],
    [
      'warn → block escalates',
      [record('m1', { severity: 'warn' })],
      [finding('m1', { severity: 'block' })],
      'ok',
      ['escalated'],
    ],
    [
      'block → warn de-escalates',
      [record('m1')],
      [finding('m1', { severity: 'warn' })],
      'ok',
      ['deescalated'],
    ],
    ['absent once is counted', [record('m1')], [], 'ok', ['absent']],
    [
      'absent on the second good poll resolves',
      [record('m1', { goodPollsSinceAbsent: 1 })],
      [],
      'ok',
      ['resolved'],
    ],
    [
      'a partial poll counts as good',
      [record('m1', { goodPollsSinceAbsent: 1 })],
      [],
      'partial',
      ['resolved'],
    ],
    ['a failed poll resolves nothing', [record('m1', { goodPollsSinceAbsent: 1 })], [], 'failed', []],
    [
      'a failed poll opens no data finding',
      [],
      [finding('m1', { class: 'frozen', rule: 'frozen-run' })],
      'failed',
      [],
    ],
    [
      'a failed poll keeps a data finding as it is',
      [record('m1', { class: 'scale' })],
      [finding('m1', { class: 'scale', severity: 'warn' })],
      'failed',
      [],
    ],
    [
      'a failed poll opens the failure itself (token rejected)',
      [],
      [finding('m1', { class: 'unverified', rule: 'token-invalid' })],
      'failed',
      ['opened'],
    ],
    [
      'a failed poll opens an explicit upstream answer (#100 on every metric)',
      [],
      [finding('m1')],
      'failed',
      ['opened'],
    ],
  ])('%s', (_name, active, findings, outcome, expected) => {
    expect(
      kinds(planLifecycle({ active, lastEpisode: () => 0, findings, pollOutcome: outcome, now })),
    ).toEqual(expected);
  });

  it('resolves after the configured number of good polls', () => {
    const plan = (n: number): string[] =>
      kinds(
        planLifecycle({
          active: [record('m1', { goodPollsSinceAbsent: n })],
          lastEpisode: () => 1,
          findings: [],
          pollOutcome: 'ok',
          now,
          options: { resolveAfterGoodPolls: 3 },
        }),
      );
    expect(plan(0)).toEqual(['absent']);
    expect(plan(1)).toEqual(['absent']);
    expect(plan(2)).toEqual(['resolved']);
  });

  it('a resolved fingerprint that comes back opens the next episode', () => {
    const [c] = planLifecycle({
      active: [],
      lastEpisode: () => 2,
      findings: [finding('m1')],
      pollOutcome: 'ok',
      now,
    });
    expect(c).toMatchObject({ kind: 'opened', record: { episode: 3, status: 'open' } });
  });

  it('updates last-seen and evidence and resets the absence count when seen again', () => {
    const [c] = planLifecycle({
      active: [record('m1', { goodPollsSinceAbsent: 1 })],
      lastEpisode: () => 1,
      findings: [finding('m1', { evidence: { graphCode: 100, count: 2 } })],
      pollOutcome: 'ok',
      now,
    });
    expect(c).toMatchObject({
      kind: 'seen',
      after: { lastSeen: now.toISOString(), goodPollsSinceAbsent: 0, evidence: { count: 2 } },
    });
  });

  it('an escalation clears an acknowledgement; an expired acknowledgement reopens', () => {
    const acked = record('m1', {
      severity: 'warn',
      status: 'acknowledged',
      ack: { reason: 'r', by: 'ana', at: 't' },
    });
    const [esc] = planLifecycle({
      active: [acked],
      lastEpisode: () => 1,
      findings: [finding('m1')],
      pollOutcome: 'ok',
      now,
    });
    expect(esc).toMatchObject({ kind: 'escalated', after: { status: 'open' } });
    expect(esc?.kind === 'escalated' && esc.after.ack).toBeUndefined();

    const expired = record('m1', {
      status: 'acknowledged',
      ack: { reason: 'r', by: 'ana', at: 't', until: '2026-03-15T00:00:00.000Z' },
    });
    const cs = planLifecycle({
      active: [expired],
      lastEpisode: () => 1,
      findings: [],
      pollOutcome: 'failed',
      now,
    });
    expect(cs).toMatchObject([{ kind: 'ack-expired', after: { status: 'open' } }]);
  });

  it('metrics that could not be fetched in a partial poll neither count as absent nor resolve', () => {
    const cs = planLifecycle({
      active: [record('m1', { goodPollsSinceAbsent: 1 })],
      lastEpisode: () => 1,
      findings: [],
      pollOutcome: 'partial',
      now,
      unverifiedMetrics: ['m1'],
    });
    expect(cs).toEqual([]);
  });

  it('property: a failed poll never resolves, counts absence, or opens a statistical finding', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            m: fc.constantFrom('a', 'b', 'c'),
            absent: fc.nat(3),
            sev: fc.constantFrom('block' as const, 'warn' as const),
          }),
          { maxLength: 3 },
        ),
        fc.array(
          fc.record({
            m: fc.constantFrom('a', 'b', 'c', 'd'),
            cls: fc.constantFrom(
              'frozen' as const,
              'scale' as const,
              'deprecation' as const,
              'unverified' as const,
            ),
          }),
          { maxLength: 4 },
        ),
        (act, found) => {
          const active = [
            ...new Map(
              act.map((a) => [a.m, record(a.m, { goodPollsSinceAbsent: a.absent, severity: a.sev })]),
            ).values(),
          ];
          const cs = planLifecycle({
            active,
            lastEpisode: () => 1,
            findings: found.map((f) => finding(f.m, { class: f.cls })),
            pollOutcome: 'failed',
            now,
          });
          const touched = cs.map((c) => (c.kind === 'opened' ? c.record : c.after));
          return (
            cs.every((c) => c.kind !== 'resolved' && c.kind !== 'absent') &&
            touched.every((f) => f.class === 'deprecation' || f.class === 'unverified')
          );
        },
      ),
    );
  });

  it('property: with good polls every fingerprint ends in exactly one change', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd')),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e')),
        (act, found) => {
          const active = act.map((m) => record(m));
          const cs = planLifecycle({
            active,
            lastEpisode: () => 0,
            findings: found.map((m) => finding(m)),
            pollOutcome: 'ok',
            now,
          });
          const fps = cs.map((c) => (c.kind === 'opened' ? c.record.fingerprint : c.after.fingerprint));
          return new Set(fps).size === fps.length && fps.length === new Set([...act, ...found]).size;
        },
      ),
    );
  });
});

describe('planLifecycle: changes hold until the upstream reverts or a person decides', () => {
  const scaleRecord = (draft: Partial<Parameters<typeof finding>[1]>, extra: Partial<FindingRecord>) => ({
    ...record('reach'),
    ...finding('reach', { class: 'scale', ...draft }),
    ...extra,
  });
  const held = (absent: number, factor = 0.001): FindingRecord =>
    scaleRecord(
      { rule: 'panel-scale', evidence: { factor } },
      { lifecycle: 'change', goodPollsSinceAbsent: absent },
    );
  const condition = (absent: number): FindingRecord =>
    scaleRecord({ rule: 'frozen-run', evidence: {} }, { goodPollsSinceAbsent: absent });
  const draft = (factor: number | null, extra: Partial<Parameters<typeof finding>[1]> = {}) =>
    finding('reach', {
      rule: 'panel-scale',
      class: 'scale',
      evidence: { factor },
      onset: '2026-05-02',
      ...extra,
    });

  it.each<[string, FindingRecord, ReturnType<typeof finding>[], string, Partial<FindingRecord>]>([
    ['a held change absent for 1 good poll stays open', held(0), [], 'absent', { goodPollsSinceAbsent: 1 }],
    ['… absent for 2 good polls stays open', held(1), [], 'absent', { goodPollsSinceAbsent: 2 }],
    ['… absent for 30 good polls stays open', held(29), [], 'absent', { goodPollsSinceAbsent: 30 }],
    ['a condition resolves after 2', condition(1), [], 'resolved', { resolution: 'absent' }],
    [
      'the reciprocal factor resolves the held change as reverted',
      held(12),
      [draft(1000)],
      'resolved',
      { status: 'resolved', resolution: 'reverted', evidence: { factor: 0.001 } },
    ],
    [
      'a reciprocal within the snap tolerance (×1024 for ÷1000) reverts too',
      held(3),
      [draft(1024)],
      'resolved',
      { resolution: 'reverted' },
    ],
    [
      'the same factor again is seen and keeps holding',
      held(3),
      [draft(0.001)],
      'seen',
      { status: 'open', goodPollsSinceAbsent: 0, lifecycle: 'change' },
    ],
    [
      'a milder level shift while the baselines adapt never de-escalates a held change',
      held(0),
      [draft(null, { rule: 'level-shift', severity: 'warn' })],
      'seen',
      { severity: 'block', rule: 'panel-scale', evidence: { factor: 0.001 }, lifecycle: 'change' },
    ],
  ])('%s', (_name, active, findings, kind, after) => {
    const changes = planLifecycle({
      active: [active],
      lastEpisode: () => 1,
      findings,
      pollOutcome: 'ok',
      now,
    });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.kind).toBe(kind);
    expect(changes[0]).toMatchObject({ after });
  });

  it('names the day the upstream went back', () => {
    const [c] = planLifecycle({
      active: [held(5)],
      lastEpisode: () => 1,
      findings: [draft(1000)],
      pollOutcome: 'ok',
      now,
    });
    expect(c).toMatchObject({ kind: 'resolved', revertedOn: '2026-05-02' });
  });

  it.each<[string, Partial<Parameters<typeof finding>[1]>, 'change' | 'condition']>([
    ['a unit factor', { rule: 'unit-scale', class: 'scale', evidence: { factor: 0.001 } }, 'change'],
    ['a panel factor', { rule: 'panel-scale', class: 'scale', evidence: { factor: 100 } }, 'change'],
    [
      'a panel shift naming no factor',
      { rule: 'panel-scale', class: 'scale', evidence: { factor: null } },
      'condition',
    ],
    [
      'a representation flip',
      { rule: 'representation-flip', class: 'scale', evidence: { factor: null } },
      'change',
    ],
    [
      'a range violation without a factor',
      { rule: 'range-violated', class: 'scale', evidence: {} },
      'condition',
    ],
    ['a level shift', { rule: 'level-shift', class: 'scale', evidence: { factor: null } }, 'condition'],
    ['error #100', {}, 'change'],
    ['a metric missing from data', { rule: 'metric-missing-from-data' }, 'change'],
    ['a freeze', { rule: 'frozen-run', class: 'frozen', evidence: {} }, 'condition'],
    ['drift', { rule: 'distribution-drift', class: 'drift', evidence: {} }, 'condition'],
  ])('a new finding for %s opens as a %s', (_name, extra, lifecycle) => {
    const [c] = planLifecycle({
      active: [],
      lastEpisode: () => 0,
      findings: [finding('reach', extra)],
      pollOutcome: 'ok',
      now,
    });
    expect(c).toMatchObject({ kind: 'opened', record: { lifecycle } });
  });

  it('a condition seen again as a named factor becomes a held change', () => {
    const [c] = planLifecycle({
      active: [scaleRecord({ rule: 'level-shift', evidence: { factor: null } }, { severity: 'warn' })],
      lastEpisode: () => 1,
      findings: [draft(0.001)],
      pollOutcome: 'ok',
      now,
    });
    expect(c).toMatchObject({ kind: 'escalated', after: { lifecycle: 'change' } });
  });
});

describe('planLifecycle: a decided change does not reopen on drafts of the same change', () => {
  const decided = { onset: '2026-05-02', factor: 100 };
  const draft = (extra: Partial<Parameters<typeof finding>[1]>) =>
    finding('rate', { rule: 'panel-scale', class: 'scale', onset: '2026-05-02', evidence: {}, ...extra });

  it.each<[string, ReturnType<typeof finding>, boolean]>([
    [
      'a range check still seeing the new scale (no factor, same onset)',
      draft({ rule: 'range-violated' }),
      false,
    ],
    [
      'the same factor read again a day later',
      draft({ evidence: { factor: 100 }, onset: '2026-05-03' }),
      false,
    ],
    ['×98 is the decided ×100 within the snap tolerance', draft({ evidence: { factor: 98 } }), false],
    [
      'the upstream going back (÷100, later onset) is news',
      draft({ evidence: { factor: 0.01 }, onset: '2026-06-10' }),
      true,
    ],
    ['a second step (×10) on the same day is news', draft({ evidence: { factor: 10 } }), true],
    [
      'a range violation starting weeks later is news',
      draft({ rule: 'range-violated', onset: '2026-06-01' }),
      true,
    ],
  ])('%s → opens: %s', (_name, f, opens) => {
    const changes = planLifecycle({
      active: [],
      lastEpisode: () => 1,
      decisionOn: (fp) => (fp === f.fingerprint ? decided : undefined),
      findings: [f],
      pollOutcome: 'ok',
      now,
    });
    expect(kinds(changes)).toEqual(opens ? ['opened'] : []);
  });

  it('without a decision the same draft opens the next episode', () => {
    const f = draft({ rule: 'range-violated' });
    const changes = planLifecycle({
      active: [],
      lastEpisode: () => 1,
      findings: [f],
      pollOutcome: 'ok',
      now,
    });
    expect(changes).toMatchObject([{ kind: 'opened', record: { episode: 2 } }]);
  });
});

describe('quiet reopening (hysteresis)', () => {
  const resolved = (extra: Partial<ResolvedEpisode> = {}): ResolvedEpisode => ({
    severity: 'warn',
    lifecycle: 'condition',
    resolvedAt: '2026-03-13T07:00:00.000Z', // 2 days before now
    resolution: 'absent',
    ...extra,
  });
  it.each<[string, ResolvedEpisode | undefined, 'block' | 'warn' | 'info', number, boolean]>([
    ['back at the same severity 2 days after resolving: quiet', resolved(), 'warn', 7, true],
    ['back milder: quiet', resolved({ severity: 'block' }), 'warn', 7, true],
    ['back more severe: alerts', resolved(), 'block', 7, false],
    [
      'back 7 days after resolving: alerts',
      resolved({ resolvedAt: '2026-03-08T07:00:00.000Z' }),
      'warn',
      7,
      false,
    ],
    ['back 6 days 23 h after: quiet', resolved({ resolvedAt: '2026-03-08T08:00:00.000Z' }), 'warn', 7, true],
    ['window 0: every reopening alerts', resolved(), 'warn', 0, false],
    [
      'a reverted change coming back: alerts',
      resolved({ lifecycle: 'change', resolution: 'reverted' }),
      'warn',
      7,
      false,
    ],
    ['after a decision: alerts', resolved({ resolution: 'decided' }), 'warn', 7, false],
    ['never resolved before: alerts', undefined, 'warn', 7, false],
  ])('%s', (_name, last, severity, days, quiet) => {
    expect(reopensQuietly(last, severity, now, days)).toBe(quiet);
  });

  it('marks the reopened episode quiet in the plan, and only a reopening', () => {
    const plan = (episodes: number, last?: ResolvedEpisode, quietReopenDays = 7) =>
      planLifecycle({
        active: [],
        lastEpisode: () => episodes,
        lastResolved: () => last,
        findings: [finding('m1', { severity: 'warn' })],
        pollOutcome: 'ok',
        now,
        options: { quietReopenDays },
      });
    expect(plan(1, resolved())).toMatchObject([{ kind: 'opened', quiet: true, record: { episode: 2 } }]);
    expect(plan(0)[0]).not.toHaveProperty('quiet');
    expect(plan(1, resolved(), 0)[0]).not.toHaveProperty('quiet');
  });
});
