// Per-source summaries for `upwatch status`: last poll, its outcome, and counts.
import type { PollOutcome } from '../core/observation.js';
import type { SqliteHistory } from './store.js';

/** What `upwatch status` shows for one source. */
export interface SourceStatus {
  source: string;
  lastPollId?: number;
  lastPollAt?: string;
  lastOutcome?: PollOutcome;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  lastVerifiedAt?: string;
  polls: number;
  failedPolls: number;
  /** Failed polls since the last verified one. */
  consecutiveFailures: number;
  observations: number;
  metrics: number;
  entities: number;
}

/**
 * Summaries of every source with history in the store, plus any named in `sources` (with zero counts).
 *
 * @example
 * sourceStatuses(store, ['meta']).map((s) => `${s.source} ${s.lastOutcome ?? 'never polled'}`)
 */
export function sourceStatuses(store: SqliteHistory, sources: readonly string[] = []): SourceStatus[] {
  const db = store.db;
  const names = new Set<string>(sources);
  for (const r of db.prepare('SELECT DISTINCT source FROM polls').all() as { source: string }[])
    names.add(r.source);
  const pollStats = db.prepare(
    `SELECT COUNT(*) AS polls, SUM(outcome = 'failed') AS failed,
       MAX(CASE WHEN outcome != 'failed' THEN id END) AS last_verified_id
     FROM polls WHERE source = ?`,
  );
  const obsStats = db.prepare(
    `SELECT COUNT(*) AS observations, COUNT(DISTINCT metric) AS metrics, COUNT(DISTINCT entity) AS entities
     FROM observations WHERE source = ?`,
  );
  const since = db.prepare('SELECT COUNT(*) AS n FROM polls WHERE source = ? AND id > ?');
  const byId = db.prepare('SELECT finished_at FROM polls WHERE id = ?');
  return [...names].sort().map((source) => {
    const p = pollStats.get(source) as {
      polls: number;
      failed: number | null;
      last_verified_id: number | null;
    };
    const o = obsStats.get(source) as { observations: number; metrics: number; entities: number };
    const last = store.lastPoll(source);
    const verifiedAt =
      p.last_verified_id === null
        ? undefined
        : (byId.get(p.last_verified_id) as { finished_at: string }).finished_at;
    const consecutive = (since.get(source, p.last_verified_id ?? 0) as { n: number }).n;
    return {
      source,
      ...(last
        ? {
            lastPollId: last.id,
            lastPollAt: last.finishedAt,
            lastOutcome: last.outcome,
            ...(last.errorCode ? { lastErrorCode: last.errorCode } : {}),
            ...(last.errorMessage ? { lastErrorMessage: last.errorMessage } : {}),
          }
        : {}),
      ...(verifiedAt ? { lastVerifiedAt: verifiedAt } : {}),
      polls: p.polls,
      failedPolls: p.failed ?? 0,
      consecutiveFailures: consecutive,
      observations: o.observations,
      metrics: o.metrics,
      entities: o.entities,
    };
  });
}
