// The per-host request limit of a fleet, shared by every worker process on one PostgreSQL store: slot i of host h is
// the session advisory lock (hash of schema and host, i), held on one connection per process while a request runs.
import pg from 'pg';
import { UpwatchError, errorMessage } from '../../core/errors.js';
import type { SharedHostLimit } from '../../core/host-limit.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { redactPgUrl } from './pg-store.js';

export interface PgHostLimitOptions {
  /** The store's server, `postgres://…` (`?schema=` is read from it). */
  url: string;
  /** Requests in flight per host across all processes on this store. */
  limit: number;
  logger?: Logger;
  /** First wait when every slot is taken, ms (doubles up to 20× this, with jitter). Default 5. */
  retryMs?: number;
}

/** One try for a free slot among `free`: the first whose lock this session gets (LIMIT 1 stops at it). */
const TRY_SLOT = `SELECT i FROM unnest($2::int[]) AS i WHERE pg_try_advisory_lock(hashtext($1), i) LIMIT 1`;

/**
 * Open the shared limit. Session advisory locks belong to the connection: a worker killed with `kill -9` loses its
 * connection and the server frees its slots at once, with no lease to expire. When the connection drops (server
 * restart, `pg_terminate_backend`), the slots it held are gone; the loss is logged, the requests in flight finish, and
 * the next acquire takes slots on a new connection. Throws UpwatchError `STORE_UNAVAILABLE` when acquiring and the
 * server does not answer.
 *
 * @example
 * const limit = await openPgHostLimit({ url: 'postgres://…?schema=team_ads', limit: 16 });
 * createHttpClient({ perHostLimit: 16, sharedHostLimit: limit });
 */
// eslint-disable-next-line max-lines-per-function -- the connection, the slots it holds and their generation share one closure
export function openPgHostLimit(options: PgHostLimitOptions): SharedHostLimit {
  const logger = options.logger ?? silentLogger;
  const url = new URL(options.url);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const shown = redactPgUrl(options.url);
  const limit = Math.max(1, Math.floor(options.limit));
  const retryMs = options.retryMs ?? 5;
  /** Slots this process holds: key `host`, value the slot numbers, valid for one connection (its generation). */
  const held = new Map<string, number[]>();
  let client: Promise<pg.Client> | undefined;
  let generation = 0;
  let closed = false;

  const connect = (): Promise<pg.Client> =>
    (client ??= (async () => {
      const c = new pg.Client({ connectionString: url.toString(), application_name: 'upwatch-host-limit' });
      const mine = ++generation;
      const lost = (e?: unknown) => {
        if (generation !== mine || closed) return;
        logger.error('lost the PostgreSQL connection holding the per-host request slots; taking new ones', {
          store: shown,
          error: e === undefined ? 'connection ended' : errorMessage(e),
        });
        held.clear();
        client = undefined;
        generation++;
      };
      c.on('error', lost);
      c.on('end', () => lost());
      try {
        await c.connect();
      } catch (e) {
        client = undefined;
        throw new UpwatchError('STORE_UNAVAILABLE', `cannot reach ${shown} for the per-host request limit`, {
          cause: e,
          retryable: true,
          hint: 'check that the PostgreSQL server is up and reachable',
        });
      }
      return c;
    })());

  const key = (host: string) => `upwatch-host:${schema}:${host}`;
  const toUnavailable = (e: unknown) =>
    e instanceof UpwatchError
      ? e
      : new UpwatchError(
          'STORE_UNAVAILABLE',
          `the per-host request limit on ${shown} failed: ${errorMessage(e)}`,
          {
            cause: e,
            retryable: true,
            hint: 'check that the PostgreSQL server is up and reachable',
          },
        );

  async function tryOnce(host: string): Promise<boolean> {
    const mine = held.get(host) ?? [];
    const free = Array.from({ length: limit }, (_, i) => i).filter((i) => !mine.includes(i));
    if (free.length === 0) return false;
    const c = await connect();
    const gen = generation;
    const r = await c.query<{ i: number }>(TRY_SLOT, [key(host), free]);
    const slot = r.rows[0]?.i;
    if (slot === undefined) return false;
    // A slot taken on a connection that has since dropped is gone with it; do not count it.
    if (gen === generation) held.set(host, [...(held.get(host) ?? []), slot]);
    return true;
  }

  /** One try at a time: a session's advisory locks are re-entrant, so two tries at once could both take slot i. */
  let turn: Promise<unknown> = Promise.resolve();
  const tryInTurn = (host: string): Promise<boolean> => {
    const mine = turn.then(() => tryOnce(host));
    turn = mine.catch(() => undefined);
    return mine;
  };

  return {
    limit,
    async acquire(host) {
      for (let attempt = 0; ; attempt++) {
        if (closed) throw new UpwatchError('INTERNAL', 'the per-host request limit is closed');
        const gen = generation;
        let got: boolean;
        try {
          got = await tryInTurn(host);
        } catch (e) {
          // A connection lost during the try: the next try opens a new one. Anything else is the server's answer.
          if (generation === gen || attempt > 3) throw toUnavailable(e);
          got = false;
        }
        if (got) return;
        const wait = retryMs * Math.min(20, 2 ** Math.min(attempt, 5));
        await new Promise((r) => setTimeout(r, wait / 2 + (Math.random() * wait) / 2));
      }
    },
    release(host) {
      const mine = held.get(host);
      const slot = mine?.pop();
      if (slot === undefined || !client) return;
      const c = client;
      // In turn with the tries: one statement at a time on the connection.
      const unlock = turn.then(() =>
        c.then((conn) => conn.query(`SELECT pg_advisory_unlock(hashtext($1), $2)`, [key(host), slot])),
      );
      turn = unlock.catch(() => undefined);
      void unlock.catch((e: unknown) =>
        logger.warn('could not give back a per-host request slot (freed when the connection ends)', {
          host,
          error: errorMessage(e),
        }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      held.clear();
      const c = client;
      client = undefined;
      if (c) await (await c.catch(() => undefined))?.end().catch(() => undefined);
    },
  };
}
