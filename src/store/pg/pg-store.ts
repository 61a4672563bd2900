// The store on a PostgreSQL server: the poll history and every repository behind the same Store port as the SQLite
// file, so that several upwatch processes (a fleet) can share one history.
import { addDays } from '../../core/clock.js';
import { UpwatchError } from '../../core/errors.js';
import type { MetricHistory } from '../../core/detector.js';
import { HistoryBuilder } from '../../core/history-columns.js';
import { metricVerification, type PollRecord } from '../../core/observation.js';
import type { HistoryOptions, SourceVerification, Store, StoreHealth } from '../ports.js';
import type { RecordPollInput } from '../store.js';
import { PgConnection } from './connection.js';
import { migratePg, pgSchemaVersion, VERSION_TABLE } from './migrate.js';
import {
  outcomeValues,
  POLL_COLUMNS,
  pollsFromRows,
  pollValues,
  recordedPoll,
  requestValues,
  seriesPointFromRow,
  type HistoryRow,
  type OutcomeRow,
  type PollRow,
  type RequestRow,
} from '../rows.js';
import { writeObservations } from './observation-writer.js';
import { pgRepositories } from './repositories.js';
import { PG_MIGRATIONS, PG_TABLES } from './schema.js';

export interface OpenPgStoreOptions {
  /** Open without writing: no migrations, every transaction read-only (`default_transaction_read_only`). */
  readonly?: boolean;
  /** The PostgreSQL schema holding the tables (default `public`): one database can hold several stores. */
  schema?: string;
  /** Shown in `pg_stat_activity.application_name` (default `upwatch`). */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The URL without its password (in the user part or a `password` parameter), for messages and `Store.path`.
 *
 * @example
 * redactPgUrl('postgres://ana:s3cret@db:5432/upwatch') // 'postgres://ana@db:5432/upwatch'
 */
export function redactPgUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(an unparsable PostgreSQL URL)';
  }
  u.password = '';
  u.searchParams.delete('password');
  return u.toString();
}

function checkUrl(url: string): void {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')) {
    throw new UpwatchError('USAGE', `not a PostgreSQL URL: ${redactPgUrl(url)}`, {
      hint: 'write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
    });
  }
}

/**
 * Open (and create or migrate) a store on a PostgreSQL server. The schema is created when missing; migrations run
 * once under an advisory lock (src/store/pg/migrate.ts).
 *
 * @example
 * const store = await openPgStore('postgres://upwatch@db.internal:5432/upwatch');
 * await store.recordPoll({ source: 'meta', startedAt, finishedAt, outcome: 'ok', fetch });
 * await store.close();
 */
export async function openPgStore(url: string, options: OpenPgStoreOptions = {}): Promise<Store> {
  const c = await connectPg(url, options);
  return new PgStore(c.conn, c.where, c.schema);
}

/**
 * Check the arguments, connect, and create or migrate the schema: what every opener of a PostgreSQL store does first.
 * `where` names the store in messages (URL without password, and the schema unless `public`).
 */
export async function connectPg(
  url: string,
  options: OpenPgStoreOptions = {},
): Promise<{ conn: PgConnection; where: string; schema: string }> {
  checkUrl(url);
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new UpwatchError('USAGE', `invalid PostgreSQL schema name "${schema}"`, {
      hint: 'use lower-case letters, digits and underscores, starting with a letter or underscore',
    });
  }
  const shownUrl = redactPgUrl(url);
  const where = schema === 'public' ? shownUrl : `${shownUrl} (schema ${schema})`;
  const readonly = options.readonly ?? false;
  const conn = new PgConnection({
    url,
    shownUrl,
    schema,
    readonly,
    applicationName: options.applicationName ?? 'upwatch',
  });
  try {
    try {
      await conn.pool.query('SELECT 1');
    } catch (e) {
      throw new UpwatchError(
        'STORE_UNAVAILABLE',
        `cannot connect to the PostgreSQL store ${shownUrl}: ${(e as Error).message}`,
        {
          cause: e,
          retryable: true,
          hint: 'check the host, port, database, user and password in the URL, and that the server accepts connections',
        },
      );
    }
    await migratePg(conn.pool, schema, where, readonly);
  } catch (e) {
    await conn.close();
    throw e;
  }
  return { conn, where, schema };
}

