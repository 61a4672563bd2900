// When a recipient's daily digest is due: the latest local digest hour at or before now, in an IANA time zone.
import { wallClock, wallClockAsUtc } from '../core/zoned-time.js';

/** Local wall-clock fields of an instant in a time zone. */
function localParts(at: Date, timeZone: string): { y: number; m: number; d: number; ms: number } {
  const w = wallClock(at.getTime(), timeZone);
  return { y: w.year, m: w.month, d: w.day, ms: wallClockAsUtc(w) };
}

/** The UTC instant of a local wall-clock time (the later reading when a DST change makes it ambiguous or missing). */
function instantOf(y: number, m: number, d: number, hour: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, hour);
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const offset = localParts(new Date(guess), timeZone).ms - guess;
    guess = wall - offset;
  }
  return new Date(guess);
}

/** A daily digest slot: the recipient's local day and the instant its digest hour starts. */
export interface DigestSlot {
  /** Local calendar day, `YYYY-MM-DD`: names the digest, its dedup key and its Message-ID. */
  day: string;
  /** When that day's digest hour began (UTC). */
  at: Date;
}

/**
 * The latest digest slot at or before `now`: today's `hour`:00 local time if it has passed, else yesterday's.
 * Throws UpwatchError `CONFIG_INVALID` for an unknown time zone (config validation rejects it first).
 *
 * @example
 * digestSlot(new Date('2026-03-15T06:30:00Z'), 8, 'Europe/Paris') // { day: '2026-03-15', at: 2026-03-15T07:00:00Z }
 * digestSlot(new Date('2026-03-15T06:30:00Z'), 8, 'UTC')          // { day: '2026-03-14', at: 2026-03-14T08:00:00Z }
 */
export function digestSlot(now: Date, hour: number, timeZone: string): DigestSlot {
  const local = localParts(now, timeZone);
  let at = instantOf(local.y, local.m, local.d, hour, timeZone);
  let day = new Date(Date.UTC(local.y, local.m - 1, local.d));
  if (at.getTime() > now.getTime()) {
    day = new Date(day.getTime() - 86_400_000);
    at = instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, timeZone);
  }
  return { day: day.toISOString().slice(0, 10), at };
}
