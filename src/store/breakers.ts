// Circuit breakers per upstream host, persisted: an outage keeps its breaker (and cool-down) across restarts.
import { immediate } from './immediate.js';
import type { BreakerRecord, BreakerState, UnreachableKind } from '../core/breaker.js';
import type { RepoStore } from './findings-repo.js';

interface BreakerRow {
  key: string;
  state: BreakerState;
  failures: number;
  kind: string | null;
  last_error: string | null;
  opened_at: string | null;
  probes_failed: number;
  next_probe_at: string | null;
  updated_at: string;
}

function toRecord(r: BreakerRow): BreakerRecord {
  return {
    key: r.key,
    state: r.state,
    failures: r.failures,
    ...(r.kind === null ? {} : { kind: r.kind as UnreachableKind }),
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    ...(r.opened_at === null ? {} : { openedAt: r.opened_at }),
    probesFailed: r.probes_failed,
    ...(r.next_probe_at === null ? {} : { nextProbeAt: r.next_probe_at }),
    updatedAt: r.updated_at,
  };
}

/** Read and write breakers (the transitions themselves are `core/breaker.ts`). */
export interface BreakerBook {
  get(key: string): BreakerRecord | undefined;
  save(record: BreakerRecord): void;
  /** Every breaker that is not closed. */
  notClosed(): BreakerRecord[];
}

/**
 * The breakers of a store.
 *
 * @example
 * const book = breakers(store);
 * book.save(afterPoll(book.get(key), key, 'refused', message, now, BREAKER_DEFAULTS).record);
 */
export function breakers(store: RepoStore): BreakerBook {
  let book = books.get(store);
  if (!book) books.set(store, (book = createBook(store)));
  return book;
}

const books = new WeakMap<RepoStore, BreakerBook>();

function createBook(store: RepoStore): BreakerBook {
  const get = store.db.prepare('SELECT * FROM breakers WHERE key = ?');
  const notClosed = store.db.prepare("SELECT * FROM breakers WHERE state != 'closed' ORDER BY key");
  const put = store.db.prepare(
    `INSERT INTO breakers (key, state, failures, kind, last_error, opened_at, probes_failed, next_probe_at, updated_at)
     VALUES (@key, @state, @failures, @kind, @lastError, @openedAt, @probesFailed, @nextProbeAt, @updatedAt)
     ON CONFLICT (key) DO UPDATE SET state = excluded.state, failures = excluded.failures, kind = excluded.kind,
       last_error = excluded.last_error, opened_at = excluded.opened_at, probes_failed = excluded.probes_failed,
       next_probe_at = excluded.next_probe_at, updated_at = excluded.updated_at`,
  );
  return {
    get(key) {
      const r = get.get(key) as BreakerRow | undefined;
      return r ? toRecord(r) : undefined;
    },
    save(r) {
      immediate(store.db, () =>
        put.run({
          key: r.key,
          state: r.state,
          failures: r.failures,
          kind: r.kind ?? null,
          lastError: r.lastError ?? null,
          openedAt: r.openedAt ?? null,
          probesFailed: r.probesFailed,
          nextProbeAt: r.nextProbeAt ?? null,
          updatedAt: r.updatedAt,
        }),
      );
    },
    notClosed() {
      return (notClosed.all() as BreakerRow[]).map(toRecord);
    },
  };
}
