// Migration 12: a finding records when its change was announced, apart from its onset (the first day it happened).
import type { Migration } from './migration.js';

/** `announced_on`: ISO date of the vendor's announcement (changelog, known deprecations); NULL when none is known. */
export const findingsAnnouncedOnMigration: Migration = {
  name: 'findings-announced-on',
  up: (db) => {
    db.exec(`ALTER TABLE findings ADD COLUMN announced_on TEXT`);
  },
};
