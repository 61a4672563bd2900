// Findings in the store: insert an episode, read open ones, update lifecycle columns, look up by fingerprint prefix.
import type { Database, Statement } from 'better-sqlite3';
import type { FindingRecord } from '../core/finding-record.js';
import type { FindingsFilter, FindingsRepo } from '../core/findings-repo.js';
import type { Sync } from './ports.js';
import { FINDING_COLUMNS, findingColumns, findingFromRow, type FindingRow } from './rows.js';

/** The findings port as the synchronous SQLite functions below implement it. */
export type SyncFindingsRepo = Sync<FindingsRepo>;

/**
 * What the findings, gate and alert repositories need from the store: the database handle and an immediate
 * transaction. The polling area's `Store` satisfies it.
 */
export interface RepoStore {
  readonly db: Database;
}

const STATEMENTS = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, cached per connection and SQL text (the repositories run the same SQL many times). */
export function prepared(store: RepoStore, sql: string): Statement {
  let bySql = STATEMENTS.get(store.db);
  if (!bySql) STATEMENTS.set(store.db, (bySql = new Map<string, Statement>()));
  let st = bySql.get(sql);
  if (!st) bySql.set(sql, (st = store.db.prepare(sql)));
  return st;
}

/**
 * Insert a new episode of a finding and return it with its id.
 *
 * @example
 * const rec = insertFinding(store, { ...finding, episode: 1, status: 'open', firstSeen: now, lastSeen: now,
 *   goodPollsSinceAbsent: 0 });
 */
export function insertFinding(store: RepoStore, f: Omit<FindingRecord, 'id'>): FindingRecord {
  const sql = `INSERT INTO findings (${FINDING_COLUMNS.join(', ')}) VALUES (${FINDING_COLUMNS.map((c) => '@' + c).join(', ')})`;
  const info = prepared(store, sql).run(findingColumns(f));
  return { ...f, id: Number(info.lastInsertRowid) };
}

/** Rewrite every lifecycle and content column of an existing episode (identity columns stay). */
export function updateFinding(store: RepoStore, f: FindingRecord): void {
  const cols = FINDING_COLUMNS.filter((c) => c !== 'fingerprint' && c !== 'episode');
  const sql = `UPDATE findings SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
  prepared(store, sql).run({ ...findingColumns(f), id: f.id });
}

/** Open and acknowledged findings, optionally of one source, oldest first. */
export function activeFindings(store: RepoStore, source?: string): FindingRecord[] {
  const rows =
    source === undefined
      ? prepared(store, `SELECT * FROM findings WHERE status != 'resolved' ORDER BY id`).all()
      : prepared(store, `SELECT * FROM findings WHERE status != 'resolved' AND source = ? ORDER BY id`).all(
          source,
        );
  return (rows as FindingRow[]).map(findingFromRow);
}

/** The highest episode stored for a fingerprint (0 when never seen). */
export function lastEpisode(store: RepoStore, fingerprint: string): number {
  const row = prepared(store, `SELECT MAX(episode) AS e FROM findings WHERE fingerprint = ?`).get(
    fingerprint,
  ) as { e: number | null } | undefined;
  return row?.e ?? 0;
}

/**
 * The fingerprint's highest episode when it is resolved (undefined when it is open, acknowledged or never seen).
 *
 * @example
 * lastResolvedEpisode(store, fp)?.resolvedAt // '2026-03-16T07:00:00.000Z'
 */
export function lastResolvedEpisode(store: RepoStore, fingerprint: string): FindingRecord | undefined {
  const row = prepared(
    store,
    `SELECT * FROM findings WHERE fingerprint = ? ORDER BY episode DESC LIMIT 1`,
  ).get(fingerprint) as FindingRow | undefined;
  const rec = row ? findingFromRow(row) : undefined;
  return rec?.status === 'resolved' ? rec : undefined;
}

/** One episode by id. */
export function findingById(store: RepoStore, id: number): FindingRecord | undefined {
  const row = prepared(store, `SELECT * FROM findings WHERE id = ?`).get(id) as FindingRow | undefined;
  return row ? findingFromRow(row) : undefined;
}

/** One episode of a fingerprint. */
export function findingEpisode(
  store: RepoStore,
  fingerprint: string,
  episode: number,
): FindingRecord | undefined {
  const row = prepared(store, `SELECT * FROM findings WHERE fingerprint = ? AND episode = ?`).get(
    fingerprint,
    episode,
  ) as FindingRow | undefined;
  return row ? findingFromRow(row) : undefined;
}

/**
 * The latest episode of every fingerprint that starts with `prefix` (case-insensitive). The caller decides what
 * an ambiguous prefix means.
 */
export function findingsByPrefix(store: RepoStore, prefix: string): FindingRecord[] {
  const rows = prepared(
    store,
    `SELECT f.* FROM findings f
       JOIN (SELECT fingerprint, MAX(episode) AS e FROM findings WHERE fingerprint LIKE ? ESCAPE '\\' GROUP BY fingerprint) l
         ON l.fingerprint = f.fingerprint AND l.e = f.episode
       ORDER BY f.fingerprint`,
  ).all(prefix.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%') as FindingRow[];
  return rows.map(findingFromRow);
}

/** Findings filtered by status and source, newest first. */
export function listFindings(store: RepoStore, filter: FindingsFilter = {}): FindingRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status && filter.status.length > 0) {
    where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  if (filter.source !== undefined) {
    where.push('source = ?');
    params.push(filter.source);
  }
  const sql = `SELECT * FROM findings ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC ${
    filter.limit !== undefined ? 'LIMIT ' + Math.max(0, Math.floor(filter.limit)) : ''
  }`;
  return (prepared(store, sql).all(...params) as FindingRow[]).map(findingFromRow);
}

const REPOS = new WeakMap<Database, SyncFindingsRepo>();

/**
 * The findings port over a store's connection (one object per connection): each method is the function of the same
 * name in this file.
 *
 * @example
 * findingsRepo(store).active('meta') // same as activeFindings(store, 'meta')
 */
export function findingsRepo(store: RepoStore): SyncFindingsRepo {
  let repo = REPOS.get(store.db);
  if (repo) return repo;
  const s = store;
  repo = {
    insert: (f) => insertFinding(s, f),
    update: (f) => updateFinding(s, f),
    active: (source) => activeFindings(s, source),
    lastEpisode: (fp) => lastEpisode(s, fp),
    lastResolvedEpisode: (fp) => lastResolvedEpisode(s, fp),
    byId: (id) => findingById(s, id),
    episode: (fp, e) => findingEpisode(s, fp, e),
    byPrefix: (prefix) => findingsByPrefix(s, prefix),
    list: (filter) => listFindings(s, filter),
  };
  REPOS.set(store.db, repo);
  return repo;
}
