// Metric regimes in the store: record where a confirmed change re-baselined a metric, read the current starts.
import type { RepoStore } from './findings-repo.js';

/** A regime of a metric: it starts at `startDay` and lasts until the next one. */
export interface Regime {
  source: string;
  metric: string;
  startDay: string;
  reason: string;
  recordedAt: string;
}

/**
 * Record that a metric's current regime starts at `startDay` (idempotent per start day). Earlier regimes stay.
 *
 * @example
 * recordRegime(store, 'meta', 'page_media_view', '2026-03-14', 'unit-scale ×1000 (block)');
 */
export function recordRegime(
  store: RepoStore,
  source: string,
  metric: string,
  startDay: string,
  reason: string,
  recordedAt = new Date().toISOString(),
): void {
  store.db
    .prepare(
      `INSERT INTO metric_regimes (source, metric, start_day, reason, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source, metric, start_day) DO NOTHING`,
    )
    .run(source, metric, startDay, reason, recordedAt);
}

/**
 * The current regime start of every metric of a source that was re-baselined (metric → ISO day).
 *
 * @example
 * currentRegimes(store, 'meta').get('page_media_view') // '2026-03-14'
 */
export function currentRegimes(store: RepoStore, source: string): Map<string, string> {
  const rows = store.db
    .prepare('SELECT metric, MAX(start_day) AS start FROM metric_regimes WHERE source = ? GROUP BY metric')
    .all(source) as { metric: string; start: string }[];
  return new Map(rows.map((r) => [r.metric, r.start]));
}

/** Every regime of a metric, oldest first (for display). */
export function regimeHistory(store: RepoStore, source: string, metric: string): Regime[] {
  const rows = store.db
    .prepare(
      `SELECT source, metric, start_day AS startDay, reason, recorded_at AS recordedAt FROM metric_regimes
       WHERE source = ? AND metric = ? ORDER BY start_day`,
    )
    .all(source, metric) as Regime[];
  return rows;
}
