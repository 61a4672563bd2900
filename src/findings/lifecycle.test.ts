import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planLifecycle, type FindingChange } from './lifecycle.js';
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
