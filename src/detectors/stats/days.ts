// ISO days as integers: fast conversion both ways and the weekday, for day-indexed series arithmetic.

const MS_PER_DAY = 86_400_000;

/**
 * Days since 1970-01-01 of an ISO day or date-time (UTC).
 *
 * @example
 * dayNumber('1970-01-02') // 1
 */
export function dayNumber(iso: string): number {
  const y = +iso.slice(0, 4);
  const m = +iso.slice(5, 7);
  const d = +iso.slice(8, 10);
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/**
 * ISO day of a day number.
 *
 * @example
 * dayString(1) // '1970-01-02'
 */
export function dayString(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day of week of a day number, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** Day number of a Date (UTC day it falls on). */
export function dayNumberOfDate(d: Date): number {
  return Math.floor(d.getTime() / MS_PER_DAY);
}
