// Counts for monitoring upwatch itself: polls by source and outcome, upstream requests by status class, and the last
// verified poll per source.
import type { PollOutcome } from '../core/observation.js';
import type { RepoStore } from './findings-repo.js';

/** Polls of one source with one outcome. */
export interface PollCount {
  source: string;
  outcome: PollOutcome;
  polls: number;
}

/** Upstream requests of one source in one status class (`2xx` … `5xx`, or `none` when no response came back). */
export interface RequestCount {
  source: string;
  statusClass: string;
  requests: number;
}

/**
 * Every source's polls by outcome, sorted by source then outcome.
 *
 * @example
 * pollCounts(store) // [{ source: 'meta', outcome: 'ok', polls: 40 }, { source: 'meta', outcome: 'failed', polls: 2 }]
 */
export function pollCounts(store: RepoStore): PollCount[] {
  return store.db
    .prepare(
      'SELECT source, outcome, COUNT(*) AS polls FROM polls GROUP BY source, outcome ORDER BY source, outcome',
    )
    .all() as PollCount[];
}

/**
 * Every source's upstream requests by status class, sorted by source then class.
 *
 * @example
 * requestCounts(store) // [{ source: 'meta', statusClass: '2xx', requests: 120 }, { source: 'meta', statusClass: 'none', requests: 3 }]
 */
export function requestCounts(store: RepoStore): RequestCount[] {
  return store.db
    .prepare(
      `SELECT p.source AS source,
              CASE WHEN r.status IS NULL THEN 'none' ELSE (r.status / 100) || 'xx' END AS statusClass,
              COUNT(*) AS requests
         FROM requests r JOIN polls p ON p.id = r.poll_id
        GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .all() as RequestCount[];
}
