// The behaviour every store must have, through the Store port: run against the SQLite store and the PostgreSQL store.
// Expectations come from the SQLite repository functions in src/store/ and their doc comments.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PAUSE_MS } from '../../src/core/clock-trust.js';
import type { FindingRecord } from '../../src/core/finding-record.js';
import { seriesColumns } from '../../src/core/history-columns.js';
import type { LazyMap } from '../../src/core/lazy-map.js';
import { metricFrame } from '../../src/detectors/stats/frame.js';
import type { MetricOutcome, RawObservation, RequestRecord } from '../../src/core/observation.js';
import type { OutboxPayload } from '../../src/store/outbox-repo.js';
import type { Store } from '../../src/store/ports.js';
import type { RecordPollInput } from '../../src/store/store.js';

const T0 = Date.parse('2026-03-15T07:00:00.000Z');
/** An ISO instant `minutes` after 2026-03-15T07:00Z. */
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function obs(entity: string, periodEnd: string, value: number | null, extra: Partial<RawObservation> = {}) {
  return { source: 'meta', metric: 'm', entity, periodEnd, value, jsonType: 'int' as const, ...extra };
}

function pollInput(
  minute: number,
  options: {
    source?: string;
    outcome?: RecordPollInput['outcome'];
    observations?: RawObservation[];
    outcomes?: MetricOutcome[];
    requests?: RequestRecord[];
    servedVersion?: string;
  } = {},
): RecordPollInput {
  return {
    source: options.source ?? 'meta',
    startedAt: at(minute),
    finishedAt: at(minute + 1),
    outcome: options.outcome ?? 'ok',
    ...(options.outcome === 'failed' ? { errorCode: 'HTTP_TIMEOUT', errorMessage: 'timed out' } : {}),
    fetch: {
      observations: options.observations ?? [],
      requests: options.requests ?? [],
      metricOutcomes: options.outcomes ?? [{ metric: 'm', status: 'ok' }],
      ...(options.servedVersion ? { servedVersion: options.servedVersion } : {}),
    },
  };
}

