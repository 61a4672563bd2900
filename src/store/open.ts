// Opening a store by where it lives: a PostgreSQL URL opens the PostgreSQL store, anything else the SQLite file.
import type { Store } from './ports.js';
import { openStore, type OpenStoreOptions } from './store.js';

/** True for a `postgres://` or `postgresql://` URL (a store on a server rather than a file). */
export function isStoreUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Open the store at `location`: `postgres://…` through the PostgreSQL store (created or migrated unless read-only;
 * `?schema=NAME` in the URL picks the PostgreSQL schema, default `public`), else the SQLite file (`openStore`). Both are the same ports; a command that only reads and decides (gate, status,
 * report, serve, ack, accept, override) works on either.
 *
 * @example
 * const store = await openAnyStore(process.env.UPWATCH_DB ?? '.upwatch/upwatch.db', { readonly: true });
 */
export async function openAnyStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isStoreUrl(location)) {
    // Loaded only for a URL: a SQLite command never loads the PostgreSQL client.
    const { openPgStore } = await import('./pg/pg-store.js');
    const url = new URL(location);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return openPgStore(url.toString(), {
      readonly: options.readonly ?? false,
      ...(schema !== undefined ? { schema } : {}),
    });
  }
  return openStore(location, options);
}
