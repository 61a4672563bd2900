// The history store: one SQLite file (better-sqlite3) holding polls, observations, doc snapshots and pauses.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { addDays } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';
import { ColumnsBuilder, columnsMatch, HistoryBuilder } from '../core/history-columns.js';
import { metricVerification, type PollRecord, type RawObservation } from '../core/observation.js';
import { MIGRATIONS } from './migrations/index.js';
import {
  compareObservationKeys,
  dayOf,
  outcomeValues,
  POLL_COLUMNS,
  pollsFromRows,
  pollValues,
  recordedPoll,
  requestValues,
  seriesPointFromTuple,
  type HistoryColumnsTuple,
  type HistoryTuple,
  type OutcomeRow,
  type PollRow,
  type RecordPollInput,
  type RequestRow,
} from './rows.js';
import { findingsRepo, type SyncFindingsRepo } from './findings-repo.js';
import { SqliteTransactions } from './sqlite-transactions.js';
import { sqliteRepositories, type Exclusive } from './sqlite-port.js';
import type { HistoryOptions, Store as PortStore, SourceVerification, StoreHealth } from './ports.js';

/** What one poll saw, ready to be stored in one transaction. */
export type { RecordPollInput };

export interface OpenStoreOptions {
  /** Open an existing store without writing (no migrations, no WAL switch). */
  readonly?: boolean;
  /**
   * `full` (default): every commit is synced to disk, so a queued alert survives power loss. `normal`: commits are
   * not synced (WAL still survives a process crash) — only for throwaway stores such as the demo's temporary one.
   */
  synchronous?: 'full' | 'normal';
  /**
   * The time the open runs at (default: the system clock). SQLite's `quick_check` reads the whole file, so opening
   * runs it only when the store has not passed it within INTEGRITY_CHECK_INTERVAL_MS of this time.
   */
  now?: Date;
}

/**
 * How long a passed integrity check (`quick_check`) stands: opening the store checks again only after this. It reads
 * every page (0.5–0.7 s on a 269 MB store, BENCHMARKS.md), which every `upwatch poll` from cron and every `upwatch
 * gate` paid; once a day still finds a damaged file within a day, and `upwatch doctor` checks on demand.
 */
export const INTEGRITY_CHECK_INTERVAL_MS = 24 * 3600 * 1000;
const INTEGRITY_CHECK = 'quick_check';

export type { Store, StoreHealth } from './ports.js';

/** The SQLite store: the ports, plus the connection for code and tests under src/store/ that need SQLite itself. */
export interface SqliteStore extends PortStore {
  /** The better-sqlite3 connection. Only code under src/store/ (and its tests) touches it. */
  readonly db: Database.Database;
}

/**
 * The synchronous SQLite history under the ports: what the repository functions of src/store/ take, and what
 * sqlite-port.ts runs each port call on. Not used outside src/store/.
 */
export interface SqliteHistory {
  readonly db: Database.Database;
  readonly path: string;
  recordPoll(input: RecordPollInput): PollRecord;
  metricHistory(source: string, metric: string, options?: HistoryOptions): MetricHistory;
  recentPolls(source: string, limit: number): PollRecord[];
  lastPoll(source: string): PollRecord | undefined;
  lastVerifiedPoll(source: string): PollRecord | undefined;
  metricsLastVerified(source: string): Map<string, string | undefined>;
  verification(sources: readonly string[]): Map<string, SourceVerification>;
  readonly findings: SyncFindingsRepo;
  health(): StoreHealth;
  close(): void;
}

const OBS_COLUMNS =
  'source, metric, entity, period_end, day, value, first_value, json_type, breakdown, first_seen, last_seen, first_poll_id, last_poll_id';
const OBS_UPSERT_TAIL = `ON CONFLICT (source, metric, period_end, entity) DO UPDATE SET
  value = excluded.value, json_type = excluded.json_type, breakdown = excluded.breakdown, day = excluded.day,
  last_seen = excluded.last_seen, last_poll_id = excluded.last_poll_id`;

// One row per statement: measured faster than multi-row VALUES upserts (SQLite plans a multi-row upsert through
// a co-routine); the batching that matters is one transaction per poll (bench/ingest.ts, BENCHMARKS.md).
const UPSERT_SQL = `INSERT INTO observations (${OBS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${OBS_UPSERT_TAIL}`;

