// Schedule slots: the instants a source's cron (in its time zone) names, and the latest one at or before a time.
import { createTask, parse } from 'node-cron';
import { wallClock, type WallClock } from '../core/zoned-time.js';

/** Days looked back for a previous slot; a schedule with no slot in that span never catches up. */
export const SLOT_LOOKBACK_DAYS = 400;

function sameParts(a: WallClock, b: WallClock): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

/** The instant a wall-clock time names in a zone (the earlier one when a fall-back hour repeats it). */
function instantOf(p: WallClock, timezone: string): number {
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetAt = (ms: number) => {
    const l = wallClock(ms, timezone);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - ms;
  };
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  const candidates = [first, second].filter((ms) => sameParts(wallClock(ms, timezone), p));
  return candidates.length > 0 ? Math.min(...candidates) : Math.max(first, second);
}

/**
 * The slots of one schedule. `previous(t)` is the latest slot at or before `t` (undefined when none falls within
 * SLOT_LOOKBACK_DAYS); `dispose()` frees the node-cron matcher behind it.
 *
 * @example
 * const cal = slotCalendar('0 6 * * *', 'Europe/Paris');
 * cal.previous(new Date('2026-03-14T09:00:00Z')) // 2026-03-14T05:00:00.000Z
 * cal.dispose();
 */
export interface SlotCalendar {
  previous(atOrBefore: Date): Date | undefined;
  dispose(): void;
}

/** Build a calendar for a five- (or six-) field cron expression read in `timezone` (default UTC). */
export function slotCalendar(schedule: string, timezone = 'UTC'): SlotCalendar {
  const fields = parse(schedule);
  // node-cron's own matcher, so day-of-month/-week tokens (L, W, #) mean what they mean when the task fires.
  const matcher = createTask(schedule, () => undefined, { timezone, name: 'upwatch:slot-calendar' });
  const desc = (xs: number[]) => [...new Set(xs)].sort((a, b) => b - a);
  const hours = desc(fields.hour);
  const minutes = desc(fields.minute);
  const seconds = desc(fields.second);
  return {
    previous(atOrBefore) {
      const limit = Math.floor(atOrBefore.getTime() / 1000) * 1000;
      const now = wallClock(limit, timezone);
      const nowKey = now.hour * 3600 + now.minute * 60 + now.second;
      for (let d = 0; d <= SLOT_LOOKBACK_DAYS; d++) {
        const date = new Date(Date.UTC(now.year, now.month - 1, now.day - d));
        const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
        if (!fields.month.includes(day.month)) continue;
        dayLoop: for (const hour of hours) {
          for (const minute of minutes) {
            for (const second of seconds) {
              if (d === 0 && hour * 3600 + minute * 60 + second > nowKey) continue;
              const wall = { ...day, hour, minute, second };
              const ms = instantOf(wall, timezone);
              if (ms > limit) continue;
              if (matcher.match(new Date(ms))) return new Date(ms);
              // The time of day is one of the schedule's, so a miss that reads back exactly is a day that does
              // not match (day of month or week): try the day before. (A wall time inside a DST gap does not.)
              if (sameParts(wallClock(ms, timezone), wall)) break dayLoop;
            }
          }
        }
      }
      return undefined;
    },
    dispose() {
      void matcher.destroy();
    },
  };
}
