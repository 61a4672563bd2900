// The sandbox's clock: the real clock set back by whole days, which catches up one simulated day at a time.
import type { Clock } from '../core/clock.js';

const DAY_MS = 86_400_000;

/**
 * A clock that runs `behindDays` whole days behind `base` (it ticks with it) and moves forward when told to,
 * never past `base`. A poller on the real clock then asks for days the sandbox has already lived, so the values
 * it stores are never restated.
 *
 * @example
 * const clock = new LaggingClock(systemClock, 56);
 * clock.advanceDays(1); // 1 (one simulated day passed); clock.behindDays === 55
 */
export class LaggingClock implements Clock {
  readonly #base: Clock;
  #behind: number;

  constructor(base: Clock, behindDays: number) {
    if (!Number.isInteger(behindDays) || behindDays < 0) {
      throw new RangeError(`behindDays must be a whole number ≥ 0 (got ${behindDays})`);
    }
    this.#base = base;
    this.#behind = behindDays;
  }

  now(): Date {
    return new Date(this.#base.now().getTime() - this.#behind * DAY_MS);
  }

  /** Whole days between this clock and the base clock. */
  get behindDays(): number {
    return this.#behind;
  }

  /** Move forward up to `days` whole days (never ahead of the base clock); returns the days actually moved. */
  advanceDays(days: number): number {
    const moved = Math.max(0, Math.min(Math.floor(days), this.#behind));
    this.#behind -= moved;
    return moved;
  }
}
