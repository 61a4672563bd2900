// When a recipient's daily digest is due: the latest local digest hour at or before now, in an IANA time zone.
import { UpwatchError } from '../core/errors.js';

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new UpwatchError('CONFIG_INVALID', `unknown time zone "${timeZone}"`, {
        hint: 'use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles',
      });
    }
    FORMATTERS.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA name this Node knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock fields of an instant in a time zone. */
function localParts(at: Date, timeZone: string): { y: number; m: number; d: number; ms: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const ms = Date.UTC(p['year']!, p['month']! - 1, p['day'], p['hour'], p['minute'], p['second']);
  return { y: p['year']!, m: p['month']!, d: p['day']!, ms };
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
