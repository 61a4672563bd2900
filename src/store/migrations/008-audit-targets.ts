// Migration 7: the audit log also records hand-cleared rate-limit pauses (`principal`) and circuit breakers (`breaker`).
import type { Migration } from './migration.js';

/** SQLite cannot alter a CHECK constraint: the table is rebuilt with its rows, ids and index. */
export const auditTargetsMigration: Migration = {
  name: 'audit-targets',
  up: (db) => {
    db.exec(`
      CREATE TABLE audit_log_next (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target_kind TEXT NOT NULL
          CHECK (target_kind IN ('finding','feature','override','outbox','principal','breaker')),
        target TEXT NOT NULL,
        reason TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      );
      INSERT INTO audit_log_next (id, at, actor, action, target_kind, target, reason, details)
        SELECT id, at, actor, action, target_kind, target, reason, details FROM audit_log;
      DROP TABLE audit_log;
      ALTER TABLE audit_log_next RENAME TO audit_log;
      CREATE INDEX audit_log_target ON audit_log (target_kind, target);
    `);
  },
};
