// How far ahead of "now" a stored time may lie before it is a clock fault, and the longest pause upwatch trusts.

/**
 * A last poll or last slot may lie this far ahead of now and still be trusted (5 min). Hosts kept by NTP agree within
 * a second; a few minutes covers an unsynchronised VM, a container whose clock drifted, or a store written from two
 * hosts. A time further ahead cannot come from this clock running forward: the clock was wrong when it was written,
 * or is wrong now, and either way it must not stop polling or make a source look fresh.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The longest rate-limit pause (24 h). Graph API throttles report their regain time in minutes and their windows are
 * rolling hours (business use case limits span a day at most); a `Retry-After` of days is not a rate limit to wait
 * out unattended. A pause is never set further ahead, and a stored pause ending beyond now + this was set under a
 * wrong clock: it is ignored (with a warning) instead of holding the token for years.
 */
export const MAX_PAUSE_MS = 24 * 3_600_000;

/**
 * True when `stored` (ISO) lies more than `toleranceMs` after `now`: a time no correct clock could have written yet.
 *
 * @example
 * isAheadOf('2030-01-01T00:00:00Z', new Date('2026-03-14T10:00:00Z'), CLOCK_SKEW_MS) // true
 */
export function isAheadOf(stored: string | undefined, now: Date, toleranceMs: number): boolean {
  if (stored === undefined) return false;
  const t = Date.parse(stored);
  return Number.isFinite(t) && t > now.getTime() + toleranceMs;
}

/** Which stored time was ahead of the clock. */
export type ClockFaultKind = 'last-poll' | 'last-slot' | 'pause' | 'breaker';

/** A stored time further ahead of now than it can be: what it is, whose, the time, and how far ahead is allowed. */
export interface ClockFault {
  kind: ClockFaultKind;
  /** The principal (pause), breaker key (breaker) or source (last poll, last slot). */
  subject: string;
  /** The stored ISO time. */
  stored: string;
  /** The clock reading it was compared with (ISO). */
  now: string;
  /** How far ahead it could lie and still be trusted, ms. */
  allowedMs: number;
}
