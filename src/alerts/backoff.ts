// Full-jitter exponential backoff (AWS Architecture Blog): random(0, min(cap, base · 2^attempt)).

/**
 * Delay before the next attempt.
 *
 * @example
 * fullJitterMs(3, { baseMs: 30_000, capMs: 3_600_000 }, Math.random) // somewhere in [0, 240 000)
 */
export function fullJitterMs(
  attempt: number,
  o: { baseMs: number; capMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}
