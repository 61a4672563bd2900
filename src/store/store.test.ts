import Database from 'better-sqlite3';
import { openSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUpwatchError, type UpwatchError } from '../core/errors.js';
import type { FetchResult, RawObservation } from '../core/observation.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { MIGRATIONS } from './migrations/index.js';
import { INTEGRITY_CHECK_INTERVAL_MS, openStore } from './store.js';

const dir = tempDir('upwatch-store-');

function obs(metric: string, entity: string, day: number, value: number | null): RawObservation {
  const periodEnd = `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`;
  return { source: 's', metric, entity, periodEnd, value, jsonType: value === null ? 'null' : 'int' };
}

function fetchOf(observations: RawObservation[]): FetchResult {
  return {
    observations,
    requests: [
      { method: 'GET', url: 'http://x/a', status: 200, latencyMs: 3, attempts: 1, headers: { etag: 'e' } },
    ],
    metricOutcomes: [{ metric: 'm', status: 'ok' }],
    payloadSchema: { 'data[]': { object: 1 } },
    payloadHash: 'abc',
  };
}

describe('openStore', () => {
  it('sets WAL, synchronous=FULL, foreign keys, busy timeout and migrates to the last version', async () => {
    const store = openStore(join(dir, 'a', 'nested', 'u.db'));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    await store.close();
    // Reopening keeps the version and sets synchronous again on the new connection.
    const again = openStore(join(dir, 'a', 'nested', 'u.db'));
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2);
    await again.close();
  });

  it('rejects a file that is not a database with STORE_CORRUPT', () => {
    const p = join(dir, 'garbage.db');
    writeFileSync(p, 'this is not sqlite'.repeat(300));
    let err: unknown;
    try {
      openStore(p);
    } catch (e) {
      err = e;
    }
    expect(isUpwatchError(err, 'STORE_CORRUPT')).toBe(true);
  });

  it('refuses a missing file in read-only mode with STORE_UNAVAILABLE', () => {
    expect(() => openStore(join(dir, 'missing.db'), { readonly: true })).toThrow(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
    );
  });
});

describe('openStore integrity check (quick_check once a day)', () => {
  const t0 = new Date('2026-03-10T06:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);
  const passedAt = (path: string): string | undefined => {
    const db = new Database(path, { readonly: true });
    try {
      return (
        db.prepare("SELECT passed_at FROM store_checks WHERE name = 'quick_check'").get() as
          { passed_at: string } | undefined
      )?.passed_at;
    } finally {
      db.close();
    }
  };

  /** A store with a few thousand observations, checked at t0, whose observations b-tree root page is then overwritten. */
  async function damagedStore(name: string): Promise<string> {
    const p = join(dir, name);
    const store = openStore(p, { now: t0 });
    const rows: RawObservation[] = [];
    for (let e = 0; e < 400; e++) for (let d = 1; d <= 9; d++) rows.push(obs('m', `page-${e}`, d, e * d));
    await store.recordPoll({
      source: 's',
      startedAt: t0.toISOString(),
      finishedAt: t0.toISOString(),
      outcome: 'ok',
      fetch: fetchOf(rows),
    });
    const { rootpage } = store.db
      .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'observations'")
      .get() as { rootpage: number };
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    await store.close();
    const fd = openSync(p, 'r+');
    // Keep the page's first byte (its type), scramble the rest of its header and cell pointers.
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (rootpage - 1) * pageSize + 1);
    closeSync(fd);
    return p;
  }

  it('records a passed check, and checks again only once a day has gone by', async () => {
    const p = join(dir, 'checked.db');
    await openStore(p, { now: t0 }).close();
    expect(passedAt(p)).toBe(t0.toISOString());
    // Within the day: not checked again, nothing recorded.
    await openStore(p, { now: later(INTEGRITY_CHECK_INTERVAL_MS - 1000) }).close();
    expect(passedAt(p)).toBe(t0.toISOString());
    // A read-only open after a day checks and records nothing (it cannot write).
    await openStore(p, { now: later(INTEGRITY_CHECK_INTERVAL_MS), readonly: true }).close();
    expect(passedAt(p)).toBe(t0.toISOString());
    await openStore(p, { now: later(INTEGRITY_CHECK_INTERVAL_MS) }).close();
    expect(passedAt(p)).toBe(later(INTEGRITY_CHECK_INTERVAL_MS).toISOString());
    // A clock set back before the recorded pass checks again.
    await openStore(p, { now: later(-3600_000) }).close();
    expect(passedAt(p)).toBe(later(-3600_000).toISOString());
  });

  it('a damaged store opens within the day of its last pass, is refused after it, and doctor sees it at once', async () => {
    const p = await damagedStore('damaged.db');
    const within = openStore(p, { now: later(3600_000), readonly: true });
    expect((await within.health()).integrity).not.toBe('ok');
    // A command that reads the damaged pages is told so, with what to do (not "unexpected failure").
    const read = await within.metricHistory('s', 'm').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUpwatchError(read, 'STORE_CORRUPT')).toBe(true);
    expect((read as UpwatchError).message).toMatch(/damaged\.db is damaged: /);
    expect((read as UpwatchError).hint).toMatch(/upwatch doctor/);
    await within.close();
    for (const readonly of [true, false]) {
      let err: unknown;
      try {
        openStore(p, { now: later(INTEGRITY_CHECK_INTERVAL_MS + 1), readonly });
      } catch (e) {
        err = e;
      }
      expect(isUpwatchError(err, 'STORE_CORRUPT')).toBe(true);
      expect((err as Error).message).toMatch(/failed its integrity check/);
    }
    // Refused before any write: the recorded pass is still the last good one.
    expect(passedAt(p)).toBe(t0.toISOString());
  });
});

