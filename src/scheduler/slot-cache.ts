// The scheduler's slot book over an asynchronous store: read once at start, answered from memory, written through.
import { CLOCK_SKEW_MS } from '../core/clock-trust.js';
import { errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { SlotBook } from './scheduler.js';

/** What the cache reads and writes: the store's polled slots (src/store/poll-slots.ts) through its port. */
export interface SlotStore {
  lastSlot(source: string): Promise<string | undefined>;
  recordSlot(source: string, slot: string, at: Date): Promise<unknown>;
}

/** A slot book the scheduler can ask synchronously, plus `flush` to wait for the writes in flight. */
export interface CachedSlotBook extends SlotBook {
  /** Resolves when every recorded slot has reached the store. */
  flush(): Promise<void>;
}

/**
 * Read each source's covered slot from the store, then keep the book in memory: the scheduler decides from it on its
 * timers without waiting for the store. Recording a slot updates memory at once and the store in the background (in
 * order per process); a write that fails is logged, and the slot is still covered in memory, so the source is not
 * polled twice in this process. The book is the daemon's own: a poll another process makes meanwhile (a manual
 * `upwatch poll`) is not seen until the daemon restarts, so that slot is polled once more.
 *
 * @example
 * const slots = await cachedSlotBook(store.slots, sources.map((s) => s.name), logger);
 * createScheduler({ sources, run, slots, clock });
 */
export async function cachedSlotBook(
  store: SlotStore,
  sources: readonly string[],
  logger: Logger = silentLogger,
): Promise<CachedSlotBook> {
  const covered = new Map<string, string | undefined>();
  for (const name of sources) covered.set(name, await store.lastSlot(name));
  let writes: Promise<void> = Promise.resolve();
  return {
    lastSlot: (source) => covered.get(source),
    recordSlot(source, slot, at) {
      const before = covered.get(source);
      // Never moves back, except over a slot stored ahead of the clock (the store applies the same rule).
      const ceiling = new Date(at.getTime() + CLOCK_SKEW_MS).toISOString();
      if (before === undefined || Date.parse(slot) > Date.parse(before) || before > ceiling)
        covered.set(source, new Date(slot).toISOString());
      writes = writes
        .then(async () => void (await store.recordSlot(source, slot, at)))
        .catch((e: unknown) =>
          logger.error('could not record the polled slot', { source, slot, error: errorMessage(e) }),
        );
    },
    flush: () => writes,
  };
}
