// A synchronous write transaction inside a repository (one better-sqlite3 call that must see and write atomically).
import type Database from 'better-sqlite3';

/** Run `fn` in BEGIN IMMEDIATE … COMMIT, or as a savepoint when the connection is already in a transaction. */
export function immediate<T>(db: Database.Database, fn: () => T): T {
  return db.transaction(fn).immediate();
}