function finding(fp: string, episode = 1, extra: Partial<FindingRecord> = {}): Omit<FindingRecord, 'id'> {
  return {
    fingerprint: fp,
    episode,
    rule: 'metric-invalid',
    class: 'deprecation',
    severity: 'block',
    source: 'meta',
    metric: 'page_post_engagements',
    entities: ['123'],
    onset: '2026-03-14',
    evidence: { graphCode: 100, zeta: 'z', list: [1, 'a'], none: null },
    explanation: 'rejected',
    status: 'open',
    detectedAt: at(0),
    firstSeen: at(0),
    lastSeen: at(0),
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

const payload = (subject: string): OutboxPayload => ({ subject, text: 't', html: '<p>h</p>' });

function mail(
  key: string,
  extra: { afterId?: number; channel?: 'email' | 'slack' | 'webhook'; minute?: number } = {},
) {
  return {
    dedupKey: key,
    recipient: 'ana@example.com',
    kind: 'alert' as const,
    messageId: `<upwatch-${key}@host>`,
    createdAt: at(extra.minute ?? 0),
    payload: payload(key),
    ...(extra.afterId !== undefined ? { afterId: extra.afterId } : {}),
    ...(extra.channel ? { channel: extra.channel } : {}),
  };
}

/**
 * The contract suite of a store. `open` returns a new, empty store each time; the suite closes it.
 *
 * @example
 * describeStoreContract('SQLite', async () => openStore(':memory:').port);
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let opened: Store[] = [];
    const store = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened) await s.close();
      opened = [];
    });

    describe('poll history', () => {
      it('records a poll with its requests and outcomes and reads the same record back', async () => {
        const s = await store();
        const input = pollInput(0, {
          servedVersion: 'v23.0',
          requests: [
            {
              method: 'GET',
              url: 'https://graph.example/x',
              status: 200,
              latencyMs: 12.5,
              attempts: 1,
              headers: { a: 'b' },
            },
            {
              method: 'GET',
              url: 'https://graph.example/y',
              latencyMs: 3,
              attempts: 2,
              headers: {},
              metric: 'm',
              entity: 'p1',
              error: { code: 'HTTP_TIMEOUT', message: 'timed out', retryable: true },
            },
          ],
          outcomes: [
            { metric: 'm', status: 'ok' },
            {
              metric: 'n',
              entity: 'p1',
              status: 'error',
              error: { code: 'HTTP_STATUS', message: 'x', status: 500, retryable: true },
            },
          ],
          observations: [obs('p1', '2026-03-14T08:00:00.000Z', 5)],
        });
        input.fetch.payloadSchema = { 'data[].value': { int: 3, strings: ['a'] } };
        input.fetch.payloadHash = 'abc';
        const rec = await s.recordPoll(input);
        expect(rec.observationCount).toBe(1);
        expect(await s.lastPoll('meta')).toEqual(rec);
        expect(await s.lastPoll('other')).toBeUndefined();
      });

      it('lists recent polls oldest first, and the last verified one skips failed polls', async () => {
        const s = await store();
        const a = await s.recordPoll(pollInput(0));
        const b = await s.recordPoll(pollInput(10, { outcome: 'partial' }));
        const c = await s.recordPoll(pollInput(20, { outcome: 'failed', outcomes: [] }));
        await s.recordPoll(pollInput(30, { source: 'other' }));
        expect((await s.recentPolls('meta', 10)).map((p) => p.id)).toEqual([a.id, b.id, c.id]);
        expect((await s.recentPolls('meta', 2)).map((p) => p.id)).toEqual([b.id, c.id]);
        expect((await s.lastVerifiedPoll('meta'))?.id).toBe(b.id);
        expect((await s.lastPoll('meta'))?.errorCode).toBe('HTTP_TIMEOUT');
        expect(a.id).toBeLessThan(b.id);
      });

      it('upserts observations: firstValue and firstSeen stay, value and lastSeen move; a failed poll changes nothing', async () => {
        const s = await store();
        const end = '2026-03-14T08:00:00.000Z';
        await s.recordPoll(pollInput(0, { observations: [obs('p1', end, 5), obs('p2', end, 1)] }));
        await s.recordPoll(
          pollInput(10, {
            observations: [obs('p1', end, 7, { jsonType: 'object', breakdown: { like: 4, love: 3 } })],
          }),
        );
        await s.recordPoll(pollInput(20, { outcome: 'failed', outcomes: [] }));
        const h = await s.metricHistory('meta', 'm');
        expect(h.entities.get('p1')).toEqual([
          {
            periodEnd: end,
            day: '2026-03-14',
            value: 7,
            firstValue: 5,
            jsonType: 'object',
            breakdown: { like: 4, love: 3 },
            firstSeen: at(1),
            lastSeen: at(11),
          },
        ]);
        expect(h.entities.get('p2')).toEqual([
          {
            periodEnd: end,
            day: '2026-03-14',
            value: 1,
            firstValue: 1,
            jsonType: 'int',
            firstSeen: at(1),
            lastSeen: at(1),
          },
        ]);
      });

      it('takes the first of duplicate observations in one poll as firstValue and the last as value', async () => {
        const s = await store();
        const end = '2026-03-14T08:00:00.000Z';
        await s.recordPoll(
          pollInput(0, { observations: [obs('p1', end, 1), obs('p1', end, 2), obs('p1', end, 3.25)] }),
        );
        const [point] = (await s.metricHistory('meta', 'm')).entities.get('p1')!;
        expect(point).toMatchObject({ value: 3.25, firstValue: 1 });
      });

      it('keeps the upsert rules in a large poll: duplicates far apart, odd characters, breakdowns, nulls', async () => {
        // 2,400 keys in 2,509 observations: large enough that a store may write it in batches (the PostgreSQL store
        // copies polls of 1,000 rows or more through a staging table, 1,000 rows a chunk), with duplicates up to 1,300
        // rows after their first, across any batch boundary.
        const s = await store();
        const odd = ['tab\there', 'new\nline', 'back\\slash', 'cr\rhere', '"quoted"', 'ünï 🐝', '\\N', ''];
        const entity = (i: number) => `${odd[i % odd.length]}#${i}`;
        const end = (d: number) => `2026-03-${String(10 + d).padStart(2, '0')}T07:00:00.000Z`;
        const first: RawObservation[] = [];
        for (let i = 0; i < 600; i++)
          for (let d = 0; d < 4; d++) {
            const value = i % 50 === 0 ? null : i * 10 + d + 0.5;
            const extra: Partial<RawObservation> =
              i % 7 === 0 ? { jsonType: 'object', breakdown: { 'a\tb': i, 'c\\d': d } } : {};
            first.push(obs(entity(i), end(d), value, extra));
          }
        // Every 12th of the first 1,300 keys again after them: its first value stays, its value, type and breakdown
        // move.
        const repeats = first.filter((_, k) => k % 12 === 0 && k < 1300);
        const again = repeats.map((o) => ({
          ...o,
          value: -1,
          jsonType: 'float' as const,
          breakdown: undefined,
        }));
        const poll = [...first.slice(0, 1300), ...again, ...first.slice(1300)];
        expect(poll).toHaveLength(2509);
        // A second large poll restates half of the keys; both polls run inside one outer transaction (each is then
        // a savepoint), as a caller that writes more than the poll may do.
        const restated = first
          .filter((_, k) => k % 2 === 1)
          .map((o) => ({ ...o, value: 7, breakdown: undefined }));
        await s.transaction(async () => {
          await s.recordPoll(pollInput(0, { observations: poll }));
          await s.recordPoll(pollInput(10, { observations: restated }));
        });
        const h = await s.metricHistory('meta', 'm');
        expect(h.entities.size).toBe(600);
        const expected = new Map<string, object>();
        first.forEach((o, k) => {
          const repeated = k % 12 === 0 && k < 1300;
          const restate = k % 2 === 1;
          const last = restate ? { ...o, value: 7, breakdown: undefined } : repeated ? again[k / 12]! : o;
          expected.set(`${o.entity}|${o.periodEnd}`, {
            periodEnd: o.periodEnd,
            day: o.periodEnd.slice(0, 10),
            value: last.value,
            firstValue: o.value,
            jsonType: last.jsonType,
            ...(last.breakdown ? { breakdown: last.breakdown } : {}),
            firstSeen: at(1),
            lastSeen: restate ? at(11) : at(1),
          });
        });
        for (const [name, points] of h.entities)
          for (const p of points)
            expect(p, `${name} ${p.periodEnd}`).toEqual(expected.get(`${name}|${p.periodEnd}`));
        expect([...h.entities.values()].flat()).toHaveLength(2400);
      });

      it('returns history ascending per entity, limited to [sinceDay, untilDay] by day, null values kept', async () => {
        const s = await store();
        const days = ['2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'];
        await s.recordPoll(
          pollInput(0, {
            observations: days.flatMap((d, i) => [
              obs('b', `${d}T07:00:00.000Z`, i),
              obs('a', `${d}T07:00:00.000Z`, i === 1 ? null : i * 10),
            ]),
          }),
        );
        // A period attributed to the day before its end (as Meta reports it).
        await s.recordPoll(
          pollInput(5, { observations: [obs('a', '2026-03-14T07:00:00.000Z', 99, { day: '2026-03-13' })] }),
        );
        const all = await s.metricHistory('meta', 'm');
        // The grid and the first-seen days (all polled on 2026-03-15) come from the columns: no point object is made.
        const grid = metricFrame(all);
        expect(grid.entities.map((e) => [...e.firstSeenDays!])).toEqual([
          [20527, 20527, 20527, 20527],
          [20527, 20527, 20527, 20527],
        ]);
        for (const e of all.entities.keys()) expect((all.entities as LazyMap<unknown>).isMade(e)).toBe(false);
        expect([...all.entities.keys()]).toEqual(['a', 'b']);
        expect(all.entities.get('a')!.map((p) => p.value)).toEqual([0, null, 20, 30, 99]);
        const mid = await s.metricHistory('meta', 'm', { sinceDay: '2026-03-11', untilDay: '2026-03-12' });
        expect(mid.entities.get('b')!.map((p) => p.day)).toEqual(['2026-03-11', '2026-03-12']);
        const last = await s.metricHistory('meta', 'm', { sinceDay: '2026-03-13', untilDay: '2026-03-13' });
        expect(last.entities.get('a')!.map((p) => p.periodEnd)).toEqual([
          '2026-03-13T07:00:00.000Z',
          '2026-03-14T07:00:00.000Z',
        ]);
        expect((await s.metricHistory('meta', 'nothing')).entities.size).toBe(0);
        // Detectors read the grid from the columns the store hands over with the points: the same series.
        for (const h of [all, mid, last]) {
          expect([...h.columns!.keys()]).toEqual([...h.entities.keys()]);
          for (const [entity, points] of h.entities)
            expect(h.columns!.get(entity)).toEqual(seriesColumns(points));
        }
        // Read whole at once, for a caller that reads the points: the same points and columns.
        const whole = await s.metricHistory('meta', 'm', { withPoints: true });
        expect([...whole.entities]).toEqual([...all.entities]);
        expect(whole.columns).toEqual(all.columns);
        expect([...all.columns!.get('a')!.values]).toEqual([0, NaN, 20, 30, 99]);
        expect([...all.columns!.get('a')!.days]).toEqual([20522, 20523, 20524, 20525, 20525]);
      });

      it('knows when each metric was last verified, and tracks one never verified', async () => {
        const s = await store();
        const err = { code: 'HTTP_STATUS', message: '500', status: 500, retryable: true };
        const gone = { code: 'UPSTREAM_INVALID_METRIC', message: '#100', retryable: false };
        await s.recordPoll(
          pollInput(0, {
            outcome: 'partial',
            outcomes: [
              { metric: 'm', status: 'ok' },
              { metric: 'n', status: 'error', error: err },
              { metric: 'r', status: 'error', error: gone },
            ],
          }),
        );
        expect(await s.metricsLastVerified('meta')).toEqual(
          new Map([
            ['m', at(1)],
            ['n', undefined],
            ['r', at(1)],
          ]),
        );
        await s.recordPoll(pollInput(10, { outcomes: [{ metric: 'n', status: 'missing' }] }));
        expect((await s.metricsLastVerified('meta')).get('n')).toBe(at(11));
        expect((await s.metricsLastVerified('meta')).get('m')).toBe(at(1));
      });

      it('reads the verification of many sources at once, as the per-source reads answer it', async () => {
        const s = await store();
        const err = { code: 'HTTP_STATUS', message: '500', status: 500, retryable: true };
        await s.recordPoll(pollInput(0, { outcomes: [{ metric: 'm', status: 'ok' }] }));
        await s.recordPoll(
          pollInput(5, { outcome: 'failed', outcomes: [{ metric: 'm', status: 'error', error: err }] }),
        );
        await s.recordPoll(pollInput(7, { source: 'other', outcome: 'failed', outcomes: [] }));
        const got = await s.verification(['meta', 'other', 'never', 'meta']);
        expect([...got.keys()].sort()).toEqual(['meta', 'never', 'other']);
        for (const source of ['meta', 'other', 'never']) {
          const last = (await s.lastVerifiedPoll(source))?.finishedAt;
          expect(got.get(source)).toEqual({
            ...(last === undefined ? {} : { lastVerifiedAt: last }),
            metrics: await s.metricsLastVerified(source),
          });
        }
        expect(got.get('meta')?.lastVerifiedAt).toBe(at(1));
        expect(got.get('other')?.lastVerifiedAt).toBeUndefined();
        expect((await s.verification([])).size).toBe(0);
      });
    });

    describe('findings', () => {
      it('inserts, updates and reads episodes; prefixes are case-insensitive and literal', async () => {
        const s = await store();
        const a = await s.findings.insert(
          finding('abcdef0011223344', 1, { entityShare: 0.25, announcedOn: '2026-03-01' }),
        );
        await s.findings.insert(finding('abcfff0011223344', 1, { source: 'other', metric: undefined }));
        await s.findings.insert(finding('ab_x000011223344'));
        expect(await s.findings.byId(a.id)).toEqual(a);
        expect((await s.findings.active('meta')).map((f) => f.fingerprint)).toEqual([
          'abcdef0011223344',
          'ab_x000011223344',
        ]);
        expect((await s.findings.active()).length).toBe(3);
        await s.findings.update({
          ...a,
          status: 'acknowledged',
          ack: { reason: 'r', by: 'ana', at: at(5), until: at(60) },
        });
        expect((await s.findings.episode('abcdef0011223344', 1))?.ack).toEqual({
          reason: 'r',
          by: 'ana',
          at: at(5),
          until: at(60),
        });
        expect((await s.findings.byPrefix('ABC')).map((f) => f.fingerprint)).toEqual([
          'abcdef0011223344',
          'abcfff0011223344',
        ]);
        expect((await s.findings.byPrefix('ab_')).map((f) => f.fingerprint)).toEqual(['ab_x000011223344']);
        expect(await s.findings.byPrefix('%')).toEqual([]);
      });

      it('counts episodes, finds the last resolved one, and lists newest first with filters', async () => {
        const s = await store();
        expect(await s.findings.lastEpisode('fp1')).toBe(0);
        const e1 = await s.findings.insert(finding('fp1', 1));
        await s.findings.update({ ...e1, status: 'resolved', resolvedAt: at(30), resolution: 'reverted' });
        expect((await s.findings.lastResolvedEpisode('fp1'))?.resolution).toBe('reverted');
        await s.findings.insert(finding('fp1', 2));
        expect(await s.findings.lastEpisode('fp1')).toBe(2);
        expect(await s.findings.lastResolvedEpisode('fp1')).toBeUndefined();
        await s.findings.insert(finding('fp2', 1, { source: 'other' }));
        expect((await s.findings.list()).map((f) => [f.fingerprint, f.episode])).toEqual([
          ['fp2', 1],
          ['fp1', 2],
          ['fp1', 1],
        ]);
        expect((await s.findings.list({ status: ['resolved'] })).map((f) => f.episode)).toEqual([1]);
        expect((await s.findings.list({ source: 'meta', limit: 1 })).map((f) => f.episode)).toEqual([2]);
        expect(await s.findings.list({ status: ['open'], source: 'nobody' })).toEqual([]);
      });
    });

    describe('outbox', () => {
      it('queues once per dedup key and claims due rows with a lease, oldest first, per channel', async () => {
        const s = await store();
        const id1 = await s.outbox.enqueue(mail('k1'));
        expect(await s.outbox.enqueue(mail('k1'))).toBeUndefined();
        const id2 = await s.outbox.enqueue({ ...mail('k2', { channel: 'slack' }) });
        await s.outbox.enqueue({ ...mail('k3'), notBefore: T0 + 3_600_000 });
        expect(await s.outbox.claimDue('relay-a', T0, 60_000, 10, ['slack'])).toMatchObject([
          {
            id: id2,
            status: 'sending',
            leaseOwner: 'relay-a',
            leaseUntil: T0 + 60_000,
            attempts: 1,
            channel: 'slack',
          },
        ]);
        const claimed = await s.outbox.claimDue('relay-b', T0, 60_000, 10);
        expect(claimed.map((r) => r.id)).toEqual([id1]);
        expect(claimed[0]!.payload).toEqual(payload('k1'));
        // Nothing more is due until k3's time; a lease that expires lets another relay take the row.
        expect(await s.outbox.claimDue('relay-c', T0 + 1000, 60_000, 10)).toEqual([]);
        expect(
          (await s.outbox.claimDue('relay-c', T0 + 3_600_000, 60_000, 10)).map((r) => [
            r.dedupKey,
            r.attempts,
          ]),
        ).toEqual([
          ['k1', 2],
          ['k2', 2],
          ['k3', 1],
        ]);
      });

      it('marks sent, retry, dead and dropped only for the lease owner, with dependents ended alongside', async () => {
        const s = await store();
        const a = (await s.outbox.enqueue(mail('a')))!;
        const ra = (await s.outbox.enqueue(mail('ra', { afterId: a })))!;
        const b = (await s.outbox.enqueue(mail('b')))!;
        const rb = (await s.outbox.enqueue(mail('rb', { afterId: b })))!;
        const c = (await s.outbox.enqueue(mail('c')))!;
        const rc = (await s.outbox.enqueue(mail('rc', { afterId: c })))!;
        // The resolved notices wait for their alerts.
        expect((await s.outbox.claimDue('r', T0, 60_000, 10)).map((r) => r.id)).toEqual([a, b, c]);
        expect(await s.outbox.markSent(a, 'intruder', at(1))).toBe(false);
        expect(await s.outbox.markSent(a, 'r', at(1))).toBe(true);
        expect(await s.outbox.markDead(b, 'r', 'SMTP_PERMANENT 550')).toEqual({
          dead: true,
          dependents: [rb],
        });
        expect(await s.outbox.markDropped(c, 'r', 'not sent: acknowledged by ana')).toEqual({
          dropped: true,
          dependents: [rc],
        });
        expect(await s.outbox.markDropped(c, 'r', 'again')).toEqual({ dropped: false, dependents: [] });
        const rows = await s.outbox.list();
        expect(rows.map((r) => [r.dedupKey, r.status, r.lastError ?? null])).toEqual([
          ['a', 'sent', null],
          ['ra', 'pending', null],
          ['b', 'dead', 'SMTP_PERMANENT 550'],
          ['rb', 'dead', `the message it follows (outbox row ${b}) was given up: SMTP_PERMANENT 550`],
          ['c', 'dropped', 'not sent: acknowledged by ana'],
          [
            'rc',
            'dropped',
            `the message it follows (outbox row ${c}) was not sent: not sent: acknowledged by ana`,
          ],
        ]);
        expect(rows[0]).toMatchObject({ sentAt: at(1) });
        expect(rows[0]!.leaseOwner).toBeUndefined();
        // The alert was sent, so its resolved notice is now due.
        const [next] = await s.outbox.claimDue('r', T0, 60_000, 10);
        expect(next?.id).toBe(ra);
        expect(await s.outbox.markRetry(ra, 'other', T0 + 5000, 'x')).toBe(false);
        expect(await s.outbox.markRetry(ra, 'r', T0 + 5000, 'SMTP_TRANSIENT 421')).toBe(true);
        expect(await s.outbox.byDedupKey('ra')).toMatchObject({
          status: 'pending',
          nextAttemptAt: T0 + 5000,
          attempts: 1,
          afterId: a,
        });
        expect(await s.outbox.claimDue('r', T0 + 4999, 60_000, 10)).toEqual([]);
        expect(await s.outbox.counts()).toEqual({ pending: 1, sending: 0, sent: 1, dead: 2, dropped: 2 });
        expect((await s.outbox.list(['dead', 'dropped'])).map((r) => r.dedupKey)).toEqual([
          'b',
          'rb',
          'c',
          'rc',
        ]);
        const summary = await s.outbox.summary();
        expect(summary).toMatchObject({ pending: 0, retrying: 1, sending: 0, sent: 1, dead: 2, dropped: 2 });
        expect(summary.problems.map((p) => [p.id, p.status])).toEqual([
          [b, 'dead'],
          [rb, 'dead'],
          [ra, 'retrying'],
        ]);
        expect(summary.problems[2]).toMatchObject({
          nextAttemptAt: new Date(T0 + 5000).toISOString(),
          lastError: 'SMTP_TRANSIENT 421',
        });
        expect(summary.droppedRows.map((d) => d.id)).toEqual([c, rc]);
        expect((await s.outbox.summary(1)).droppedRows.map((d) => d.id)).toEqual([rc]);
      });

      it('replaces payloads: a pending row until claimed, a claimed row only by its owner', async () => {
        const s = await store();
        const id = (await s.outbox.enqueue(mail('k')))!;
        expect(await s.outbox.replacePendingPayload(id, payload('v2'))).toBe(true);
        await s.outbox.claimDue('r', T0, 60_000, 1);
        expect(await s.outbox.replacePendingPayload(id, payload('v3'))).toBe(false);
        expect(await s.outbox.replaceClaimedPayload(id, 'other', payload('v3'))).toBe(false);
        expect(await s.outbox.replaceClaimedPayload(id, 'r', payload('v4'))).toBe(true);
        expect((await s.outbox.byDedupKey('k'))?.payload.subject).toBe('v4');
        expect(await s.outbox.byDedupKey('none')).toBeUndefined();
      });

      it('counts rows queued for a recipient since a time, of some kinds', async () => {
        const s = await store();
        await s.outbox.enqueue(mail('a', { minute: 0 }));
        await s.outbox.enqueue(mail('b', { minute: 30 }));
        await s.outbox.enqueue({ ...mail('c', { minute: 40 }), kind: 'digest' });
        await s.outbox.enqueue({ ...mail('d', { minute: 50 }), recipient: 'bo@example.com' });
        expect(await s.outbox.countQueuedSince('ana@example.com', ['alert'], at(30))).toBe(1);
        expect(await s.outbox.countQueuedSince('ana@example.com', ['alert', 'digest'], at(0))).toBe(3);
        expect(await s.outbox.countQueuedSince('ana@example.com', [], at(0))).toBe(0);
      });

      it('keeps the notification log: history per episode, sent alert payloads, and forgetting an item', async () => {
        const s = await store();
        const a1 = (await s.outbox.enqueue(mail('a1')))!;
        const a2 = (await s.outbox.enqueue(mail('a2')))!;
        const b1 = (await s.outbox.enqueue({ ...mail('b1'), recipient: 'bo@example.com' }))!;
        const entry = {
          at: at(0),
          recipient: 'ana@example.com',
          fingerprint: 'fp',
          episode: 1,
          kind: 'alert' as const,
        };
        await s.outbox.logNotification({ ...entry, outboxId: a1 });
        await s.outbox.logNotification({ ...entry, outboxId: a2, kind: 'countdown', detail: '30' });
        await s.outbox.logNotification({ ...entry, outboxId: b1, recipient: 'bo@example.com' });
        await s.outbox.claimDue('r', T0, 60_000, 10);
        await s.outbox.markSent(a1, 'r', at(1));
        const history = await s.outbox.notificationsOf('fp', 1);
        expect(history.map((n) => [n.outboxId, n.kind, n.status, n.detail ?? null])).toEqual([
          [a1, 'alert', 'sent', null],
          [a2, 'countdown', 'sending', '30'],
          [b1, 'alert', 'sending', null],
        ]);
        expect(history[0]!.messageId).toBe('<upwatch-a1@host>');
        expect((await s.outbox.notificationsOf('fp', 1, 'bo@example.com')).map((n) => n.outboxId)).toEqual([
          b1,
        ]);
        expect(await s.outbox.sentAlertPayloads('ana@example.com', 'fp', 1, 0)).toEqual([payload('a1')]);
        expect(await s.outbox.sentAlertPayloads('ana@example.com', 'fp', 1, a1)).toEqual([]);
        await s.outbox.forgetNotification(a2, 'fp', 1);
        expect((await s.outbox.notificationsOf('fp', 1, 'ana@example.com')).map((n) => n.outboxId)).toEqual([
          a1,
        ]);
      });
    });

    describe('audit, overrides, feature states, decisions, regimes', () => {
      it('appends audit entries and filters them by target', async () => {
        const s = await store();
        await s.audit.write({
          at: at(0),
          actor: 'ana',
          action: 'acknowledged',
          targetKind: 'finding',
          target: 'fp1',
          reason: 'known',
          details: { episode: 1 },
        });
        await s.audit.write({
          at: at(1),
          actor: 'upwatch',
          action: 'state-changed',
          targetKind: 'feature',
          target: 'f1',
        });
        await s.audit.write({
          at: at(2),
          actor: 'bo',
          action: 'cleared',
          targetKind: 'principal',
          target: 'fp1',
        });
        const all = await s.audit.read();
        expect(all.map((e) => e.action)).toEqual(['acknowledged', 'state-changed', 'cleared']);
        expect(all[0]).toMatchObject({ reason: 'known', details: { episode: 1 } });
        expect(all[1]!.details).toEqual({});
        expect(all[1]!.reason).toBeUndefined();
        expect((await s.audit.read({ targetKind: 'finding' })).map((e) => e.actor)).toEqual(['ana']);
        expect((await s.audit.read({ target: 'fp1' })).map((e) => e.actor)).toEqual(['ana', 'bo']);
        expect((await s.audit.read({ targetKind: 'principal', target: 'fp1' })).map((e) => e.actor)).toEqual([
          'bo',
        ]);
      });

      it('keeps overrides: the newest in force, revocation, expiry windows, history', async () => {
        const s = await store();
        const base = { feature: 'f1', action: 'allow' as const, reason: 'wired', by: 'ana' };
        const o1 = await s.overrides.add({ ...base, at: at(0), until: at(60) });
        const o2 = await s.overrides.add({ ...base, action: 'block', at: at(1), until: at(120) });
        const o3 = await s.overrides.add({ ...base, feature: 'f2', at: at(2), until: at(30) });
        const now = new Date(at(10));
        expect((await s.overrides.active(now)).get('f1')).toEqual(o2);
        expect([...(await s.overrides.active(now)).keys()]).toEqual(['f1', 'f2']);
        expect((await s.overrides.expiredBetween(undefined, new Date(at(60)))).map((o) => o.id)).toEqual([
          o1.id,
          o3.id,
        ]);
        expect((await s.overrides.expiredBetween(at(31), new Date(at(60)))).map((o) => o.id)).toEqual([
          o1.id,
        ]);
        expect(await s.overrides.expiredBetween(at(60), new Date(at(61)))).toEqual([]);
        expect(await s.overrides.revoke('f1', at(20))).toBe(2);
        expect((await s.overrides.active(new Date(at(21)))).has('f1')).toBe(false);
        expect((await s.overrides.of('f1')).map((o) => o.revokedAt)).toEqual([at(20), at(20)]);
        expect(await s.overrides.expiredBetween(undefined, new Date(at(200)))).toHaveLength(1);
      });

      it('moves a feature state change time only when the state changes', async () => {
        const s = await store();
        const reason = {
          fingerprint: 'fp',
          rule: 'r',
          severity: 'block' as const,
          source: 'meta',
          metric: 'm',
          explanation: 'x',
          status: 'open' as const,
          effect: 'block' as const,
        };
        await s.overrides.saveFeatureState({ feature: 'f1', state: 'blocked', reasons: [reason], at: at(0) });
        await s.overrides.saveFeatureState({ feature: 'f1', state: 'blocked', reasons: [], at: at(5) });
        await s.overrides.saveFeatureState({ feature: 'B', state: 'ok', reasons: [], at: at(5) });
        expect((await s.overrides.featureStates()).get('f1')).toEqual({
          feature: 'f1',
          state: 'blocked',
          reasons: [],
          changedAt: at(0),
          updatedAt: at(5),
        });
        await s.overrides.saveFeatureState({ feature: 'f1', state: 'ok', reasons: [], at: at(9) });
        expect((await s.overrides.featureStates()).get('f1')).toMatchObject({
          changedAt: at(9),
          updatedAt: at(9),
        });
        expect([...(await s.overrides.featureStates()).keys()]).toEqual(['B', 'f1']);
      });

      it('stores many feature states in one call as one by one, with hostile names and reasons', async () => {
        const s = await store();
        const names = Array.from(
          { length: 300 },
          (_, i) => `feature-${i}'; DROP TABLE feature_states; --"\u00e9`,
        );
        const reason = (i: number) => ({
          fingerprint: `fp${i}`,
          rule: 'r',
          severity: 'warn' as const,
          source: 'meta',
          metric: 'm',
          explanation: `x "${i}"\n`,
          status: 'open' as const,
          effect: 'warn' as const,
        });
        await s.overrides.saveFeatureStates([]);
        await s.overrides.saveFeatureState({ feature: names[0]!, state: 'blocked', reasons: [], at: at(0) });
        await s.overrides.saveFeatureStates(
          names.map((feature, i) => ({
            feature,
            state: i % 2 === 0 ? ('blocked' as const) : ('warn' as const),
            reasons: i % 3 === 0 ? [reason(i)] : [],
            at: at(5),
          })),
        );
        const states = await s.overrides.featureStates();
        expect(states.size).toBe(300);
        // The state of the first did not change: its change time stays; the others are new at 5.
        expect(states.get(names[0]!)).toEqual({
          feature: names[0],
          state: 'blocked',
          reasons: [reason(0)],
          changedAt: at(0),
          updatedAt: at(5),
        });
        expect(states.get(names[1]!)).toMatchObject({ state: 'warn', reasons: [], changedAt: at(5) });
        expect(states.get(names[3]!)?.reasons).toEqual([reason(3)]);
      });

      it('records decisions and reads them per metric, per source, latest and recent', async () => {
        const s = await store();
        const d = {
          fingerprint: 'fp1',
          episode: 1,
          source: 'meta',
          metric: 'page_reach',
          rule: 'panel-scale',
          kind: 'rescaled-history' as const,
          factor: 0.001,
          onset: '2026-03-14',
          reason: 'rescaled',
          by: 'ana',
          at: at(10),
        };
        const d1 = await s.decisions.insert(d);
        const d2 = await s.decisions.insert({ ...d, kind: 'new-definition', at: at(5), factor: undefined });
        const d3 = await s.decisions.insert({ ...d, metric: undefined, fingerprint: 'fp2', at: at(20) });
        expect((await s.decisions.for({ source: 'meta', metric: 'page_reach' })).map((x) => x.id)).toEqual([
          d2.id,
          d1.id,
        ]);
        expect((await s.decisions.for({ source: 'meta' })).map((x) => x.id)).toEqual([d3.id]);
        expect(await s.decisions.latest('fp1')).toEqual(d1);
        expect(await s.decisions.latest('none')).toBeUndefined();
        expect((await s.decisions.recent(at(10))).map((x) => x.id)).toEqual([d3.id, d1.id]);
        expect((await s.decisions.of('fp1', 1))?.id).toBe(d2.id);
        expect((await s.decisions.of('fp1', 1))?.factor).toBeUndefined();
      });

      it('records regimes once per start day; the current one is the latest start', async () => {
        const s = await store();
        await s.regimes.record('meta', 'm', '2026-03-14', 'unit-scale', at(0));
        await s.regimes.record('meta', 'm', '2026-03-14', 'again', at(1));
        await s.regimes.record('meta', 'm', '2026-02-01', 'older', at(2));
        await s.regimes.record('meta', 'n', '2026-03-01', 'n', at(3));
        expect(await s.regimes.current('meta')).toEqual(
          new Map([
            ['m', '2026-03-14'],
            ['n', '2026-03-01'],
          ]),
        );
        expect(await s.regimes.history('meta', 'm')).toEqual([
          { source: 'meta', metric: 'm', startDay: '2026-02-01', reason: 'older', recordedAt: at(2) },
          { source: 'meta', metric: 'm', startDay: '2026-03-14', reason: 'unit-scale', recordedAt: at(0) },
        ]);
      });
    });

    describe('docs, pauses, breakers, slots', () => {
      it('keeps one doc snapshot per distinct content and moves the fetch metadata of an unchanged one', async () => {
        const s = await store();
        const doc = { source: 'stripe', doc: 'openapi', normalized: 'v1' };
        expect(await s.docs.save({ ...doc, hash: 'h1', fetchedAt: at(0), etag: '"e1"' })).toEqual({
          changed: true,
        });
        const same = await s.docs.save({ ...doc, hash: 'h1', fetchedAt: at(5), lastModified: 'Sun' });
        expect(same).toMatchObject({
          changed: false,
          previous: { hash: 'h1', etag: '"e1"', fetchedAt: at(0) },
        });
        expect(await s.docs.latest('stripe', 'openapi')).toMatchObject({
          fetchedAt: at(5),
          lastModified: 'Sun',
          changedAt: at(0),
        });
        expect((await s.docs.latest('stripe', 'openapi'))?.etag).toBeUndefined();
        const changed = await s.docs.save({ ...doc, normalized: 'v2', hash: 'h2', fetchedAt: at(10) });
        expect(changed).toMatchObject({ changed: true, previous: { hash: 'h1' } });
        await s.docs.save({
          source: 'stripe',
          doc: 'changelog',
          normalized: 'c',
          hash: 'c1',
          fetchedAt: at(11),
        });
        const latest = (await s.docs.latest('stripe', 'openapi'))!;
        await s.docs.markFetched(latest.id, at(20));
        expect(await s.docs.latest('stripe', 'openapi')).toMatchObject({
          hash: 'h2',
          fetchedAt: at(20),
          changedAt: at(10),
        });
        expect((await s.docs.earliest('stripe', 'openapi'))?.hash).toBe('h1');
        expect((await s.docs.history('stripe', 'openapi', 5)).map((d) => d.hash)).toEqual(['h2', 'h1']);
        expect((await s.docs.history('stripe', 'openapi', 1)).map((d) => d.hash)).toEqual(['h2']);
        expect((await s.docs.docsOf('stripe')).map((d) => [d.doc, d.versions, d.latest.hash])).toEqual([
          ['changelog', 1, 'c1'],
          ['openapi', 2, 'h2'],
        ]);
        expect(await s.docs.latest('stripe', 'none')).toBeUndefined();
      });

      it('extends pauses but never shortens them, caps them at MAX_PAUSE_MS, and replaces an untrusted one', async () => {
        const s = await store();
        const now = new Date(at(0));
        await s.pauses.pause('tok:b', at(30), 'throttled', now);
        await s.pauses.pause('tok:b', at(10), 'shorter', now);
        expect(await s.pauses.pausedUntil('tok:b', now)).toBe(at(30));
        await s.pauses.pause('tok:b', at(45), 'longer', now);
        expect(await s.pauses.pausedUntil('tok:b', now)).toBe(at(45));
        expect(await s.pauses.pausedUntil('tok:b', new Date(at(45)))).toBeUndefined();
        // A year-long pause is cut to the cap.
        await s.pauses.pause('tok:A', new Date(T0 + 365 * 86_400_000), 'huge', now);
        expect(await s.pauses.pausedUntil('tok:A', now)).toBe(new Date(T0 + MAX_PAUSE_MS).toISOString());
        // Seen from a clock two days earlier, that pause lies beyond the cap: untrusted, not in force, replaced.
        const earlier = new Date(T0 - 2 * 86_400_000);
        expect(await s.pauses.pausedUntil('tok:A', earlier)).toBeUndefined();
        expect((await s.pauses.untrusted('tok:A', earlier))?.reason).toBe('huge');
        expect(await s.pauses.untrusted('tok:A', now)).toBeUndefined();
        await s.pauses.pause('tok:A', new Date(earlier.getTime() + 60_000), 'short', earlier);
        expect(await s.pauses.pausedUntil('tok:A', earlier)).toBe(
          new Date(earlier.getTime() + 60_000).toISOString(),
        );
        await s.pauses.pause('tok:a', at(5), 'x', now);
        // Byte order, whatever the server's locale: upper case before lower case.
        expect((await s.pauses.list()).map((p) => p.principal)).toEqual(['tok:A', 'tok:a', 'tok:b']);
        expect(await s.pauses.clear('tok:b')).toMatchObject({
          principal: 'tok:b',
          nextAllowedAt: at(45),
          reason: 'longer',
          updatedAt: at(0),
        });
        expect(await s.pauses.clear('tok:b')).toBeUndefined();
      });

      it('saves breakers and lists those not closed', async () => {
        const s = await store();
        const open = {
          key: 'host:b.example',
          state: 'open' as const,
          failures: 3,
          kind: 'refused' as const,
          lastError: 'ECONNREFUSED',
          openedAt: at(0),
          probesFailed: 1,
          nextProbeAt: at(5),
          updatedAt: at(0),
        };
        await s.breakers.save(open);
        await s.breakers.save({
          key: 'host:a.example',
          state: 'closed',
          failures: 0,
          probesFailed: 0,
          updatedAt: at(0),
        });
        expect(await s.breakers.get('host:b.example')).toEqual(open);
        expect(await s.breakers.get('host:a.example')).toEqual({
          key: 'host:a.example',
          state: 'closed',
          failures: 0,
          probesFailed: 0,
          updatedAt: at(0),
        });
        expect((await s.breakers.notClosed()).map((b) => b.key)).toEqual(['host:b.example']);
        await s.breakers.save({
          key: 'host:b.example',
          state: 'closed',
          failures: 0,
          probesFailed: 0,
          updatedAt: at(9),
        });
        expect(await s.breakers.notClosed()).toEqual([]);
        expect(await s.breakers.get('host:none')).toBeUndefined();
      });

      it('records polled slots that only move later, unless the stored one lies ahead of the clock', async () => {
        const s = await store();
        const now = new Date(at(0));
        expect(await s.slots.lastSlot('meta')).toBeUndefined();
        await s.slots.recordSlot('meta', at(0), now);
        await s.slots.recordSlot('meta', at(-60), now);
        expect(await s.slots.polledSlot('meta')).toBe(at(0));
        // A poll started after the slot covers it.
        await s.recordPoll(pollInput(30));
        expect(await s.slots.lastSlot('meta')).toBe(at(30));
        expect(await s.slots.polledSlot('meta')).toBe(at(0));
        // A slot recorded under a clock set a day ahead is replaced once the clock is right again.
        await s.slots.recordSlot('ga', at(24 * 60), new Date(at(24 * 60)));
        await s.slots.recordSlot('ga', at(60), new Date(at(60)));
        expect(await s.slots.polledSlot('ga')).toBe(at(60));
      });

      it('says whether recording a slot claimed it: once per slot, and a rolled-back claim frees it again', async () => {
        const s = await store();
        const now = new Date(at(0));
        expect(await s.slots.recordSlot('meta', at(0), now)).toBe(true);
        expect(await s.slots.recordSlot('meta', at(0), now)).toBe(false);
        expect(await s.slots.recordSlot('meta', at(-60), now)).toBe(false);
        // A claim in a transaction that fails (a worker's poll that could not be stored) leaves the slot free.
        await expect(
          s.transaction(async () => {
            expect(await s.slots.recordSlot('meta', at(60), now)).toBe(true);
            throw new Error('poll not stored');
          }),
        ).rejects.toThrow('poll not stored');
        expect(await s.slots.polledSlot('meta')).toBe(at(0));
        expect(await s.slots.recordSlot('meta', at(60), now)).toBe(true);
      });
    });

    describe('statistics', () => {
      it('counts polls, requests by status class, per-source summaries and served versions', async () => {
        const s = await store();
        const req = (status?: number): RequestRecord => ({
          method: 'GET',
          url: 'u',
          latencyMs: 1,
          attempts: 1,
          headers: {},
          ...(status === undefined ? {} : { status }),
        });
        await s.recordPoll(
          pollInput(0, {
            requests: [req(200), req(200), req(404)],
            servedVersion: 'v23.0',
            observations: [obs('p1', at(-60), 1), obs('p2', at(-60), 2)],
          }),
        );
        await s.recordPoll(
          pollInput(10, { requests: [req()], outcome: 'failed', outcomes: [], servedVersion: 'v24.0' }),
        );
        await s.recordPoll(
          pollInput(20, { requests: [req(503)], outcome: 'failed', outcomes: [], servedVersion: 'v23.0' }),
        );
        expect(await s.stats.pollCounts()).toEqual([
          { source: 'meta', outcome: 'failed', polls: 2 },
          { source: 'meta', outcome: 'ok', polls: 1 },
        ]);
        expect(await s.stats.requestCounts()).toEqual([
          { source: 'meta', statusClass: '2xx', requests: 2 },
          { source: 'meta', statusClass: '4xx', requests: 1 },
          { source: 'meta', statusClass: '5xx', requests: 1 },
          { source: 'meta', statusClass: 'none', requests: 1 },
        ]);
        const [meta, quiet] = await s.stats.sourceStatuses(['zz-never']);
        expect(meta).toMatchObject({
          source: 'meta',
          lastOutcome: 'failed',
          lastPollAt: at(21),
          lastErrorCode: 'HTTP_TIMEOUT',
          lastVerifiedAt: at(1),
          polls: 3,
          failedPolls: 2,
          consecutiveFailures: 2,
          observations: 2,
          metrics: 1,
          entities: 2,
        });
        expect(quiet).toEqual({
          source: 'zz-never',
          polls: 0,
          failedPolls: 0,
          consecutiveFailures: 0,
          observations: 0,
          metrics: 0,
          entities: 0,
        });
        expect(await s.stats.servedVersions('meta')).toEqual([
          { version: 'v23.0', polls: 2, firstSeen: at(1), lastSeen: at(21) },
          { version: 'v24.0', polls: 1, firstSeen: at(11), lastSeen: at(11) },
        ]);
      });
    });

    describe('transactions', () => {
      const entry = (target: string) => ({
        at: at(0),
        actor: 'ana',
        action: 'state-changed',
        targetKind: 'feature' as const,
        target,
      });

      it('commits together, returns the value, and rolls back everything when the body throws', async () => {
        const s = await store();
        expect(
          await s.transaction(async () => {
            await s.audit.write(entry('a'));
            await s.overrides.saveFeatureState({ feature: 'a', state: 'ok', reasons: [], at: at(0) });
            return 7;
          }),
        ).toBe(7);
        await expect(
          s.transaction(async () => {
            await s.audit.write(entry('b'));
            await s.recordPoll(pollInput(0));
            await s.outbox.enqueue(mail('k'));
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect((await s.audit.read()).map((e) => e.target)).toEqual(['a']);
        expect(await s.lastPoll('meta')).toBeUndefined();
        expect(await s.outbox.list()).toEqual([]);
        expect((await s.overrides.featureStates()).size).toBe(1);
      });

      it('makes a nested transaction a savepoint that rolls back alone', async () => {
        const s = await store();
        await s.transaction(async () => {
          await s.audit.write(entry('outer'));
          await expect(
            s.transaction(async () => {
              await s.audit.write(entry('inner'));
              throw new Error('inner fails');
            }),
          ).rejects.toThrow('inner fails');
          await s.transaction(() => s.audit.write(entry('inner ok')));
          expect((await s.audit.read()).map((e) => e.target)).toEqual(['outer', 'inner ok']);
        });
        expect((await s.audit.read()).map((e) => e.target)).toEqual(['outer', 'inner ok']);
      });

      it('never shows another flow a write of an open transaction that then rolls back', async () => {
        const s = await store();
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => (wrote = resolve));
        const tx = s.transaction(async () => {
          await s.audit.write(entry('pending'));
          wrote();
          await gate;
          throw new Error('rolled back');
        });
        await written;
        // Read from outside while the transaction is open (SQLite runs it once the transaction ends; PostgreSQL at
        // once): either way it must not see the row.
        const outside = s.audit.read();
        release();
        await expect(tx).rejects.toThrow('rolled back');
        expect(await outside).toEqual([]);
        expect(await s.audit.read()).toEqual([]);
      });
    });

    it('reports a whole store at the schema version this upwatch writes', async () => {
      const s = await store();
      const h = await s.health();
      expect(h.integrity).toBe('ok');
      expect(h.schemaVersion).toBe(h.expectedVersion);
    });
  });
}
