// Opening the store for the gate family (gate, ack, override); apart from gate.ts so a status-file gate never loads SQLite.
import { openAnyStore } from '../../store/open.js';
import type { Store } from '../../store/ports.js';
import type { CliIO } from '../io.js';
import { dbPath } from './gate.js';

/**
 * Open the store for a gate command: the SQLite file, or the PostgreSQL store for a `postgres://` URL; a missing or
 * unusable store is STORE_UNAVAILABLE (exit 2).
 *
 * @example
 * const store = await openGateStore(io, flags.db, true); // read-only, for `upwatch gate`
 */
export function openGateStore(io: CliIO, flag: string | undefined, readonly: boolean): Promise<Store> {
  return openAnyStore(dbPath(io, flag), { readonly });
}
