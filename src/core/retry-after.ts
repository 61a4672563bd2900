// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as a wait in ms — for polls and alert channels alike.

/**
 * Parse `Retry-After` (delay-seconds or HTTP-date) into ms from `now`; undefined when absent or unparsable.
 *
 * @example
 * parseRetryAfter('120', new Date()) // 120000
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now.getTime());
}
