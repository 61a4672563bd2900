import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../core/finding-record.js';
import type { OutboxStatus } from '../store/outbox-repo.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { applyHourlyCap, digestKey, planNotifications, type NoticeLog, type PlannedMessage } from './plan.js';
import { ALERT_DEFAULTS, type AlertSettings } from './settings.js';
import type { DigestLine } from './digest.js';

const contracts = contractSet(['m1', 'm2'], [feature('f1', ['meta/m1']), feature('f2', ['meta/m2'])]);

function rec(metric: string, extra: Partial<FindingRecord> = {}): FindingRecord {
  return {
    ...finding(metric),
    id: 1,
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-10T09:00:00.000Z',
    lastSeen: '2026-03-14T09:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

interface LogState {
  last?: { at: string; status: OutboxStatus };
  queued?: string[];
  /** Immediate notices already queued this hour for a@x.io (others: none). */
  immediate?: number;
}

function noticeLog(s: LogState = {}): NoticeLog {
  return {
    firstAlert: () => undefined,
    lastNotice: () => s.last,
    countdownsSent: () => new Set(),
    queued: (key) => (s.queued ?? []).includes(key),
    immediateSince: (r) => (r === 'a@x.io' ? (s.immediate ?? 0) : 0),
  };
}

function plan(now: string, active: FindingRecord[], log: NoticeLog, settings: Partial<AlertSettings> = {}) {
  return planNotifications({
    contracts,
    changes: [],
    active,
    gate: new Map([['f1', 'blocked']]),
    log,
    chart: () => undefined,
    now: new Date(now),
    // Daily unless a case says otherwise (the default is weekly: see the weekly cases).
    settings: { ...ALERT_DEFAULTS, reminderIntervalHours: 24, ...settings },
  });
}

const OWNER = 'data@example.com'; // owner of the meta source in the fixtures

describe('reminder digest', () => {
  it.each<[string, string, Partial<AlertSettings>, LogState, Partial<FindingRecord>, string | undefined]>([
    ['after the hour: today', '2026-03-15T08:00:00Z', {}, {}, {}, '2026-03-15'],
    [
      'before the hour: yesterday’s, when it never went out',
      '2026-03-15T07:00:00Z',
      {},
      {},
      {},
      '2026-03-14',
    ],
    [
      'before the hour: nothing when yesterday’s is queued',
      '2026-03-15T07:00:00Z',
      {},
      { queued: [digestKey(OWNER, '2026-03-14')] },
      {},
      undefined,
    ],
    ['configured hour 17', '2026-03-15T16:59:00Z', { digestHour: 17 }, {}, {}, '2026-03-14'],
    [
      'Europe/Paris: 08:00 CET is 07:00 UTC',
      '2026-03-15T07:30:00Z',
      { digestTimezone: 'Europe/Paris' },
      {},
      {},
      '2026-03-15',
    ],
    [
      'a recipient’s own zone wins: 00:30 in Los Angeles is still yesterday’s slot',
      '2026-03-15T07:30:00Z',
      { digestTimezone: 'Europe/Paris', recipientTimezones: { [OWNER]: 'America/Los_Angeles' } },
      {},
      {},
      '2026-03-14',
    ],
    [
      'mailed 1 h before the slot: waits for tomorrow',
      '2026-03-15T08:30:00Z',
      {},
      { last: { at: '2026-03-15T07:00:00.000Z', status: 'sent' } },
      {},
      undefined,
    ],
    [
      'mailed 13 h before the slot: listed',
      '2026-03-15T08:30:00Z',
      {},
      { last: { at: '2026-03-14T19:00:00.000Z', status: 'sent' } },
      {},
      '2026-03-15',
    ],
    [
      'its last notice still undelivered: waits',
      '2026-03-15T08:30:00Z',
      {},
      { last: { at: '2026-03-13T09:00:00.000Z', status: 'pending' } },
      {},
      undefined,
    ],
    [
      'acknowledged: not listed',
      '2026-03-15T08:30:00Z',
      {},
      {},
      { status: 'acknowledged', ack: { by: 'ana', reason: 'known', at: '2026-03-14T10:00:00Z' } },
      undefined,
    ],
    [
      'acknowledgement expired: listed again',
      '2026-03-15T08:30:00Z',
      {},
      {},
      {
        status: 'acknowledged',
        ack: { by: 'ana', reason: 'known', at: '2026-03-13T10:00:00Z', until: '2026-03-14T10:00:00Z' },
      },
      '2026-03-15',
    ],
    ['info severity is not mailed', '2026-03-15T08:30:00Z', {}, {}, { severity: 'info' }, undefined],
    [
      'reminderIntervalHours 0: no digest',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 0 },
      {},
      {},
      undefined,
    ],
    [
      'weekly: nothing when one went out 3 days ago',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      { queued: [digestKey(OWNER, '2026-03-12')] },
      {},
      undefined,
    ],
    [
      'weekly: due again 7 days later',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      { queued: [digestKey(OWNER, '2026-03-08')] },
      { firstSeen: '2026-03-01T09:00:00.000Z' },
      '2026-03-15',
    ],
    [
      'weekly: opened 5 days ago, not a week yet: waits',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      {},
      { firstSeen: '2026-03-10T09:00:00.000Z' },
      undefined,
    ],
    [
      'weekly: alerted 6 days ago: waits for a week since',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      { last: { at: '2026-03-09T09:00:00.000Z', status: 'sent' } },
      { firstSeen: '2026-03-01T09:00:00.000Z' },
      undefined,
    ],
    [
      'weekly: open 7 days, told 7 days ago: listed',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      { last: { at: '2026-03-08T09:00:00.000Z', status: 'sent' } },
      { firstSeen: '2026-03-08T09:00:00.000Z' },
      '2026-03-15',
    ],
    [
      'weekly: decided (resolved by a decision): never listed',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      {},
      { firstSeen: '2026-03-01T09:00:00.000Z', status: 'resolved', resolution: 'decided' },
      undefined,
    ],
    [
      'weekly: acknowledged: never listed',
      '2026-03-15T08:30:00Z',
      { reminderIntervalHours: 168 },
      {},
      {
        firstSeen: '2026-03-01T09:00:00.000Z',
        status: 'acknowledged',
        ack: { by: 'ana', reason: 'known', at: '2026-03-14T10:00:00Z' },
      },
      undefined,
    ],
  ])('%s', (_name, now, settings, log, extra, day) => {
    const digests = plan(now, [rec('m1', extra)], noticeLog(log), settings).filter(
      (m) => m.kind === 'reminder' && m.recipient === OWNER,
    );
    expect(digests.map((d) => d.payload.subject.match(/digest (\S+),/)?.[1])).toEqual(day ? [day] : []);
    if (day) expect(digests[0]!.dedupKey).toBe(digestKey(OWNER, day));
  });

  it('is weekly by default, and says so', () => {
    expect(ALERT_DEFAULTS.reminderIntervalHours).toBe(168);
    const [weekly] = plan(
      '2026-03-15T08:30:00Z',
      [rec('m1', { firstSeen: '2026-03-01T09:00:00.000Z' })],
      noticeLog(),
      {
        reminderIntervalHours: ALERT_DEFAULTS.reminderIntervalHours,
      },
    ).filter((m) => m.recipient === OWNER);
    expect(weekly!.payload.subject).toBe(
      '[upwatch] REMINDER: weekly digest 2026-03-15, 1 open finding (1 block)',
    );
  });

  it('keeps the dedup key and Message-ID of a recipient’s day, whenever in the day it is planned', () => {
    const a = plan('2026-03-15T08:05:00Z', [rec('m1')], noticeLog());
    const b = plan('2026-03-15T23:59:00Z', [rec('m1'), rec('m2', { fingerprint: 'other' })], noticeLog());
    const of = (ms: PlannedMessage[]) => ms.find((m) => m.recipient === OWNER)!;
    expect([of(a).dedupKey, of(a).messageId]).toEqual([of(b).dedupKey, of(b).messageId]);
    expect(of(a).messageId).toMatch(/^<upwatch-[0-9a-f]{16}@upwatch\.local>$/);
  });

  it('lists every finding, grouped by source with block first, with age, onset, features and the ack command', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      rec(i % 2 ? 'm1' : 'm2', {
        fingerprint: `fp${String(i).padStart(2, '0')}aaaaaaaa`,
        severity: i % 3 ? 'warn' : 'block',
      }),
    );
    const [digest] = plan('2026-03-15T08:30:00Z', many, noticeLog()).filter((m) => m.recipient === OWNER);
    const text = digest!.payload.text;
    expect(digest!.payload.subject).toBe(
      '[upwatch] REMINDER: daily digest 2026-03-15, 40 open findings (14 block, 26 warn)',
    );
    for (const f of many) expect(text).toContain(`fingerprint ${f.fingerprint}`);
    expect(text).toContain('== meta (40 findings)');
    expect(text.indexOf('WARN ')).toBeGreaterThan(text.lastIndexOf('BLOCK '));
    expect(text).toContain('open 5 days (onset 2026-03-14)');
    expect(text).toContain('features: f1 (blocked)');
    expect(text).toContain('upwatch ack fp00aaaaaa --reason "<why>" --until 2026-03-22');
    expect(digest!.covers).toHaveLength(40);
  });
});

