// Migration 14: when the store last passed its integrity check, so opening it does not scan the whole file each time.
import type { Migration } from './migration.js';

/**
 * `store_checks`: one row per check (`quick_check`) with the time it last passed. Opening the store runs the check
 * only when the last pass is older than a day (see `openStore`); `upwatch doctor` runs it every time.
 */
export const storeChecksMigration: Migration = {
  name: 'store-checks',
  up: (db) => {
    db.exec(`
      CREATE TABLE store_checks (
        name TEXT PRIMARY KEY,
        passed_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
