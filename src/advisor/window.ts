// The training window: the days a model would learn from, parsed from `FROM..TO` or defaulted to the last 28 days.
import { addDays, daysBetween, isoDay } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';

/** A closed range of ISO days, `from` ≤ `to`. */
export interface TrainingWindow {
  from: string;
  to: string;
}

/** Days in the default window: four whole weeks, so every weekday weighs the same. */
export const DEFAULT_WINDOW_DAYS = 28;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(text: string): boolean {
  return (
    DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isoDay(`${text}T00:00:00Z`) === text
  );
}

/**
 * Parse `FROM..TO` (ISO days, both included). Throws UpwatchError `USAGE` for anything else.
 *
 * @example
 * parseWindow('2026-03-01..2026-03-28') // { from: '2026-03-01', to: '2026-03-28' }
 */
export function parseWindow(text: string): TrainingWindow {
  const m = /^\s*(\S+?)\s*\.\.\s*(\S+?)\s*$/.exec(text);
  const hint = 'write the window as FROM..TO in ISO days, e.g. 2026-03-01..2026-03-28';
  if (!m) throw new UpwatchError('USAGE', `--window must be FROM..TO (got "${text}")`, { hint });
  const [, from, to] = m as unknown as [string, string, string];
  for (const d of [from, to])
    if (!validDay(d)) throw new UpwatchError('USAGE', `--window: "${d}" is not an ISO day`, { hint });
  if (from > to) throw new UpwatchError('USAGE', `--window starts after it ends (${from} > ${to})`, { hint });
  return { from, to };
}

/**
 * The last `days` days ending on the day of `now` (included).
 *
 * @example
 * defaultWindow(new Date('2026-03-28T10:00:00Z')) // { from: '2026-03-01', to: '2026-03-28' }
 */
export function defaultWindow(now: Date, days: number = DEFAULT_WINDOW_DAYS): TrainingWindow {
  const to = isoDay(now);
  return { from: addDays(to, -(days - 1)), to };
}

/** Number of days in a window (both ends included). */
export function windowDays(w: TrainingWindow): number {
  return daysBetween(w.from, w.to) + 1;
}

/** The part of [from, to] inside the window, or undefined when they do not overlap. */
export function clip(w: TrainingWindow, from: string, to: string): TrainingWindow | undefined {
  const a = from > w.from ? from : w.from;
  const b = to < w.to ? to : w.to;
  return a <= b ? { from: a, to: b } : undefined;
}