function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

function openConnection(path: string, readonly: boolean): Database.Database {
  if (readonly && path !== ':memory:' && !existsSync(path)) {
    throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${path}`, {
      hint: 'run `upwatch poll` once to create the store, or pass --db PATH',
    });
  }
  try {
    if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
    return new Database(path, { readonly, fileMustExist: readonly });
  } catch (e) {
    throw new UpwatchError('STORE_UNAVAILABLE', `cannot open store at ${path}: ${(e as Error).message}`, {
      cause: e,
      hint: readonly
        ? 'run `upwatch poll` once to create the store, or pass --db PATH'
        : 'check the directory exists and is writable, or pass --db PATH',
    });
  }
}

/**
 * Switch to WAL. SQLite answers SQLITE_BUSY at once, without the busy handler, when another connection holds a lock
 * during the switch (two processes creating one new store); waiting for that lock through a write transaction, which
 * does honour busy_timeout, then trying again settles it.
 */
function useWal(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (sqliteCode(e)?.startsWith('SQLITE_BUSY') !== true || attempt >= 5) throw e;
      db.transaction(() => undefined).immediate();
    }
  }
}

function configure(
  db: Database.Database,
  path: string,
  readonly: boolean,
  synchronous: 'full' | 'normal' = 'full',
): void {
  try {
    // First: every later statement, switching to WAL included, then waits for another process's lock instead of
    // failing at once (two `upwatch poll`s creating one new store).
    db.pragma('busy_timeout = 5000');
    if (!readonly) useWal(db);
    // synchronous=FULL on every connection: the alert outbox lives in this file, and a queued alert must survive
    // power loss, not only a process crash. WAL+NORMAL may drop the last commits on an OS crash; WAL+FULL syncs the
    // WAL at each commit. better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a reopened WAL file
    // would silently be NORMAL unless set here.
    db.pragma(synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 64 MiB page cache (default 2 MiB): observation upserts land all over the (source, metric, entity) key space.
    db.pragma('cache_size = -65536');
  } catch (e) {
    throw openFailure(e, path);
  }
}

/** An error met while opening or checking the store, as the UpwatchError the CLI explains. */
function openFailure(e: unknown, path: string): UpwatchError {
  if (e instanceof UpwatchError) return e;
  const code = sqliteCode(e);
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT') === true) {
    return new UpwatchError(
      'STORE_CORRUPT',
      code === 'SQLITE_NOTADB'
        ? `store ${path} is not a valid SQLite database`
        : `store ${path} is damaged: ${(e as Error).message}`,
      {
        cause: e,
        hint: 'run `upwatch doctor` for the integrity check; restore the file from a backup, or move it away to start a new history',
      },
    );
  }
  return new UpwatchError('STORE_UNAVAILABLE', `cannot use store at ${path}: ${(e as Error).message}`, {
    cause: e,
    retryable: code === 'SQLITE_BUSY',
    hint: 'another process may hold a lock on it; check the file is on a local disk (not NFS/SMB)',
  });
}

/** When the store last passed `quick_check` (undefined: never recorded, or a store from before migration 14). */
function integrityPassedAt(db: Database.Database): number | undefined {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_checks'")
    .get();
  if (!table) return undefined;
  const row = db.prepare('SELECT passed_at FROM store_checks WHERE name = ?').get(INTEGRITY_CHECK) as
    { passed_at: string } | undefined;
  const at = row ? Date.parse(row.passed_at) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

/**
 * Run `quick_check` unless the store passed it within INTEGRITY_CHECK_INTERVAL_MS of `now` (a passed check recorded
 * in the future, a clock set back, counts as not passed). Returns true when it ran and passed.
 */
function checkIntegrity(db: Database.Database, path: string, now: Date): boolean {
  try {
    const passed = integrityPassedAt(db);
    const age = passed === undefined ? Infinity : now.getTime() - passed;
    if (age >= 0 && age < INTEGRITY_CHECK_INTERVAL_MS) return false;
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') {
      throw new UpwatchError('STORE_CORRUPT', `store ${path} failed its integrity check: ${check}`, {
        hint: 'restore the file from a backup, or move it away to start a new history',
      });
    }
    return true;
  } catch (e) {
    throw openFailure(e, path);
  }
}

/** Record a passed check (a writable store that has migration 14; a read-only opener checks again next time). */
function recordIntegrity(db: Database.Database, now: Date): void {
  db.prepare(
    'INSERT INTO store_checks (name, passed_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET passed_at = excluded.passed_at',
  ).run(INTEGRITY_CHECK, now.toISOString());
}

function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function tooNew(path: string, version: number): UpwatchError {
  return new UpwatchError(
    'STORE_UNAVAILABLE',
    `store ${path} has schema version ${version}, newer than this upwatch knows (${MIGRATIONS.length})`,
    { hint: 'upgrade upwatch, or point --db at another file' },
  );
}

/**
 * A read-only opener that finds an unfinished schema waits for the process that may be migrating it: a second
 * connection takes the write lock and releases it at once (BEGIN IMMEDIATE, ROLLBACK; nothing is written), which
 * waits up to busy_timeout for a migration in flight to commit. False when that is not possible (no write permission).
 */
function waitForWriter(path: string): boolean {
  if (path === ':memory:') return false;
  let waiter: Database.Database | undefined;
  try {
    waiter = new Database(path, { fileMustExist: true });
    waiter.pragma('busy_timeout = 5000');
    waiter.exec('BEGIN IMMEDIATE; ROLLBACK');
    return true;
  } catch {
    return false;
  } finally {
    waiter?.close();
  }
}

/**
 * Bring the schema to the latest version. The version is read again inside the write transaction (BEGIN IMMEDIATE
 * takes the write lock first), so two processes opening one new store never both apply a migration: the second waits
 * for the lock (busy_timeout), then finds the work done. All pending migrations commit together, so a reader sees
 * either the old schema or the new one, never half of it. A read-only opener never migrates.
 */
function migrate(db: Database.Database, path: string, readonly: boolean): void {
  let seen = schemaVersion(db);
  if (seen > MIGRATIONS.length) throw tooNew(path, seen);
  if (seen === MIGRATIONS.length) return;
  if (readonly && waitForWriter(path)) seen = schemaVersion(db);
  if (seen === MIGRATIONS.length) return;
  if (readonly) {
    throw seen === 0
      ? new UpwatchError('STORE_UNAVAILABLE', `store ${path} is being created (it has no tables yet)`, {
          retryable: true,
          hint: 'another upwatch process is creating it: run again once the first `upwatch poll` has finished',
        })
      : new UpwatchError(
          'STORE_UNAVAILABLE',
          `store ${path} needs migrations (schema version ${seen} of ${MIGRATIONS.length}) and was opened read-only`,
          {
            retryable: true,
            hint: 'run `upwatch poll` (or any writing command) once to migrate it, or run again if one is running',
          },
        );
  }
  db.transaction(() => {
    const version = schemaVersion(db);
    if (version > MIGRATIONS.length) throw tooNew(path, version);
    for (let v = version; v < MIGRATIONS.length; v++) {
      MIGRATIONS[v]!.up(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * Open (and create or migrate) the store.
 *
 * @example
 * const store = openStore('.upwatch/upwatch.db');
 * const poll = store.recordPoll({ source: 'meta', startedAt, finishedAt, outcome: 'ok', fetch });
 * store.close();
 */
export function openStore(path: string, options: OpenStoreOptions = {}): SqliteStore {
  const readonly = options.readonly ?? false;
  const db = openConnection(path, readonly);
  try {
    configure(db, path, readonly, options.synchronous);
    const now = options.now ?? new Date();
    // Before migrating: a damaged file is refused, not written to.
    const checked = checkIntegrity(db, path, now);
    migrate(db, path, readonly);
    if (checked && !readonly) recordIntegrity(db, now);
  } catch (e) {
    db.close();
    throw e;
  }
  return new History(db, path).store;
}

class History implements SqliteHistory {
  readonly db: Database.Database;
  readonly path: string;
  #stmts: ReturnType<typeof prepare> | undefined;
  readonly #pollCache = new Map<number, PollRecord>();
  readonly #tx: SqliteTransactions;
  #port: SqliteStore | undefined;

  constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
    this.#tx = new SqliteTransactions(db, path === ':memory:' ? undefined : resolve(path));
  }

  /** Statements are prepared lazily so that a read-only store never prepares writes. */
  get #s(): ReturnType<typeof prepare> {
    this.#stmts ??= prepare(this.db);
    return this.#stmts;
  }

  get findings(): SyncFindingsRepo {
    return findingsRepo(this);
  }

  /** The store through its asynchronous ports (what openStore returns). */
  get store(): SqliteStore {
    if (this.#port) return this.#port;
    // A damaged page met by a command (the open's check runs once a day) is named as such, with what to do.
    const explain = (e: unknown): never => {
      throw sqliteCode(e)?.startsWith('SQLITE_CORRUPT') === true ? openFailure(e, this.path) : e;
    };
    const exclusive: Exclusive = (op) => this.#tx.exclusive(op).catch(explain);
    const port: SqliteStore = {
      ...sqliteRepositories(this, exclusive),
      db: this.db,
      path: this.path,
      recordPoll: (input) => exclusive(() => this.recordPoll(input)),
      metricHistory: (source, metric, options) =>
        exclusive(() => this.metricHistory(source, metric, options)),
      recentPolls: (source, limit) => exclusive(() => this.recentPolls(source, limit)),
      lastPoll: (source) => exclusive(() => this.lastPoll(source)),
      lastVerifiedPoll: (source) => exclusive(() => this.lastVerifiedPoll(source)),
      metricsLastVerified: (source) => exclusive(() => this.metricsLastVerified(source)),
      verification: (sources) => exclusive(() => this.verification(sources)),
      transaction: (fn) => this.#tx.run(fn).catch(explain),
      health: () => exclusive(() => this.health()),
      close: () => exclusive(() => this.close()),
    };
    return (this.#port = port);
  }

  recordPoll(input: RecordPollInput): PollRecord {
    const s = this.#s;
    const f = input.fetch;
    const seen = input.finishedAt;
    try {
      const id = this.db
        .transaction(() => {
          const pollId = Number(s.insertPoll.run(...pollValues(input)).lastInsertRowid);
          f.requests.forEach((r, i) => s.insertRequest.run(pollId, ...requestValues(r, i)));
          f.metricOutcomes.forEach((o, i) => s.insertOutcome.run(pollId, ...outcomeValues(o, i)));
          upsertObservations(s, f.observations, seen, pollId);
          const metrics = metricVerification(f.metricOutcomes);
          for (const metric of metrics.verified)
            s.verifyMetric.run(input.source, metric, pollId, input.finishedAt);
          for (const metric of metrics.unverified) s.trackMetric.run(input.source, metric);
          return pollId;
        })
        .immediate();
      return recordedPoll(id, input);
    } catch (e) {
      const code = sqliteCode(e);
      if (code === 'SQLITE_FULL') {
        throw new UpwatchError(
          'STORE_FULL',
          `store ${this.path} is full; poll of ${input.source} not saved`,
          {
            cause: e,
            retryable: true,
            hint: 'free disk space; the next poll retries',
          },
        );
      }
      if (code === 'SQLITE_BUSY') {
        throw new UpwatchError('STORE_UNAVAILABLE', `store ${this.path} is locked by another writer`, {
          cause: e,
          retryable: true,
          hint: 'run one writing upwatch process per store',
        });
      }
      throw e;
    }
  }

  metricHistory(source: string, metric: string, options: HistoryOptions = {}): MetricHistory {
    const since = options.sinceDay ?? '0000-00-00';
    const until = options.untilDay ?? '9999-12-29';
    // A period's `day` is its period-end day or the day before (Meta), so [since, until + 2 days) bounds period_end
    // for the index range; the day filter is then exact.
    const periodEndBelow = until.startsWith('9999') ? '9999-99-99' : addDays(until, 2);
    const args = [source, metric, since, periodEndBelow, since, until] as const;
    if (options.withPoints) {
      // Whole rows, kept as arrays: the points are made from them when read, without a second read.
      const rows = new HistoryBuilder(seriesPointFromTuple);
      for (const r of this.#s.history.iterate(...args)) {
        const t = r as HistoryTuple;
        rows.add(t[0], t, t[2], t[7], t[3], t[4]);
      }
      return rows.finish(source, metric);
    }
    // Four numbers a row, streamed (the text of a row costs twice as much to read): the columns detectors lay their
    // grid from. The points are read again, whole rows, only when something asks for them.
    const columns = new ColumnsBuilder();
    for (const r of this.#s.historyColumns.iterate(...args)) {
      const t = r as HistoryColumnsTuple;
      columns.add(t[0], t[1], t[2], t[3], t[4]);
    }
    let points: Map<string, SeriesPoint[]> | undefined;
    const history: MetricHistory = columns.finish(source, metric, (entity) => {
      points ??= this.#historyPoints(history, args);
      return points.get(entity)!;
    });
    return history;
  }

  /**
   * The points of a history read as columns: its rows read again, whole. They must be the rows the columns were read
   * from; a write in between (another process restating or adding periods) fails the read rather than hand points
   * that do not match the grid.
   */
  #historyPoints(
    history: MetricHistory,
    args: readonly [string, string, string, string, string, string],
  ): Map<string, SeriesPoint[]> {
    const where = `${history.source}/${history.metric}`;
    if (!this.db.open)
      throw new UpwatchError(
        'STORE_UNAVAILABLE',
        `store ${this.path} was closed before the points of ${where} were read`,
        {
          hint: "read a history's points before closing its store",
        },
      );
    const byEntity = new Map<string, SeriesPoint[]>();
    for (const r of this.#s.history.iterate(...args)) {
      const t = r as HistoryTuple;
      let pts = byEntity.get(t[0]);
      if (!pts) byEntity.set(t[0], (pts = []));
      pts.push(seriesPointFromTuple(t));
    }
    for (const entity of history.entities.keys()) {
      const pts = byEntity.get(entity);
      const c = history.columns?.get(entity);
      if (!pts || (c ? !columnsMatch(pts, c) : false))
        throw new UpwatchError(
          'STORE_UNAVAILABLE',
          `the history of ${where} changed in store ${this.path} while it was read`,
          {
            retryable: true,
            hint: 'the next poll reads it again',
            details: { source: history.source, metric: history.metric, entity },
          },
        );
    }
    return byEntity;
  }

  recentPolls(source: string, limit: number): PollRecord[] {
    const rows = (this.#s.recentPolls.all(source, limit) as PollRow[]).reverse();
    return this.#hydrate(rows);
  }

  lastPoll(source: string): PollRecord | undefined {
    return this.recentPolls(source, 1)[0];
  }

  lastVerifiedPoll(source: string): PollRecord | undefined {
    const row = this.#s.lastVerified.get(source) as PollRow | undefined;
    return row ? this.#hydrate([row])[0] : undefined;
  }

  metricsLastVerified(source: string): Map<string, string | undefined> {
    const rows = this.#s.metricsVerified.all(source) as { metric: string; verified_at: string | null }[];
    return new Map(rows.map((r) => [r.metric, r.verified_at ?? undefined]));
  }

  verification(sources: readonly string[]): Map<string, SourceVerification> {
    const out = new Map<string, SourceVerification>();
    for (const source of sources) {
      const at = this.#s.lastVerifiedAt.get(source) as { finished_at: string } | undefined;
      const v: SourceVerification = { metrics: this.metricsLastVerified(source) };
      if (at) v.lastVerifiedAt = at.finished_at;
      out.set(source, v);
    }
    return out;
  }

  health(): StoreHealth {
    return {
      integrity: this.db.pragma('quick_check', { simple: true }) as string,
      schemaVersion: schemaVersion(this.db),
      expectedVersion: MIGRATIONS.length,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Polls never change once written, so hydrated records are kept (bounded, by id) and reused: detection reads the
   * last 30 polls and the gate the last verified one on every cycle. A cached record is used only while its row
   * still matches (an id reused after a rolled-back poll is hydrated again). Callers must treat records as read-only.
   */
  #hydrate(rows: PollRow[]): PollRecord[] {
    if (rows.length === 0) return [];
    const missing = rows.filter((r) => {
      const c = this.#pollCache.get(r.id);
      return !(
        c &&
        c.source === r.source &&
        c.startedAt === r.started_at &&
        c.finishedAt === r.finished_at &&
        c.outcome === r.outcome
      );
    });
    if (missing.length > 0) {
      for (const record of this.#hydrateRows(missing)) {
        this.#pollCache.delete(record.id);
        this.#pollCache.set(record.id, record);
      }
      for (const id of this.#pollCache.keys()) {
        if (this.#pollCache.size <= POLL_CACHE_SIZE) break;
        this.#pollCache.delete(id);
      }
    }
    return rows.map((r) => this.#pollCache.get(r.id)!);
  }

  #hydrateRows(rows: PollRow[]): PollRecord[] {
    const ids = rows.map((r) => r.id);
    const lo = Math.min(...ids);
    const hi = Math.max(...ids);
    const source = rows[0]!.source;
    return pollsFromRows(
      rows,
      this.#s.requestsBetween.all(source, lo, hi) as RequestRow[],
      this.#s.outcomesBetween.all(source, lo, hi) as OutcomeRow[],
    );
  }
}

/** Hydrated polls kept per store (detection reads 30 per source per cycle). */
const POLL_CACHE_SIZE = 512;

function prepare(db: Database.Database) {
  return {
    insertPoll: db.prepare(`INSERT INTO polls (${POLL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertRequest: db.prepare(
      `INSERT INTO requests (poll_id, seq, method, url, status, latency_ms, attempts, headers, metric, entity, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertOutcome: db.prepare(
      'INSERT INTO metric_outcomes (poll_id, seq, metric, entity, status, error) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    upsert: db.prepare(UPSERT_SQL),
    history: db
      .prepare(
        `SELECT entity, period_end, day, value, first_value, json_type, breakdown, first_seen, last_seen FROM observations
       WHERE source = ? AND metric = ? AND period_end >= ? AND period_end < ? AND day >= ? AND day <= ?
       ORDER BY period_end, entity`,
      )
      .raw(true),
    // The history as columns: day numbers (days since 1970-01-01) of each row's day and first-seen time, its values.
    historyColumns: db
      .prepare(
        `SELECT entity, julianday(day) - 2440587.5, value, first_value, julianday(substr(first_seen, 1, 10)) - 2440587.5
       FROM observations
       WHERE source = ? AND metric = ? AND period_end >= ? AND period_end < ? AND day >= ? AND day <= ?
       ORDER BY period_end, entity`,
      )
      .raw(true),
    recentPolls: db.prepare('SELECT * FROM polls WHERE source = ? ORDER BY id DESC LIMIT ?'),
    lastVerified: db.prepare(
      "SELECT * FROM polls WHERE source = ? AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
    ),
    verifyMetric: db.prepare(
      `INSERT INTO metric_verifications (source, metric, verified_poll_id, verified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (source, metric) DO UPDATE SET
         verified_poll_id = excluded.verified_poll_id, verified_at = excluded.verified_at`,
    ),
    trackMetric: db.prepare(
      `INSERT INTO metric_verifications (source, metric) VALUES (?, ?) ON CONFLICT (source, metric) DO NOTHING`,
    ),
    lastVerifiedAt: db.prepare(
      "SELECT finished_at FROM polls WHERE source = ? AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
    ),
    metricsVerified: db.prepare(
      'SELECT metric, verified_at FROM metric_verifications WHERE source = ? ORDER BY metric',
    ),
    requestsBetween: db.prepare(
      `SELECT r.* FROM requests r JOIN polls p ON p.id = r.poll_id
       WHERE p.source = ? AND r.poll_id BETWEEN ? AND ? ORDER BY r.poll_id, r.seq`,
    ),
    outcomesBetween: db.prepare(
      `SELECT o.* FROM metric_outcomes o JOIN polls p ON p.id = o.poll_id
       WHERE p.source = ? AND o.poll_id BETWEEN ? AND ? ORDER BY o.poll_id, o.seq`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/**
 * Upsert observations in primary-key order (B-tree locality) with one prepared statement, inside the caller's
 * transaction. Rows keep their relative order for equal keys, so the last of duplicates wins.
 */
function upsertObservations(
  s: Statements,
  obs: readonly RawObservation[],
  seen: string,
  pollId: number,
): void {
  const sorted = [...obs].sort(compareObservationKeys);
  for (const o of sorted) {
    s.upsert.run(
      o.source,
      o.metric,
      o.entity,
      o.periodEnd,
      o.day ?? dayOf(o.periodEnd),
      o.value,
      o.value,
      o.jsonType,
      o.breakdown ? JSON.stringify(o.breakdown) : null,
      seen,
      seen,
      pollId,
      pollId,
    );
  }
}
