// Principal pauses: until when a token, app or host may not be called again; persisted so they survive restarts.
import { immediate } from './immediate.js';
import { MAX_PAUSE_MS, isAheadOf } from '../core/clock-trust.js';
import type { RepoStore } from './findings-repo.js';

/** A pause on one principal (a token, an app, a host). */
export interface PrincipalPause {
  principal: string;
  /** ISO date-time before which no request may be made for the principal. */
  nextAllowedAt: string;
  reason: string;
  updatedAt: string;
}

/**
 * Read and write principal pauses. A pause only ever moves later: a shorter pause never shortens a longer one. No
 * pause is set beyond now + MAX_PAUSE_MS, and a stored one ending beyond it was written under a wrong clock: it is
 * not in force (`untrusted` names it) and the next pause replaces it.
 *
 * @example
 * const pauses = principalPauses(store);
 * pauses.pause('meta-graph:ab12', '2026-03-14T09:00:00Z', 'throttled (#4)', now);
 * pauses.pausedUntil('meta-graph:ab12', now) // '2026-03-14T09:00:00.000Z'
 */
export function principalPauses(store: RepoStore): PauseBook {
  let book = books.get(store);
  if (!book) books.set(store, (book = createPauseBook(store)));
  return book;
}

/** One book (with its prepared statements) per store. */
const books = new WeakMap<RepoStore, PauseBook>();

function createPauseBook(store: RepoStore): PauseBook {
  const get = store.db.prepare('SELECT * FROM principal_pauses WHERE principal = ?');
  const put = store.db.prepare(
    `INSERT INTO principal_pauses (principal, next_allowed_at, reason, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (principal) DO UPDATE SET next_allowed_at = excluded.next_allowed_at, reason = excluded.reason,
       updated_at = excluded.updated_at
     WHERE excluded.next_allowed_at > principal_pauses.next_allowed_at OR principal_pauses.next_allowed_at > ?`,
  );
  const del = store.db.prepare('DELETE FROM principal_pauses WHERE principal = ?');
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
      if (isAheadOf(r.next_allowed_at, now, MAX_PAUSE_MS)) return undefined;
      return r.next_allowed_at;
    },
    untrusted(principal, now) {
      const r = get.get(principal) as Parameters<typeof toPause>[0] | undefined;
      return r && isAheadOf(r.next_allowed_at, now, MAX_PAUSE_MS) ? toPause(r) : undefined;
    },
    pause(principal, until, reason, now) {
      const ceiling = now.getTime() + MAX_PAUSE_MS;
      const at = new Date(Math.min(new Date(until).getTime(), ceiling)).toISOString();
      immediate(store.db, () =>
        put.run(principal, at, reason, now.toISOString(), new Date(ceiling).toISOString()),
      );
    },
    clear(principal) {
      const r = get.get(principal) as Parameters<typeof toPause>[0] | undefined;
      if (r) immediate(store.db, () => del.run(principal));
      return r ? toPause(r) : undefined;
    },
    list() {
      return (all.all() as Parameters<typeof toPause>[0][]).map(toPause);
    },
  };
}

/** The pause book providers see (ProviderContext.pauses). */
export interface PauseBook {
  /**
   * ISO date-time the principal is paused until, or undefined when it may be called at `now` (also when the stored
   * pause ends beyond now + MAX_PAUSE_MS: see `untrusted`).
   */
  pausedUntil(principal: string, now: Date): string | undefined;
  /** The stored pause when it ends beyond now + MAX_PAUSE_MS (written under a wrong clock, not in force). */
  untrusted(principal: string, now: Date): PrincipalPause | undefined;
  /**
   * Pause a principal until `until`, at most MAX_PAUSE_MS after `now` (extends, never shortens, an existing pause;
   * replaces an untrusted one).
   */
  pause(principal: string, until: string | Date, reason: string, now: Date): void;
  /** Remove a principal's pause (by hand: `upwatch clear-pause`); returns what was removed. */
  clear(principal: string): PrincipalPause | undefined;
  list(): PrincipalPause[];
}
