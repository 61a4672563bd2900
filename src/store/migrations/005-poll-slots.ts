// Migration 5: the last schedule slot the daemon polled per source, so a restart can catch up a missed slot.
import type { Migration } from './migration.js';

/** One row per source: the latest slot polled (ISO instant) and when that poll finished. */
export const pollSlotsMigration: Migration = {
  name: 'poll-slots',
  up: (db) => {
    db.exec(`
      CREATE TABLE poll_slots (
        source TEXT PRIMARY KEY,
        last_slot TEXT NOT NULL,
        polled_at TEXT NOT NULL
      );
    `);
  },
};
