// Migration 3: metric regimes — where a confirmed upstream change re-baselined a metric (old regimes kept for display).
import type { Migration } from './migration.js';

/** One row per regime start; the current regime of a metric is its latest start. */
export const regimesMigration: Migration = {
  name: 'metric-regimes',
  up: (db) => {
    db.exec(`
      CREATE TABLE metric_regimes (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        metric TEXT NOT NULL,
        start_day TEXT NOT NULL,
        reason TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (source, metric, start_day)
      );
      CREATE INDEX metric_regimes_source ON metric_regimes (source, metric, start_day);
    `);
  },
};
