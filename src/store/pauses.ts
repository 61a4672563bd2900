// Principal pauses: until when a token, app or host may not be called again; persisted so they survive restarts.
import type { Store } from './store.js';

/** A pause on one principal (a token, an app, a host). */
export interface PrincipalPause {
  principal: string;
  /** ISO date-time before which no request may be made for the principal. */
  nextAllowedAt: string;
  reason: string;
  updatedAt: string;
}

/**
 * Read and write principal pauses. A pause only ever moves later: a shorter pause never shortens a longer one.
 *
 * @example
 * const pauses = principalPauses(store);
 * pauses.pause('meta-graph:ab12', '2026-03-14T09:00:00Z', 'throttled (#4)', now);
 * pauses.pausedUntil('meta-graph:ab12', now) // '2026-03-14T09:00:00.000Z'
 */
export function principalPauses(store: Store): PauseBook {
  let book = books.get(store);
  if (!book) books.set(store, (book = createPauseBook(store)));
  return book;
}

/** One book (with its prepared statements) per store. */
const books = new WeakMap<Store, PauseBook>();

function createPauseBook(store: Store): PauseBook {
  const get = store.db.prepare('SELECT * FROM principal_pauses WHERE principal = ?');
  const put = store.db.prepare(
    `INSERT INTO principal_pauses (principal, next_allowed_at, reason, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (principal) DO UPDATE SET next_allowed_at = excluded.next_allowed_at, reason = excluded.reason,
       updated_at = excluded.updated_at
     WHERE excluded.next_allowed_at > principal_pauses.next_allowed_at`,
  );
  const all = store.db.prepare('SELECT * FROM principal_pauses ORDER BY principal');
  const toPause = (r: {
    principal: string;
    next_allowed_at: string;
    reason: string;
    updated_at: string;
  }) => ({
    principal: r.principal,
    nextAllowedAt: r.next_allowed_at,
    reason: r.reason,
    updatedAt: r.updated_at,
  });
  return {
    pausedUntil(principal, now) {
      const r = get.get(principal) as { next_allowed_at: string } | undefined;
      if (!r || Date.parse(r.next_allowed_at) <= now.getTime()) return undefined;
      return r.next_allowed_at;
    },
    pause(principal, until, reason, now) {
      store.transaction(() => put.run(principal, new Date(until).toISOString(), reason, now.toISOString()));
    },
    list() {
      return (all.all() as Parameters<typeof toPause>[0][]).map(toPause);
    },
  };
}

/** The pause book providers see (ProviderContext.pauses). */
export interface PauseBook {
  /** ISO date-time the principal is paused until, or undefined when it may be called at `now`. */
  pausedUntil(principal: string, now: Date): string | undefined;
  /** Pause a principal until `until` (extends, never shortens, an existing pause). */
  pause(principal: string, until: string | Date, reason: string, now: Date): void;
  list(): PrincipalPause[];
}
