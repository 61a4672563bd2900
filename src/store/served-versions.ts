// The API versions an upstream has served, as its polls recorded them (a response header such as facebook-api-version).
import type { RepoStore } from './findings-repo.js';

/** One API version a source served: over how many polls, first and last seen. */
export interface ServedVersion {
  version: string;
  polls: number;
  firstSeen: string;
  lastSeen: string;
}

/**
 * Every API version the polls of `source` recorded, oldest first (by when a poll first saw it).
 *
 * @example
 * servedVersions(store, 'meta') // [{ version: 'v23.0', polls: 40, … }, { version: 'v24.0', polls: 3, … }]
 */
export function servedVersions(store: RepoStore, source: string): ServedVersion[] {
  const rows = store.db
    .prepare(
      `SELECT served_version AS version, COUNT(*) AS polls, MIN(finished_at) AS first_seen,
         MAX(finished_at) AS last_seen, MIN(id) AS first_id
       FROM polls WHERE source = ? AND served_version IS NOT NULL
       GROUP BY served_version ORDER BY first_seen, first_id`,
    )
    .all(source) as { version: string; polls: number; first_seen: string; last_seen: string }[];
  return rows.map((r) => ({
    version: r.version,
    polls: r.polls,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  }));
}