function planned(recipient: string, kind: 'alert' | 'resolved' | 'countdown', i: number): PlannedMessage {
  const f = rec('m1', { fingerprint: `fp-${kind}-${i}` });
  return {
    recipient,
    kind,
    dedupKey: `${kind}${i}`.padEnd(20, '0'),
    messageId: `<m${i}>`,
    payload: { subject: 's', text: 't', html: 'h' },
    covers: [{ fingerprint: f.fingerprint, episode: 1, kind }],
    items: [{ finding: f, change: kind === 'alert' ? 'new' : kind, features: [] }],
  };
}

describe('hourly per-recipient cap', () => {
  it.each<[string, { resolved: number; alert: number }, number, number, number, number]>([
    // name, planned now, already sent this hour, cap, → immediate, → held in the digest
    ['under the cap', { alert: 3, resolved: 0 }, 0, 10, 3, 0],
    ['exactly the cap', { alert: 10, resolved: 0 }, 0, 10, 10, 0],
    ['one over', { alert: 11, resolved: 0 }, 0, 10, 10, 1],
    ['200 at once', { alert: 120, resolved: 80 }, 0, 10, 10, 190],
    ['earlier polls used the hour', { alert: 3, resolved: 0 }, 8, 10, 2, 1],
    ['hour used up', { alert: 3, resolved: 0 }, 12, 10, 0, 3],
    ['cap 0 = no cap', { alert: 30, resolved: 0 }, 0, 0, 30, 0],
  ])('%s', (_name, counts, used, cap, immediate, held) => {
    const messages = [
      ...Array.from({ length: counts.resolved }, (_, i) => planned('a@x.io', 'resolved', i)),
      ...Array.from({ length: counts.alert }, (_, i) => planned('a@x.io', 'alert', i)),
      planned('b@x.io', 'alert', 999),
    ];
    const out = applyHourlyCap(messages, {
      log: noticeLog({ immediate: used }),
      now: new Date('2026-03-15T10:20:00Z'),
      settings: { ...ALERT_DEFAULTS, maxImmediatePerHour: cap },
    });
    const mine = out.filter((m) => m.recipient === 'a@x.io');
    expect(mine.filter((m) => m.kind !== 'digest')).toHaveLength(immediate);
    // alerts go first when the cap bites
    if (held > 0 && counts.alert >= immediate)
      expect(mine.filter((m) => m.kind === 'alert')).toHaveLength(immediate);
    const digest = mine.filter((m) => m.kind === 'digest');
    expect(digest).toHaveLength(held ? 1 : 0);
    if (held) {
      expect(digest[0]!.notBefore?.toISOString()).toBe('2026-03-15T11:00:00.000Z');
      expect(digest[0]!.covers).toHaveLength(held);
      expect((digest[0]!.payload.digest!.lines as unknown as DigestLine[]).length).toBe(held);
    }
    // nothing lost: every planned finding is in an immediate message or in the digest
    const listed = new Set([
      ...mine.filter((m) => m.kind !== 'digest').flatMap((m) => m.covers.map((c) => c.fingerprint)),
      ...digest.flatMap((m) => m.covers.map((c) => c.fingerprint)),
    ]);
    expect(listed.size).toBe(counts.alert + counts.resolved);
    expect(out.filter((m) => m.recipient === 'b@x.io').map((m) => m.kind)).toEqual(['alert']);
  });

  it('skips notices already queued, and names the digest by recipient and hour', () => {
    const messages = Array.from({ length: 12 }, (_, i) => planned('a@x.io', 'alert', i));
    const log = noticeLog({ queued: messages.map((m) => m.dedupKey) });
    expect(
      applyHourlyCap(messages, { log, now: new Date('2026-03-15T10:20:00Z'), settings: ALERT_DEFAULTS }),
    ).toEqual([]);
    const at = (t: string) =>
      applyHourlyCap(messages, { log: noticeLog(), now: new Date(t), settings: ALERT_DEFAULTS }).find(
        (m) => m.kind === 'digest',
      )!.dedupKey;
    expect(at('2026-03-15T10:01:00Z')).toBe(at('2026-03-15T10:59:00Z'));
    expect(at('2026-03-15T10:59:00Z')).not.toBe(at('2026-03-15T11:00:00Z'));
  });
});

