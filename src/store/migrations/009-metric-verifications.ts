// Migration 7: per source and metric, whether and when it was last verified (got a definite answer), for the gate.
import type { Migration } from './migration.js';

/**
 * One row per (source, metric) that a poll has reported on: the last poll that verified it — every entity got
 * values, a confirmed absence or a definite rejection (error #100, 410 Gone) — and when that poll finished; both NULL
 * while the metric has never been verified. Filled from the stored polls, so an existing store keeps what it knew.
 *
 * @example
 * MIGRATIONS[6] === metricVerificationsMigration // version 7
 */
export const metricVerificationsMigration: Migration = {
  name: 'metric-verifications',
  up: (db) => {
    db.exec(`
      CREATE TABLE metric_verifications (
        source TEXT NOT NULL,
        metric TEXT NOT NULL,
        verified_poll_id INTEGER,
        verified_at TEXT,
        PRIMARY KEY (source, metric)
      ) WITHOUT ROWID;

      INSERT INTO metric_verifications (source, metric, verified_poll_id, verified_at)
      SELECT pairs.source, pairs.metric, v.id, v.finished_at
      FROM (
        SELECT DISTINCT p.source, o.metric FROM polls p JOIN metric_outcomes o ON o.poll_id = p.id
      ) AS pairs
      LEFT JOIN (
        SELECT source, metric, MAX(id) AS id, finished_at FROM (
          SELECT p.id, p.source, p.finished_at, o.metric
          FROM polls p JOIN metric_outcomes o ON o.poll_id = p.id
          GROUP BY p.id, o.metric
          HAVING SUM(o.status = 'error'
                     AND COALESCE(json_extract(o.error, '$.code'), '') NOT IN ('UPSTREAM_INVALID_METRIC', 'UPSTREAM_GONE')
                     AND COALESCE(json_extract(o.error, '$.status'), 0) != 410) = 0
        )
        GROUP BY source, metric
      ) AS v ON v.source = pairs.source AND v.metric = pairs.metric;
    `);
  },
};
