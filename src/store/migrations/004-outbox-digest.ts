// Migration 4: the outbox accepts kind `digest` (notices held back by the hourly per-recipient cap).
import type { Migration } from './migration.js';

/**
 * SQLite cannot alter a CHECK constraint, so the outbox is rebuilt with the same columns, rows and ids, and the
 * notification log with it (a rename makes its foreign key follow the old table). Indexes are recreated last.
 */
export const outboxDigestMigration: Migration = {
  name: 'outbox-digest-kind',
  up: (db) => {
    db.exec(`
      ALTER TABLE outbox RENAME TO outbox_v3;
      ALTER TABLE notification_log RENAME TO notification_log_v3;
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert','resolved','reminder','countdown','digest')),
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
      INSERT INTO outbox SELECT * FROM outbox_v3;
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
      INSERT INTO notification_log SELECT * FROM notification_log_v3;
      DROP TABLE notification_log_v3;
      DROP TABLE outbox_v3;
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
      CREATE INDEX outbox_recipient_created ON outbox (recipient, created_at);
      CREATE INDEX notification_log_finding ON notification_log (fingerprint, episode, recipient, kind);
    `);
  },
};
