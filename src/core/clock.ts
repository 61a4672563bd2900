// Time as a dependency: production reads the system clock, tests and the demo drive a virtual one.

/** A source of "now". Only the CLI constructs the system clock; everything else receives one. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that moves only when told to (tests, backtests, the demo's accelerated days).
 *
 * @example
 * const clock = new ManualClock('2026-01-01T07:00:00Z'); clock.advanceDays(1);
 */
export class ManualClock implements Clock {
  #t: number;

  constructor(start: string | Date) {
    this.#t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#t);
  }

  set(t: string | Date): void {
    this.#t = new Date(t).getTime();
  }

  advanceMs(ms: number): void {
    this.#t += ms;
  }

  advanceDays(days: number): void {
    this.#t += days * 86_400_000;
  }
}

/** ISO day (`YYYY-MM-DD`, UTC) of a date. */
export function isoDay(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 10);
}

/** Add whole days to an ISO day. */
export function addDays(day: string, n: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
}

/** Whole days from a to b (b − a), both ISO days or date-times. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / 86_400_000);
}