describe('resolved notices', () => {
  const resolvedPlan = (status: OutboxStatus | undefined) =>
    planNotifications({
      contracts,
      changes: [{ kind: 'resolved', finding: rec('m1', { status: 'resolved' }) }],
      active: [],
      gate: new Map(),
      log: {
        ...noticeLog(),
        firstAlert: () => (status ? { messageId: '<upwatch-root@h>', status, outboxId: 41 } : undefined),
      },
      chart: () => undefined,
      now: new Date('2026-03-15T09:00:00Z'),
      settings: { ...ALERT_DEFAULTS, reminderIntervalHours: 0 },
    }).filter((m) => m.recipient === OWNER);

  it.each<[string, OutboxStatus | undefined, number | undefined | 'none']>([
    ['the firing mail was sent: at once', 'sent', undefined],
    ['the firing mail is still queued: after it', 'pending', 41],
    ['the firing mail was left sending (a relay may have died before 250): after it', 'sending', 41],
    ['the firing mail was given up: none', 'dead', 'none'],
    ['no firing mail: none', undefined, 'none'],
  ])('%s', (_name, status, after) => {
    const planned = resolvedPlan(status);
    if (after === 'none') return expect(planned).toEqual([]);
    expect(planned).toHaveLength(1);
    expect(planned[0]!.kind).toBe('resolved');
    expect(planned[0]!.payload.inReplyTo).toBe('<upwatch-root@h>');
    expect(planned[0]!.after).toBe(after);
  });
});
