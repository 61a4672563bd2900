// The last schedule slot polled per source (persisted, so `upwatch run` can catch up a slot missed while it was down).
import { immediate } from './immediate.js';
import { CLOCK_SKEW_MS } from '../core/clock-trust.js';
import type { RepoStore } from './findings-repo.js';

/**
 * Read and record polled slots. `lastSlot` is the later of the last slot the daemon polled and the start of the
 * source's last poll by any command (an `upwatch poll` after a slot covers it). A slot only ever moves later, except
 * that a stored slot more than CLOCK_SKEW_MS after the time of recording (written under a clock set ahead) is replaced.
 *
 * @example
 * const slots = pollSlots(store);
 * slots.recordSlot('meta', '2026-03-14T06:00:00.000Z', new Date());
 * slots.lastSlot('meta') // '2026-03-14T06:00:00.000Z'
 */
export function pollSlots(store: RepoStore): PollSlots {
  const get = store.db.prepare('SELECT last_slot FROM poll_slots WHERE source = ?');
  const lastStart = store.db.prepare(
    'SELECT started_at FROM polls WHERE source = ? ORDER BY id DESC LIMIT 1',
  );
  const put = store.db.prepare(
    `INSERT INTO poll_slots (source, last_slot, polled_at) VALUES (?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET last_slot = excluded.last_slot, polled_at = excluded.polled_at
     WHERE excluded.last_slot > poll_slots.last_slot OR poll_slots.last_slot > ?`,
  );
  return {
    lastSlot(source) {
      const slot = (get.get(source) as { last_slot: string } | undefined)?.last_slot;
      const started = (lastStart.get(source) as { started_at: string } | undefined)?.started_at;
      if (slot === undefined) return started;
      if (started === undefined) return slot;
      return Date.parse(started) > Date.parse(slot) ? started : slot;
    },
    polledSlot(source) {
      return (get.get(source) as { last_slot: string } | undefined)?.last_slot;
    },
    recordSlot(source, slot, at) {
      const ceiling = new Date(at.getTime() + CLOCK_SKEW_MS).toISOString();
      return (
        immediate(store.db, () => put.run(source, new Date(slot).toISOString(), at.toISOString(), ceiling))
          .changes > 0
      );
    },
  };
}

/** Polled slots of a store (structurally the scheduler's SlotBook). */
export interface PollSlots {
  /** ISO instant up to which the source's slots are covered: its last polled slot or its last poll's start. */
  lastSlot(source: string): string | undefined;
  /** The last slot the daemon itself polled, if any. */
  polledSlot(source: string): string | undefined;
  /**
   * Record a polled slot; an earlier or equal slot than the stored one is ignored, unless that one lies ahead of `at`.
   * True when this call recorded it: inside the transaction of a poll it claims the slot, so of two workers recording
   * one slot exactly one gets true (fleet workers rely on it, see docs/fleet.md).
   */
  recordSlot(source: string, slot: string, at: Date): boolean;
}
