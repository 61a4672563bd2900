// Wall-clock time in IANA time zones: the local fields of an instant, and whether a zone name is known. Shared by
// the scheduler's slots and the alert digest hour.
import { UpwatchError } from './errors.js';

/** Local wall-clock fields of an instant (month 1–12, hour 0–23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UpwatchError('CONFIG_INVALID', `unknown time zone "${timeZone}"`, {
        hint: 'use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles',
      });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * True when `timeZone` is an IANA name this Node knows.
 *
 * @example
 * isTimeZone('Europe/Paris') // true
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock fields of an instant (epoch ms) in a time zone. Throws UpwatchError `CONFIG_INVALID` for an
 * unknown zone.
 *
 * @example
 * wallClock(Date.parse('2026-03-15T06:30:00Z'), 'Europe/Paris').hour // 7
 */
export function wallClock(ms: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out['year']!,
    month: out['month']!,
    day: out['day']!,
    hour: out['hour']! % 24,
    minute: out['minute']!,
    second: out['second']!,
  };
}

/** The wall-clock fields read as if they were UTC (epoch ms): local time minus this gives the zone's offset. */
export function wallClockAsUtc(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}
