// Migration 1: the history tables — polls, their requests and metric outcomes, observations, doc snapshots, pauses.
import type { Migration } from './migration.js';

/**
 * History tables. Observations are keyed by (source, metric, period_end, entity) and keep the first value seen
 * beside the latest one, so a restated value stays visible. Requests and outcomes belong to their poll.
 *
 * @example
 * MIGRATIONS[0] === history // version 1
 */
export const history: Migration = {
  name: 'history',
  up: (db) => {
    db.exec(`
      CREATE TABLE polls (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'partial', 'failed')),
        error_code TEXT,
        error_message TEXT,
        served_version TEXT,
        observation_count INTEGER NOT NULL DEFAULT 0,
        payload_schema TEXT,
        payload_hash TEXT
      );
      CREATE INDEX polls_by_source ON polls (source, id);

      CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        status INTEGER,
        latency_ms REAL NOT NULL,
        attempts INTEGER NOT NULL,
        headers TEXT NOT NULL,
        metric TEXT,
        entity TEXT,
        error TEXT
      );
      CREATE INDEX requests_by_poll ON requests (poll_id, seq);

      CREATE TABLE metric_outcomes (
        id INTEGER PRIMARY KEY,
        poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        metric TEXT NOT NULL,
        entity TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'error')),
        error TEXT
      );
      CREATE INDEX metric_outcomes_by_poll ON metric_outcomes (poll_id, seq);

      CREATE TABLE observations (
        source TEXT NOT NULL,
        metric TEXT NOT NULL,
        entity TEXT NOT NULL,
        period_end TEXT NOT NULL,
        day TEXT NOT NULL,
        value REAL,
        first_value REAL,
        json_type TEXT NOT NULL,
        breakdown TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        first_poll_id INTEGER NOT NULL REFERENCES polls (id),
        last_poll_id INTEGER NOT NULL REFERENCES polls (id),
        -- Clustered by (source, metric, period_end): a poll appends a new period at the end of each metric's range
        -- instead of touching a page per series, which keeps ingest WAL writes small (bench/ingest.ts).
        PRIMARY KEY (source, metric, period_end, entity)
      ) WITHOUT ROWID;

      CREATE TABLE doc_snapshots (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        doc TEXT NOT NULL,
        hash TEXT NOT NULL,
        normalized TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        fetched_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
      );
      CREATE INDEX doc_snapshots_by_doc ON doc_snapshots (source, doc, id);

      CREATE TABLE principal_pauses (
        principal TEXT PRIMARY KEY,
        next_allowed_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
