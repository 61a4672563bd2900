// Stored times a wrong clock left behind, read from the store for `upwatch status` (the cycle reports its own).
import { probeBeyondCooldown, type BreakerOptions } from '../core/breaker.js';
import { CLOCK_SKEW_MS, MAX_PAUSE_MS, isAheadOf, type ClockFault } from '../core/clock-trust.js';
import type { Store } from '../store/store.js';

/**
 * Every pause, breaker probe, last poll and last slot in the store that lies further ahead of `now` than it can
 * (pauses beyond MAX_PAUSE_MS, probes beyond the longest cool-down, polls and slots beyond CLOCK_SKEW_MS). These are
 * not trusted by the poller; `upwatch status` lists them so the clock can be checked.
 *
 * @example
 * await storedClockFaults(store, ['meta'], new Date(), BREAKER_DEFAULTS) // [{ kind: 'pause', subject: 'meta-graph:ab12', … }]
 */
export async function storedClockFaults(
  store: Store,
  sources: readonly string[],
  now: Date,
  breaker: BreakerOptions,
): Promise<ClockFault[]> {
  const at = now.toISOString();
  const faults: ClockFault[] = [];
  for (const p of await store.pauses.list()) {
    if (isAheadOf(p.nextAllowedAt, now, MAX_PAUSE_MS))
      faults.push({
        kind: 'pause',
        subject: p.principal,
        stored: p.nextAllowedAt,
        now: at,
        allowedMs: MAX_PAUSE_MS,
      });
  }
  for (const b of await store.breakers.notClosed()) {
    if (b.nextProbeAt && probeBeyondCooldown(b, now, breaker))
      faults.push({
        kind: 'breaker',
        subject: b.key,
        stored: b.nextProbeAt,
        now: at,
        allowedMs: breaker.maxCooldownMs,
      });
  }
  const slots = store.slots;
  for (const source of sources) {
    const last = (await store.lastPoll(source))?.startedAt;
    if (isAheadOf(last, now, CLOCK_SKEW_MS))
      faults.push({ kind: 'last-poll', subject: source, stored: last!, now: at, allowedMs: CLOCK_SKEW_MS });
    const slot = await slots.polledSlot(source);
    if (isAheadOf(slot, now, CLOCK_SKEW_MS))
      faults.push({ kind: 'last-slot', subject: source, stored: slot!, now: at, allowedMs: CLOCK_SKEW_MS });
  }
  return faults;
}
