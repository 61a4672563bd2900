// Opening the store for the gate family (gate, ack, override); apart from gate.ts so a status-file gate never loads SQLite.
import { openStore, type Store } from '../../store/store.js';
import type { CliIO } from '../io.js';
import { dbPath } from './gate.js';

/**
 * Open the store for a gate command; a missing or unusable store is STORE_UNAVAILABLE (exit 2).
 *
 * @example
 * const store = openGateStore(io, flags.db, true); // read-only, for `upwatch gate`
 */
export function openGateStore(io: CliIO, flag: string | undefined, readonly: boolean): Store {
  return openStore(dbPath(io, flag), { readonly });
}
