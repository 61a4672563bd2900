// The port for a per-host request limit that other processes share (a fleet's workers): the HTTP layer asks it for a
// slot after its own in-process limit, and gives the slot back when the request ends.

/**
 * Concurrent requests per upstream host counted across processes. `acquire` resolves when one of the host's slots is
 * this caller's (it waits while all are taken); `release` gives one back. Implemented over PostgreSQL advisory locks
 * by `openPgHostLimit` (src/store/pg/host-limit.ts).
 *
 * @example
 * await limit.acquire('graph.facebook.com');
 * try { await send(); } finally { limit.release('graph.facebook.com'); }
 */
export interface SharedHostLimit {
  /** Slots per host, shared by every process on the same store. */
  readonly limit: number;
  acquire(host: string): Promise<void>;
  release(host: string): void;
  /** Give back every slot and close the connection. Idempotent. */
  close(): Promise<void>;
}
