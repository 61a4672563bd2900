// The `Sunset` response header (RFC 8594): an HTTP-date in any of its three forms; ISO-8601 tolerated.
import { parseHttpDate, parseIsoDate } from './http-date.js';
import { parseSfItem } from './structured-field.js';

/** A parsed `Sunset` header; `ok: false` keeps the raw text. */
export type SunsetHeader =
  | { ok: true; raw: string; format: 'http-date' | 'iso8601' | 'rfc9745'; date: string }
  | { ok: false; raw: string; error: string };

/**
 * Parse a `Sunset` header value. Accepts IMF-fixdate, RFC 850 and asctime, with `GMT` or `UTC`
 * (RFC 9745's own example writes `UTC`), then ISO-8601 and an sf-date. Never throws.
 *
 * @example
 * parseSunsetHeader('Sun, 30 Jun 2024 23:59:59 UTC') // { ok: true, format: 'http-date', date: '2024-06-30T23:59:59.000Z', raw }
 */
export function parseSunsetHeader(raw: string): SunsetHeader {
  const text = raw.trim();
  const http = parseHttpDate(text);
  if (http) return { ok: true, raw, format: 'http-date', date: http.date.toISOString() };
  const iso = parseIsoDate(text);
  if (iso) return { ok: true, raw, format: 'iso8601', date: iso.toISOString() };
  const sf = parseSfItem(text);
  if (sf.ok && sf.value.value.type === 'date' && Math.abs(sf.value.value.value) < 8.64e12)
    return { ok: true, raw, format: 'rfc9745', date: new Date(sf.value.value.value * 1000).toISOString() };
  return { ok: false, raw, error: 'not an HTTP-date' };
}
