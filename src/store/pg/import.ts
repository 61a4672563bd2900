// Writing whole tables into a PostgreSQL store (what `upwatch store copy` does): rows in batches, ids kept, identity
// sequences moved past them, all in one transaction that a failed check rolls back.
import { UpwatchError } from '../../core/errors.js';
import type { PgConnection } from './connection.js';
import { connectPg } from './pg-store.js';
import { PG_TABLES } from './schema.js';

export type PgTable = (typeof PG_TABLES)[number];

/** What a copy does inside its transaction. */
export interface PgImportWriter {
  /** Rows per table now in the target (every table of the store). */
  counts(): Promise<Record<PgTable, number>>;
  /** Empty every table of the store (for a forced copy). */
  clear(): Promise<void>;
  /** Insert rows of one table, each an object of column → value as the SQLite store holds them. */
  insert(table: PgTable, rows: readonly Record<string, unknown>[]): Promise<void>;
  /** The column names of a table in the target. */
  columns(table: PgTable): Promise<string[]>;
}

/** A PostgreSQL store opened for importing. */
export interface PgImport {
  /** Where the store is, for messages (URL without password, and schema). */
  readonly where: string;
  /** Run `fn` in one transaction; identity sequences are moved past the copied ids before it commits. */
  run<T>(fn: (w: PgImportWriter) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Tables whose id is an identity column. */
const WITH_ID: readonly PgTable[] = PG_TABLES.filter(
  (t) =>
    ![
      'observations',
      'metric_verifications',
      'principal_pauses',
      'feature_states',
      'poll_slots',
      'breakers',
    ].includes(t),
);

/**
 * Open (create or migrate) a PostgreSQL store to import into.
 *
 * @example
 * const target = await openPgImport('postgres://upwatch@db/upwatch');
 * await target.run(async (w) => { await w.insert('polls', rows); });
 */
export async function openPgImport(url: string, options: { schema?: string } = {}): Promise<PgImport> {
  const { conn, where } = await connectPg(url, { ...options, applicationName: 'upwatch store copy' });
  return {
    where,
    run: (fn) =>
      conn.transaction(() => fn(writer(conn, where)).then((v) => moveSequences(conn).then(() => v))),
    close: () => conn.close(),
  };
}

function writer(conn: PgConnection, where: string): PgImportWriter {
  return {
    async counts() {
      const parts = PG_TABLES.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM ${t}`).join(' UNION ALL ');
      const r = await conn.query<{ t: PgTable; n: number }>(parts);
      return Object.fromEntries(r.rows.map((row) => [row.t, row.n])) as Record<PgTable, number>;
    },
    async clear() {
      await conn.query(`TRUNCATE ${PG_TABLES.join(', ')} RESTART IDENTITY`);
    },
    async columns(table) {
      const r = await conn.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [table],
      );
      return r.rows.map((row) => row.name);
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      try {
        // The batch travels as one JSON array and is read back into the table's row type: one statement per batch,
        // whatever the table.
        await conn.query(
          `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
          [JSON.stringify(rows)],
        );
      } catch (e) {
        if (e instanceof UpwatchError) throw e;
        throw new UpwatchError(
          'STORE_UNAVAILABLE',
          `cannot write table ${table} of ${where}: ${(e as Error).message}`,
          {
            cause: e,
            hint: 'nothing was copied (the copy is one transaction); fix the cause and run it again',
          },
        );
      }
    },
  };
}

/** After rows came with their ids, the next id each identity column hands out is past the largest one. */
async function moveSequences(conn: PgConnection): Promise<void> {
  for (const t of WITH_ID) {
    await conn.query(
      `SELECT setval(pg_get_serial_sequence('${t}', 'id'), m) FROM (SELECT MAX(id) AS m FROM ${t}) x WHERE m IS NOT NULL`,
    );
  }
}
