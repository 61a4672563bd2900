// Migration 6: circuit breakers per upstream host, so an open breaker and its cool-down survive a restart.
import type { Migration } from './migration.js';

/** One row per breaker key (`host:…`). Times are ISO 8601 UTC. */
export const breakersMigration: Migration = {
  name: 'breakers',
  up: (db) => {
    db.exec(`
      CREATE TABLE breakers (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half-open')),
        failures INTEGER NOT NULL DEFAULT 0,
        kind TEXT,
        last_error TEXT,
        opened_at TEXT,
        probes_failed INTEGER NOT NULL DEFAULT 0,
        next_probe_at TEXT,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