describe('openStore on a store that is not finished', () => {
  it('read-only: a file with no schema yet is "being created", an older schema "needs migrations"; neither migrates', () => {
    const empty = join(dir, 'being-created.db');
    new Database(empty).close();
    expect(() => openStore(empty, { readonly: true })).toThrow(/is being created \(it has no tables yet\)/);
    const old = join(dir, 'old.db');
    const db = new Database(old);
    MIGRATIONS[0]!.up(db);
    db.pragma('user_version = 1');
    db.close();
    expect(() => openStore(old, { readonly: true })).toThrow(
      new RegExp(`needs migrations \\(schema version 1 of ${MIGRATIONS.length}\\)`),
    );
    const check = new Database(old, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    check.close();
  });
});

describe('recordPoll and history', () => {
  it('stores a poll with requests and outcomes and returns it as a PollRecord', async () => {
    const store = openStore(':memory:');
    const poll = await store.recordPoll({
      source: 's',
      startedAt: '2026-03-14T10:00:00.000Z',
      finishedAt: '2026-03-14T10:00:01.000Z',
      outcome: 'ok',
      fetch: { ...fetchOf([obs('m', 'p1', 13, 5)]), servedVersion: 'v24.0' },
    });
    expect(poll).toMatchObject({
      id: 1,
      outcome: 'ok',
      servedVersion: 'v24.0',
      observationCount: 1,
      payloadHash: 'abc',
      payloadSchema: { 'data[]': { object: 1 } },
      requests: [{ url: 'http://x/a', status: 200, headers: { etag: 'e' } }],
      metricOutcomes: [{ metric: 'm', status: 'ok' }],
    });
    expect(await store.lastPoll('s')).toEqual(poll);
    await store.close();
  });

  it('keeps the first value of a restated period and moves the latest one', async () => {
    const store = openStore(':memory:');
    await store.recordPoll({
      source: 's',
      startedAt: 't1',
      finishedAt: '2026-03-14T10:00:00.000Z',
      outcome: 'ok',
      fetch: fetchOf([obs('m', 'p1', 13, 5)]),
    });
    await store.recordPoll({
      source: 's',
      startedAt: 't2',
      finishedAt: '2026-03-15T10:00:00.000Z',
      outcome: 'ok',
      fetch: fetchOf([obs('m', 'p1', 13, 7), obs('m', 'p1', 14, 9)]),
    });
    const h = await store.metricHistory('s', 'm');
    expect(h.entities.get('p1')).toEqual([
      {
        periodEnd: '2026-03-13T08:00:00.000Z',
        day: '2026-03-13',
        value: 7,
        firstValue: 5,
        jsonType: 'int',
        firstSeen: '2026-03-14T10:00:00.000Z',
        lastSeen: '2026-03-15T10:00:00.000Z',
      },
      {
        periodEnd: '2026-03-14T08:00:00.000Z',
        day: '2026-03-14',
        value: 9,
        firstValue: 9,
        jsonType: 'int',
        firstSeen: '2026-03-15T10:00:00.000Z',
        lastSeen: '2026-03-15T10:00:00.000Z',
      },
    ]);
    expect((await store.metricHistory('s', 'm', { sinceDay: '2026-03-14' })).entities.get('p1')).toHaveLength(
      1,
    );
    await store.close();
  });

  it('upserts across the batch boundary without losing or duplicating a row', async () => {
    const store = openStore(':memory:');
    const many = Array.from({ length: 64 * 3 + 7 }, (_, i) =>
      obs('m', `e${i % 10}`, 1 + Math.floor(i / 10), i),
    );
    await store.recordPoll({
      source: 's',
      startedAt: 't',
      finishedAt: '2026-03-20T00:00:00.000Z',
      outcome: 'ok',
      fetch: fetchOf(many),
    });
    const n = store.db.prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number };
    expect(n.n).toBe(many.length);
    await store.close();
  });

  it('a failed poll adds a row and leaves earlier observations untouched', async () => {
    const store = openStore(':memory:');
    await store.recordPoll({
      source: 's',
      startedAt: 't1',
      finishedAt: '2026-03-14T10:00:00.000Z',
      outcome: 'ok',
      fetch: fetchOf([obs('m', 'p1', 13, 5)]),
    });
    await store.recordPoll({
      source: 's',
      startedAt: 't2',
      finishedAt: '2026-03-15T10:00:00.000Z',
      outcome: 'failed',
      errorCode: 'HTTP_TIMEOUT',
      errorMessage: 'deadline',
      fetch: { observations: [], requests: [], metricOutcomes: [] },
    });
    expect((await store.metricHistory('s', 'm')).entities.get('p1')![0]!.lastSeen).toBe(
      '2026-03-14T10:00:00.000Z',
    );
    expect((await store.recentPolls('s', 10)).map((p) => p.outcome)).toEqual(['ok', 'failed']);
    expect((await store.lastVerifiedPoll('s'))!.id).toBe(1);
    expect(await store.stats.sourceStatuses(['s', 'other'])).toMatchObject([
      { source: 'other', polls: 0 },
      {
        source: 's',
        polls: 2,
        failedPolls: 1,
        consecutiveFailures: 1,
        lastOutcome: 'failed',
        lastErrorCode: 'HTTP_TIMEOUT',
        observations: 1,
      },
    ]);
    await store.close();
  });

  it('rolls a poll back whole when one row cannot be written', async () => {
    const store = openStore(':memory:');
    const bad = { ...obs('m', 'p1', 13, 5), jsonType: undefined as unknown as 'int' };
    await expect(
      store.recordPoll({
        source: 's',
        startedAt: 't',
        finishedAt: 'f',
        outcome: 'ok',
        fetch: fetchOf([obs('m', 'p1', 12, 1), bad]),
      }),
    ).rejects.toThrow();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM polls').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM observations').get()).toEqual({ n: 0 });
    await store.close();
  });
});

