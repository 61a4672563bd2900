// Migration 2: findings lifecycle, audit log, feature overrides and states, the alert outbox and notification log.
import type { Migration } from './migration.js';

/**
 * Tables owned by the findings/gate/alerts area. Times are ISO 8601 UTC strings, except the relay's scheduling
 * columns (`next_attempt_at`, `lease_until`), which are epoch milliseconds so the claim query compares integers.
 */
export const findingsMigration: Migration = {
  name: 'findings-gate-outbox',
  // eslint-disable-next-line max-lines-per-function -- one migration is one DDL script, read as the schema it creates
  up: (db) => {
    db.exec(`
      CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        episode INTEGER NOT NULL,
        rule TEXT NOT NULL,
        class TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('block','warn','info')),
        source TEXT NOT NULL,
        metric TEXT,
        subject TEXT,
        title TEXT,
        entities TEXT NOT NULL DEFAULT '[]',
        entity_share REAL,
        onset TEXT NOT NULL,
        effective_date TEXT,
        replacement TEXT,
        evidence TEXT NOT NULL DEFAULT '{}',
        explanation TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open','acknowledged','resolved')),
        detected_at TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        good_polls_since_absent INTEGER NOT NULL DEFAULT 0,
        ack_reason TEXT,
        ack_by TEXT,
        ack_at TEXT,
        ack_until TEXT,
        resolved_at TEXT,
        UNIQUE (fingerprint, episode)
      );
      CREATE INDEX findings_source_status ON findings (source, status);
      CREATE INDEX findings_status ON findings (status);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('finding','feature','override','outbox')),
        target TEXT NOT NULL,
        reason TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_target ON audit_log (target_kind, target);

      CREATE TABLE feature_overrides (
        id INTEGER PRIMARY KEY,
        feature TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('allow','block')),
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        until TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX feature_overrides_feature ON feature_overrides (feature, until);

      CREATE TABLE feature_states (
        feature TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('ok','warn','blocked')),
        reasons TEXT NOT NULL DEFAULT '[]',
        changed_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert','resolved','reminder','countdown')),
        message_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        sent_at TEXT,
        payload TEXT NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE notification_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        recipient TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        episode INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert','resolved','reminder','countdown')),
        detail TEXT,
        outbox_id INTEGER NOT NULL REFERENCES outbox (id)
      );
      CREATE INDEX notification_log_finding ON notification_log (fingerprint, episode, recipient, kind);
    `);
  },
};