/** Row values as one array per column, for `unnest`. */
function columnsOf(rows: readonly (string | number | null)[][], width: number): (string | number | null)[][] {
  return Array.from({ length: width }, (_, c) => rows.map((r) => r[c] ?? null));
}

class PgStore implements Store {
  readonly path: string;
  readonly #conn: PgConnection;
  readonly #schema: string;
  readonly findings;
  readonly outbox;
  readonly audit;
  readonly overrides;
  readonly decisions;
  readonly regimes;
  readonly docs;
  readonly pauses;
  readonly breakers;
  readonly slots;
  readonly stats;

  constructor(conn: PgConnection, path: string, schema: string) {
    this.#conn = conn;
    this.path = path;
    this.#schema = schema;
    const repos = pgRepositories({
      query: (sql, params) => conn.query(sql, params),
      transaction: (fn) => conn.transaction(fn),
    });
    this.findings = repos.findings;
    this.outbox = repos.outbox;
    this.audit = repos.audit;
    this.overrides = repos.overrides;
    this.decisions = repos.decisions;
    this.regimes = repos.regimes;
    this.docs = repos.docs;
    this.pauses = repos.pauses;
    this.breakers = repos.breakers;
    this.slots = repos.slots;
    this.stats = repos.stats;
  }

  /**
   * The port's transactions take the schema's writer lock (one at a time across processes, as on SQLite) unless
   * `serialized: false`.
   */
  transaction<T>(fn: () => T | Promise<T>, options: { serialized?: boolean } = {}): Promise<T> {
    return this.#conn.transaction(fn, { serialized: options.serialized ?? true });
  }