describe('pauses and doc snapshots', () => {
  it('a pause survives reopening and only moves later', async () => {
    const p = join(dir, 'pauses.db');
    const now = new Date('2026-03-14T10:00:00Z');
    const s1 = openStore(p);
    await s1.pauses.pause('tok', '2026-03-14T11:00:00Z', 'throttled', now);
    await s1.pauses.pause('tok', '2026-03-14T10:30:00Z', 'shorter', now);
    await s1.close();
    const s2 = openStore(p);
    const pauses = s2.pauses;
    expect(await pauses.pausedUntil('tok', now)).toBe('2026-03-14T11:00:00.000Z');
    expect(await pauses.pausedUntil('tok', new Date('2026-03-14T11:00:01Z'))).toBeUndefined();
    await s2.close();
  });

  it('a pause is set 24 h ahead at most; one stored further ahead is not in force and the next pause replaces it', async () => {
    const store = openStore(':memory:');
    const pauses = store.pauses;
    const now = new Date('2026-03-14T10:00:00Z');
    await pauses.pause('tok', '2026-03-20T10:00:00Z', 'Retry-After of six days', now);
    expect(await pauses.pausedUntil('tok', now)).toBe('2026-03-15T10:00:00.000Z');
    // Written under a clock set to 2030: not in force now, named by `untrusted`, replaced by a real pause.
    await pauses.pause('app', '2030-01-01T01:00:00Z', 'throttled', new Date('2030-01-01T00:00:00Z'));
    expect(await pauses.pausedUntil('app', now)).toBeUndefined();
    expect((await pauses.untrusted('app', now))?.nextAllowedAt).toBe('2030-01-01T01:00:00.000Z');
    await pauses.pause('app', '2026-03-14T10:05:00Z', 'throttled again', now);
    expect(await pauses.pausedUntil('app', now)).toBe('2026-03-14T10:05:00.000Z');
    expect(await pauses.untrusted('app', now)).toBeUndefined();
    expect((await pauses.clear('app'))?.reason).toBe('throttled again');
    expect(await pauses.clear('app')).toBeUndefined();
    await store.close();
  });

  it('writes a new snapshot row only when the hash changes', async () => {
    const store = openStore(':memory:');
    const snaps = store.docs;
    expect(
      (await snaps.save({ source: 's', doc: 'd', hash: 'h1', normalized: 'a', fetchedAt: 't1' })).changed,
    ).toBe(true);
    expect(
      (await snaps.save({ source: 's', doc: 'd', hash: 'h1', normalized: 'a', etag: 'e', fetchedAt: 't2' }))
        .changed,
    ).toBe(false);
    const r = await snaps.save({ source: 's', doc: 'd', hash: 'h2', normalized: 'b', fetchedAt: 't3' });
    expect(r).toMatchObject({ changed: true, previous: { normalized: 'a', etag: 'e', fetchedAt: 't2' } });
    expect(await snaps.latest('s', 'd')).toMatchObject({ hash: 'h2', changedAt: 't3' });
    await store.close();
  });
});

