// Migration 7: an outbox row may wait for another (a resolved notice waits until the alert it answers is sent).
import type { Migration } from './migration.js';

/** `after_id`: the row that must be `sent` before this one is claimed (NULL = no dependency). */
export const outboxAfterMigration: Migration = {
  name: 'outbox-after',
  up: (db) => {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN after_id INTEGER REFERENCES outbox(id);
      CREATE INDEX outbox_after ON outbox(after_id) WHERE after_id IS NOT NULL;
    `);
  },
};
