// One PostgreSQL store's connections: the pool, transactions that follow the async flow (savepoints when nested),
// and the translation of a lost connection into an UpwatchError.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { UpwatchError } from '../../core/errors.js';

/** A row as the driver returns it (bigint and numeric read as JavaScript numbers: see `numberTypes`). */
export type PgRow = Record<string, unknown>;

/** What a repository runs: a statement with `$1…` parameters, its rows and how many rows it changed. */
export interface PgRunner {
  query<R extends PgRow = PgRow>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /** Run `fn` in one transaction (a savepoint when one is already open in this async flow). */
  transaction<T>(fn: () => T | Promise<T>): Promise<T>;
}

interface Frame {
  readonly owner: PgConnection;
  readonly client: pg.PoolClient;
  savepoints: number;
  /** Set when the client's connection failed: nothing more can run on it. */
  broken?: Error;
}

/** First key of the writer lock serialized transactions take; the second is the schema name's hash. */
const WRITER_LOCK_CLASS = 0x75707778; // "upwx"

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Type parsers of this store's pool: bigint (ids, counts, epoch milliseconds) and numeric read as numbers, as SQLite
 * returns them. Every such value upwatch stores is below 2^53.
 */
const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 || oid === NUMERIC
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATE classes and codes that mean the connection, not the statement, failed. */
function connectionLost(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(code))
    return true;
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection closed|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

export interface PgConnectionOptions {
  readonly url: string;
  /** The URL without its password, for messages. */
  readonly shownUrl: string;
  readonly schema: string;
  readonly readonly: boolean;
  readonly applicationName: string;
}

/**
 * The pool of one store, and the transaction of the calling async flow. Outside a transaction each statement takes
 * any pooled connection; inside `transaction(fn)` every statement of fn's async flow runs on the transaction's
 * client, and a nested `transaction` is a SAVEPOINT rolled back alone when its body throws.
 *
 * @example
 * const conn = new PgConnection({ url, shownUrl, schema: 'public', readonly: false, applicationName: 'upwatch' });
 * await conn.transaction(async () => { await conn.query('INSERT …'); await conn.query('UPDATE …'); });
 */
export class PgConnection implements PgRunner {
  readonly pool: pg.Pool;
  readonly #flow = new AsyncLocalStorage<Frame>();
  readonly #o: PgConnectionOptions;

  constructor(o: PgConnectionOptions) {
    this.#o = o;
    const settings = [`-c search_path=${o.schema}`];
    if (o.readonly) settings.push('-c default_transaction_read_only=on');
    this.pool = new pg.Pool({
      connectionString: o.url,
      application_name: o.applicationName,
      options: settings.join(' '),
      types: numberTypes,
      connectionTimeoutMillis: 10_000,
    });
    // An idle pooled connection that the server closes (restart, pg_terminate_backend) is dropped by the pool; the
    // next statement takes a new one. Without a listener the error would end the process.
    this.pool.on('error', () => undefined);
  }

  /** The error a failure of the server or the network becomes; other errors pass through unchanged. */
  wrap(e: unknown, doing: string): unknown {
    if (e instanceof UpwatchError || !connectionLost(e)) return e;
    return new UpwatchError(
      'STORE_UNAVAILABLE',
      `lost the connection to the PostgreSQL store ${this.#o.shownUrl} while ${doing}: ${(e as Error).message}`,
      {
        cause: e,
        retryable: true,
        hint: 'check that the server is up and reachable; the work of an unfinished transaction was not written, run again',
      },
    );
  }

  async query<R extends PgRow = PgRow>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<{ rows: R[]; rowCount: number }> {
    const frame = this.#frame();
    if (frame?.broken) throw this.wrap(frame.broken, 'running a statement in a transaction');
    try {
      const r = await (frame ? frame.client : this.pool).query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    } catch (e) {
      if (frame && connectionLost(e)) frame.broken = e as Error;
      throw this.wrap(e, frame ? 'running a statement in a transaction' : 'running a statement');
    }
  }