describe('health', () => {
  it('reports a whole file at the current schema, also through a read-only handle', async () => {
    const path = join(dir, 'health.db');
    const store = openStore(path);
    const current = { integrity: 'ok', schemaVersion: MIGRATIONS.length, expectedVersion: MIGRATIONS.length };
    expect(await store.health()).toEqual(current);
    await store.close();
    const readonly = openStore(path, { readonly: true });
    try {
      expect(await readonly.health()).toEqual(current);
    } finally {
      await readonly.close();
    }
  });
});

describe('metricHistory', () => {
  const poll = (minute: number, observations: RawObservation[]) => ({
    source: 's',
    startedAt: `2026-03-20T10:${String(minute).padStart(2, '0')}:00.000Z`,
    finishedAt: `2026-03-20T10:${String(minute).padStart(2, '0')}:01.000Z`,
    outcome: 'ok' as const,
    fetch: fetchOf(observations),
  });

  it('reads the points only when asked, as they were when the history was read', async () => {
    const store = openStore(join(dir, 'lazy.db'));
    await store.recordPoll(poll(0, [obs('m', 'p1', 13, 5), obs('m', 'p2', 13, 1), obs('m', 'p1', 14, null)]));
    const h = await store.metricHistory('s', 'm');
    expect([...h.entities.keys()]).toEqual(['p1', 'p2']);
    expect([...h.columns!.get('p1')!.values]).toEqual([5, NaN]);
    // A poll of another metric in between changes nothing of this one.
    await store.recordPoll(poll(1, [obs('other', 'p1', 14, 9)]));
    expect(h.entities.get('p1')!.map((p) => [p.day, p.value])).toEqual([
      ['2026-03-13', 5],
      ['2026-03-14', null],
    ]);
    expect(h.entities.get('p2')!.map((p) => p.value)).toEqual([1]);
    await store.close();
  });

  it('fails to hand points that no longer match the columns read (a restatement in between), or after close', async () => {
    const store = openStore(join(dir, 'lazy-changed.db'));
    await store.recordPoll(poll(0, [obs('m', 'p1', 13, 5)]));
    const h = await store.metricHistory('s', 'm');
    await store.recordPoll(poll(1, [obs('m', 'p1', 13, 6)]));
    expect(() => h.entities.get('p1')).toThrow(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE', retryable: true }),
    );
    // Read whole at once, the points are the rows as read, whatever is written after.
    const whole = await store.metricHistory('s', 'm', { withPoints: true });
    await store.recordPoll(poll(2, [obs('m', 'p1', 13, 7)]));
    expect(whole.entities.get('p1')!.map((p) => p.value)).toEqual([6]);
    const again = await store.metricHistory('s', 'm');
    await store.close();
    expect(() => again.entities.get('p1')).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    expect(whole.entities.get('p1')!.map((p) => p.value)).toEqual([6]);
  });
});
