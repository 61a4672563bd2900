// Full-jitter exponential backoff, the one formula behind HTTP retries and mail retries: random(0, min(cap, base · 2^n)).

/** Base and cap of a backoff schedule, in ms. */
export interface BackoffSchedule {
  baseMs: number;
  capMs: number;
}

/**
 * A delay drawn uniformly from [0, min(cap, base · 2^n)), in whole ms ("full jitter", Marc Brooker, "Exponential
 * Backoff And Jitter", AWS Architecture Blog, 2015). `n` is the number of doublings, clamped to 0..30: the HTTP
 * client passes the failed attempts minus one (its first retry waits up to the base), the mail relay passes the
 * attempts a notification has had.
 *
 * @example
 * fullJitterMs(3, { baseMs: 30_000, capMs: 3_600_000 }, () => 0.5) // 120000
 * fullJitterMs(0, { baseMs: 1_000, capMs: 15_000 }, () => 0.5)     // 500
 */
export function fullJitterMs(n: number, o: BackoffSchedule, random: () => number): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.max(0, Math.min(n, 30)));
  return Math.floor(random() * ceiling);
}