  /**
   * Run `COPY … FROM STDIN` on the calling flow's transaction, streaming `chunks` (COPY text format) to the server as
   * they are produced; returns the rows copied. A bad row fails the COPY and, with it, the transaction. Only inside
   * `transaction(fn)`: a COPY outside one would commit on its own.
   */
  async copyFrom(sql: string, chunks: Iterable<string>): Promise<number> {
    const frame = this.#frame();
    if (!frame)
      throw new UpwatchError('INTERNAL', 'COPY into the PostgreSQL store ran outside a transaction', {
        hint: 'this is a bug in upwatch: report it with the command you ran',
      });
    if (frame.broken) throw this.wrap(frame.broken, 'copying rows in a transaction');
    try {
      const stream = frame.client.query(copyFromStdin(sql));
      await pipeline(Readable.from(chunks, { objectMode: false }), stream);
      return stream.rowCount;
    } catch (e) {
      if (connectionLost(e)) frame.broken = e as Error;
      throw this.wrap(e, 'copying rows in a transaction');
    }
  }

  /** True when the calling flow is inside one of this store's transactions. */
  get inTransaction(): boolean {
    return this.#frame() !== undefined;
  }

  #frame(): Frame | undefined {
    const f = this.#flow.getStore();
    return f?.owner === this ? f : undefined;
  }

  /**
   * Run `fn` in a transaction on one pooled client (nested calls are savepoints). `serialized`: take the schema's writer
   * lock first (`pg_advisory_xact_lock`), so such transactions of every process on this schema run one at a time, as
   * they do on SQLite: the findings lifecycle reads, then writes, and at READ COMMITTED two workers doing so at once
   * could both open one episode or both log one state change.
   */
  transaction<T>(fn: () => T | Promise<T>, options: { serialized?: boolean } = {}): Promise<T> {
    const frame = this.#frame();
    return frame ? this.#savepoint(frame, fn) : this.#begin(fn, options.serialized ?? false);
  }

  async #begin<T>(fn: () => T | Promise<T>, serialized: boolean): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.wrap(e, 'starting a transaction');
    }
    const frame: Frame = { owner: this, client, savepoints: 0 };
    // A checked-out client whose server goes away emits 'error'; remember it so the transaction ends cleanly.
    const onError = (e: Error) => (frame.broken ??= e);
    client.on('error', onError);
    let releaseWith: Error | undefined;
    try {
      await client.query('BEGIN');
      if (serialized)
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          WRITER_LOCK_CLASS,
          this.#o.schema,
        ]);
      let value: T;
      try {
        value = await this.#flow.run(frame, fn);
      } catch (e) {
        if (frame.broken) {
          releaseWith = frame.broken;
        } else {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            releaseWith = rollbackError as Error;
          }
        }
        throw this.wrap(e, 'running a transaction');
      }
      if (frame.broken) {
        releaseWith = frame.broken;
        throw this.wrap(frame.broken, 'running a transaction');
      }
      try {
        await client.query('COMMIT');
      } catch (e) {
        if (connectionLost(e)) {
          releaseWith = e as Error;
          throw new UpwatchError(
            'STORE_UNAVAILABLE',
            `lost the connection to the PostgreSQL store ${this.#o.shownUrl} while committing: the transaction may or may not have been written`,
            {
              cause: e,
              retryable: true,
              hint: 'check that the server is up; then check what was written before running again',
            },
          );
        }
        throw e;
      }
      return value;
    } catch (e) {
      if (connectionLost(e)) releaseWith ??= e as Error;
      throw this.wrap(e, 'starting a transaction');
    } finally {
      client.off('error', onError);
      // A client whose connection failed is destroyed, never handed out again.
      client.release(releaseWith ?? frame.broken);
    }
  }

  async #savepoint<T>(frame: Frame, fn: () => T | Promise<T>): Promise<T> {
    const name = `upwatch_sp${++frame.savepoints}`;
    await this.query(`SAVEPOINT ${name}`);
    let value: T;
    try {
      value = await fn();
    } catch (e) {
      if (!frame.broken) {
        await this.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await this.query(`RELEASE SAVEPOINT ${name}`);
      }
      throw e;
    }
    await this.query(`RELEASE SAVEPOINT ${name}`);
    return value;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
