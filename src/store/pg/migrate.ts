// Bringing a PostgreSQL store's schema to the version this upwatch writes, once, under an advisory lock.
import type pg from 'pg';
import { UpwatchError } from '../../core/errors.js';
import { PG_MIGRATIONS } from './schema.js';

/** The table that records which migrations a schema has had (one row per version). */
export const VERSION_TABLE = 'upwatch_migrations';

/** First key of the advisory lock a migration takes; the second is the schema name's hash. */
const LOCK_CLASS = 0x75707761; // "upwa"

function tooNew(where: string, version: number): UpwatchError {
  return new UpwatchError(
    'STORE_UNAVAILABLE',
    `store ${where} has schema version ${version}, newer than this upwatch knows (${PG_MIGRATIONS.length})`,
    { hint: 'upgrade upwatch, or point the store URL at another database or schema' },
  );
}

/** The schema version of `schema`: 0 when it has no version table yet. */
export async function pgSchemaVersion(db: pg.Pool | pg.PoolClient, schema: string): Promise<number> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [
    `${quoteIdent(schema)}.${VERSION_TABLE}`,
  ]);
  if (exists.rows[0]?.t == null) return 0;
  const r = await db.query<{ v: number | null }>(
    `SELECT MAX(version) AS v FROM ${quoteIdent(schema)}.${VERSION_TABLE}`,
  );
  return Number(r.rows[0]?.v ?? 0);
}

/** A PostgreSQL identifier in double quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Bring `schema` to the latest version. Everything happens in one transaction that first takes a transaction-level
 * advisory lock keyed by the schema name (`pg_advisory_xact_lock`), then reads the version: two processes opening one
 * new database never both migrate (the second waits for the lock, then finds the work done), and a reader sees the
 * old schema or the new one, never half of it. A read-only opener never migrates: it refuses a schema that is not at
 * the version this upwatch writes.
 */
export async function migratePg(
  pool: pg.Pool,
  schema: string,
  where: string,
  readonly: boolean,
): Promise<void> {
  const seen = await pgSchemaVersion(pool, schema);
  if (seen > PG_MIGRATIONS.length) throw tooNew(where, seen);
  if (seen === PG_MIGRATIONS.length) return;
  if (readonly) {
    throw seen === 0
      ? new UpwatchError('STORE_UNAVAILABLE', `store ${where} has no upwatch tables yet`, {
          retryable: true,
          hint: 'run `upwatch poll` (or any writing command) once against it to create them, with a role that may create tables',
        })
      : new UpwatchError(
          'STORE_UNAVAILABLE',
          `store ${where} needs migrations (schema version ${seen} of ${PG_MIGRATIONS.length}) and was opened read-only`,
          {
            retryable: true,
            hint: 'run `upwatch poll` (or any writing command) once to migrate it, or run again if one is running',
          },
        );
  }
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${VERSION_TABLE} (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const version = await pgSchemaVersion(client, schema);
    if (version > PG_MIGRATIONS.length) throw tooNew(where, version);
    for (let v = version; v < PG_MIGRATIONS.length; v++) {
      const m = PG_MIGRATIONS[v]!;
      await client.query(m.sql);
      await client.query(
        `INSERT INTO ${quoteIdent(schema)}.${VERSION_TABLE} (version, name) VALUES ($1, $2)`,
        [v + 1, m.name],
      );
    }
    await client.query('COMMIT');
  } catch (e) {
    failed = e as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    if (e instanceof UpwatchError) throw e;
    throw new UpwatchError('STORE_UNAVAILABLE', `cannot migrate store ${where}: ${(e as Error).message}`, {
      cause: e,
      hint: 'the role needs CREATE on the database (or the schema); a read-only role opens a migrated store with readonly',
    });
  } finally {
    client.release(failed);
  }
}
