// Copying a SQLite store into a PostgreSQL store (`upwatch store copy --from FILE.db --to postgres://…`): every table,
// ids kept, in batches, in one transaction checked by row counts before it commits.
import { UpwatchError } from '../core/errors.js';
import { openPgImport, type PgTable } from './pg/import.js';
import { PG_TABLES } from './pg/schema.js';
import { openStore } from './store.js';

export interface CopyOptions {
  /** PostgreSQL schema of the target (default `public`). */
  schema?: string;
  /** Empty the target's tables first when they hold rows (default: refuse a target that is not empty). */
  force?: boolean;
  /** Rows per INSERT (default 1000). */
  batchRows?: number;
  /** Called after each batch with the table and the rows copied of it so far. */
  onProgress?: (table: string, rows: number) => void;
}

/** What a copy did: rows per table, in the order they were copied, each the same in the source and the target. */
export interface CopyReport {
  from: string;
  to: string;
  tables: { table: string; rows: number }[];
}

/** SQLite tables without a rowid, read in primary-key order. */
const ORDER: Partial<Record<PgTable, string>> = {
  observations: 'source, metric, period_end, entity',
  metric_verifications: 'source, metric',
};

/**
 * Copy every table of the SQLite store at `from` into the PostgreSQL store at `to` (created or migrated first). The
 * source is opened read-only and must be at the schema version this upwatch writes. The target must be empty unless
 * `force` (then its tables are emptied first). Nothing is committed unless every table has as many rows in the target
 * as in the source.
 *
 * @example
 * const report = await copyStore('.upwatch/upwatch.db', 'postgres://upwatch@db/upwatch');
 * report.tables // [{ table: 'polls', rows: 1200 }, …]
 */
export async function copyStore(from: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  const batchRows = options.batchRows ?? 1000;
  const source = openStore(from, { readonly: true });
  try {
    const target = await openPgImport(to, options.schema === undefined ? {} : { schema: options.schema });
    try {
      const tables = await target.run(async (w) => {
        const before = await w.counts();
        const filled = PG_TABLES.filter((t) => before[t] > 0);
        if (filled.length > 0) {
          if (!options.force) {
            throw new UpwatchError(
              'USAGE',
              `store ${target.where} is not empty (${filled.map((t) => `${t}: ${before[t]} rows`).join(', ')})`,
              { hint: 'copy into an empty database or schema, or pass --force to empty this one first' },
            );
          }
          await w.clear();
        }
        const copied: { table: string; rows: number }[] = [];
        for (const table of PG_TABLES) {
          const columns = (source.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
            (c) => c.name,
          );
          const targetColumns = await w.columns(table);
          const missing = columns.filter((c) => !targetColumns.includes(c));
          if (missing.length > 0) {
            throw new UpwatchError(
              'STORE_UNAVAILABLE',
              `table ${table} of ${target.where} has no column ${missing.join(', ')} of the SQLite store ${from}`,
              { hint: 'use the same upwatch version for the source and the target' },
            );
          }
          const order = ORDER[table] ?? 'rowid';
          let rows = 0;
          let batch: Record<string, unknown>[] = [];
          for (const row of source.db
            .prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${order}`)
            .iterate() as Iterable<Record<string, unknown>>) {
            batch.push(row);
            if (batch.length >= batchRows) {
              await w.insert(table, batch);
              rows += batch.length;
              batch = [];
              options.onProgress?.(table, rows);
            }
          }
          await w.insert(table, batch);
          rows += batch.length;
          options.onProgress?.(table, rows);
          copied.push({ table, rows });
        }
        const after = await w.counts();
        const wrong = copied.filter((c) => after[c.table as PgTable] !== c.rows);
        if (wrong.length > 0) {
          throw new UpwatchError(
            'INTERNAL',
            `copy check failed: ${wrong.map((c) => `${c.table} has ${after[c.table as PgTable]} rows in the target, ${c.rows} in the source`).join('; ')}`,
            { hint: 'nothing was committed; report this with the two stores' },
          );
        }
        return copied;
      });
      return { from, to: target.where, tables };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
