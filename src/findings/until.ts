// Parsing expiry dates for acknowledgements and overrides: an ISO day, an ISO date-time, or a duration like 7d.
import { UpwatchError } from '../core/errors.js';

const DURATION = /^(\d+)\s*(h|d|w)$/i;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * Turn `--until` text into an ISO instant after `now`. A bare day (`2026-04-01`) means the end of that UTC day;
 * `12h`, `7d`, `2w` count from now. Throws UpwatchError `USAGE` for anything else or a time not in the future.
 *
 * @example
 * parseUntil('2026-04-01', new Date('2026-03-15T07:00:00Z')) // '2026-04-02T00:00:00.000Z'
 */
export function parseUntil(text: string, now: Date): string {
  const t = text.trim();
  let ms: number;
  const d = DURATION.exec(t);
  if (d) ms = now.getTime() + Number(d[1]) * UNIT_MS[d[2]!.toLowerCase()]!;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) ms = Date.parse(`${t}T00:00:00Z`) + 86_400_000;
  else if (/^\d{4}-\d{2}-\d{2}T/.test(t)) ms = Date.parse(t);
  else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw new UpwatchError('USAGE', `--until "${text}" is not a date`, {
      hint: 'use a day (2026-04-01, through the end of that UTC day), a date-time (2026-04-01T12:00:00Z) or a duration (12h, 7d, 2w)',
    });
  }
  if (ms <= now.getTime()) {
    throw new UpwatchError('USAGE', `--until ${text} is not in the future`, {
      hint: 'give a later date or a duration such as 7d',
    });
  }
  return new Date(ms).toISOString();
}
