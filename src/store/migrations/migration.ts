// One schema migration: a name and the SQL (or function) that moves the store one version forward.
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Short name, e.g. `history` or `findings-and-outbox`. */
  name: string;
  /** Applied inside the migration transaction. */
  up: (db: Database) => void;
}
