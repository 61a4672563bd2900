// Migration 11: an outbox row may be `dropped`: withdrawn before sending because the state it described no longer holds.
import type { Migration } from './migration.js';

const OUTBOX_COLUMNS =
  'id, dedup_key, recipient, kind, message_id, status, attempts, created_at, next_attempt_at, lease_owner, lease_until, last_error, sent_at, payload, after_id';

/**
 * SQLite cannot alter a CHECK constraint, so the outbox is rebuilt with the same columns, rows and ids, and the
 * notification log with it (a rename makes its foreign key follow the old table). Indexes are recreated last.
 * A dropped row keeps its reason in `last_error`.
 */
export const outboxDroppedMigration: Migration = {
  name: 'outbox-dropped-status',
  up: (db) => {
    db.exec(`
      ALTER TABLE outbox RENAME TO outbox_v10;
      ALTER TABLE notification_log RENAME TO notification_log_v10;
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert','resolved','reminder','countdown','digest')),
        message_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','dead','dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        sent_at TEXT,
        payload TEXT NOT NULL,
        after_id INTEGER REFERENCES outbox (id)
      );
      INSERT INTO outbox (${OUTBOX_COLUMNS}) SELECT ${OUTBOX_COLUMNS} FROM outbox_v10;
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
      INSERT INTO notification_log SELECT * FROM notification_log_v10;
      DROP TABLE notification_log_v10;
      DROP TABLE outbox_v10;
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
      CREATE INDEX outbox_recipient_created ON outbox (recipient, created_at);
      CREATE INDEX outbox_after ON outbox (after_id) WHERE after_id IS NOT NULL;
      CREATE INDEX notification_log_finding ON notification_log (fingerprint, episode, recipient, kind);
    `);
  },
};