  async recordPoll(input: RecordPollInput): Promise<PollRecord> {
    const f = input.fetch;
    const seen = input.finishedAt;
    const q = this.#conn;
    const id = await q.transaction(async () => {
      const pollId = (
        await q.query<{ id: number }>(
          `INSERT INTO polls (${POLL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
          pollValues(input),
        )
      ).rows[0]!.id;
      if (f.requests.length > 0) {
        await q.query(
          `INSERT INTO requests (poll_id, seq, method, url, status, latency_ms, attempts, headers, metric, entity, error)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::int[], $8::text[],
                                    $9::text[], $10::text[], $11::text[])`,
          [pollId, ...columnsOf(f.requests.map(requestValues), 10)],
        );
      }
      if (f.metricOutcomes.length > 0) {
        await q.query(
          `INSERT INTO metric_outcomes (poll_id, seq, metric, entity, status, error)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])`,
          [pollId, ...columnsOf(f.metricOutcomes.map(outcomeValues), 5)],
        );
      }
      await writeObservations(q, f.observations, seen, pollId);
      const metrics = metricVerification(f.metricOutcomes);
      if (metrics.verified.length > 0) {
        await q.query(
          `INSERT INTO metric_verifications (source, metric, verified_poll_id, verified_at)
           SELECT $1, m, $3, $4 FROM unnest($2::text[]) AS m
           ON CONFLICT (source, metric) DO UPDATE SET
             verified_poll_id = excluded.verified_poll_id, verified_at = excluded.verified_at`,
          [input.source, metrics.verified, pollId, input.finishedAt],
        );
      }
      if (metrics.unverified.length > 0) {
        await q.query(
          `INSERT INTO metric_verifications (source, metric) SELECT $1, m FROM unnest($2::text[]) AS m
           ON CONFLICT (source, metric) DO NOTHING`,
          [input.source, metrics.unverified],
        );
      }
      return pollId;
    });
    return recordedPoll(id, input);
  }

  /** The driver delivers every row whole, so the rows are kept and `withPoints` changes nothing here. */
  async metricHistory(source: string, metric: string, options: HistoryOptions = {}): Promise<MetricHistory> {
    const since = options.sinceDay ?? '0000-00-00';
    const until = options.untilDay ?? '9999-12-29';
    // A period's `day` is its period-end day or the day before, so [since, until + 2 days) bounds period_end.
    const periodEndBelow = until.startsWith('9999') ? '9999-99-99' : addDays(until, 2);
    const r = await this.#conn.query<HistoryRow & Record<string, unknown>>(
      `SELECT entity, period_end, day, value, first_value, json_type, breakdown, first_seen, last_seen
         FROM observations
        WHERE source = $1 AND metric = $2 AND period_end >= $3 AND period_end < $4 AND day >= $3 AND day <= $5
        ORDER BY period_end, entity`,
      [source, metric, since, periodEndBelow, until],
    );
    // Each row's columns are filled as it arrives (detectors lay their day grid from them); its point object is made
    // from the row only when something asks for the entity's points.
    const history = new HistoryBuilder(seriesPointFromRow);
    for (const row of r.rows)
      history.add(row.entity, row, row.day, row.first_seen, row.value, row.first_value);
    return history.finish(source, metric);
  }

  async recentPolls(source: string, limit: number): Promise<PollRecord[]> {
    const r = await this.#conn.query<PollRow & Record<string, unknown>>(
      `SELECT * FROM polls WHERE source = $1 ORDER BY id DESC LIMIT $2`,
      [source, limit],
    );
    return this.#hydrate(r.rows.reverse());
  }

  async lastPoll(source: string): Promise<PollRecord | undefined> {
    return (await this.recentPolls(source, 1))[0];
  }

  async lastVerifiedPoll(source: string): Promise<PollRecord | undefined> {
    const r = await this.#conn.query<PollRow & Record<string, unknown>>(
      `SELECT * FROM polls WHERE source = $1 AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1`,
      [source],
    );
    return (await this.#hydrate(r.rows))[0];
  }

  async metricsLastVerified(source: string): Promise<Map<string, string | undefined>> {
    const r = await this.#conn.query<{ metric: string; verified_at: string | null }>(
      `SELECT metric, verified_at FROM metric_verifications WHERE source = $1 ORDER BY metric`,
      [source],
    );
    return new Map(r.rows.map((row) => [row.metric, row.verified_at ?? undefined]));
  }

  async verification(sources: readonly string[]): Promise<Map<string, SourceVerification>> {
    const names = [...new Set(sources)];
    const out = new Map<string, SourceVerification>(sources.map((s) => [s, { metrics: new Map() }]));
    if (names.length === 0) return out;
    // One index probe per source (polls_by_source backwards), not one round trip per source.
    const polls = await this.#conn.query<{ source: string; finished_at: string | null }>(
      `SELECT s.source, p.finished_at FROM unnest($1::text[]) AS s(source)
         CROSS JOIN LATERAL (SELECT finished_at FROM polls WHERE polls.source = s.source
                               AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1) p`,
      [names],
    );
    for (const row of polls.rows)
      if (row.finished_at !== null) out.get(row.source)!.lastVerifiedAt = row.finished_at;
    const metrics = await this.#conn.query<{ source: string; metric: string; verified_at: string | null }>(
      `SELECT source, metric, verified_at FROM metric_verifications WHERE source = ANY($1::text[]) ORDER BY source, metric`,
      [names],
    );
    for (const row of metrics.rows)
      out.get(row.source)!.metrics.set(row.metric, row.verified_at ?? undefined);
    return out;
  }

  /**
   * A cheap check: the server answers, every table of the store is there, and the schema version. `integrity` names
   * the first missing table, in the words of the check.
   */
  async health(): Promise<StoreHealth> {
    const present = await this.#conn.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
      [this.#schema],
    );
    const names = new Set(present.rows.map((r) => r.name));
    const missing = [...PG_TABLES, VERSION_TABLE].filter((t) => !names.has(t));
    return {
      integrity: missing.length === 0 ? 'ok' : `missing table ${missing[0]!} in schema ${this.#schema}`,
      schemaVersion: await pgSchemaVersion(this.#conn.pool, this.#schema),
      expectedVersion: PG_MIGRATIONS.length,
    };
  }

  close(): Promise<void> {
    return this.#conn.close();
  }

  async #hydrate(rows: PollRow[]): Promise<PollRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const requests = await this.#conn.query<RequestRow & Record<string, unknown>>(
      `SELECT * FROM requests WHERE poll_id = ANY($1::bigint[]) ORDER BY poll_id, seq`,
      [ids],
    );
    const outcomes = await this.#conn.query<OutcomeRow & Record<string, unknown>>(
      `SELECT * FROM metric_outcomes WHERE poll_id = ANY($1::bigint[]) ORDER BY poll_id, seq`,
      [ids],
    );
    return pollsFromRows(rows, requests.rows, outcomes.rows);
  }
}
