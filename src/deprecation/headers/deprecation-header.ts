// The `Deprecation` response header: RFC 9745 sf-date, plus the legacy HTTP-date, ISO-8601 and `true` forms.
import { parseHttpDate, parseIsoDate } from './http-date.js';
import { parseSfItem } from './structured-field.js';

/** Which spelling of a date-bearing lifecycle header the upstream used. */
export type LifecycleDateFormat = 'rfc9745' | 'http-date' | 'iso8601' | 'boolean';

/** A parsed `Deprecation` header. `ok: false` keeps the raw text so a finding can quote it. */
export type DeprecationHeader =
  | { ok: true; raw: string; format: LifecycleDateFormat; deprecated: boolean; date?: string }
  | { ok: false; raw: string; error: string };

/**
 * Parse a `Deprecation` header value. Tries sf-date (`@1688169599`), then HTTP-date, ISO-8601, then the boolean
 * forms (`true`, `?1`). Never throws.
 *
 * @example
 * parseDeprecationHeader('@1688169599') // { ok: true, format: 'rfc9745', deprecated: true, date: '2023-06-30T23:59:59.000Z', raw }
 * parseDeprecationHeader('Wed, 27 Nov 2019 14:34:29 GMT').format // 'http-date' (GitHub)
 */
export function parseDeprecationHeader(raw: string): DeprecationHeader {
  const text = raw.trim();
  const sf = parseSfItem(text);
  if (sf.ok) {
    const v = sf.value.value;
    if (v.type === 'date') {
      const ms = v.value * 1000;
      if (Math.abs(ms) <= 8.64e15)
        return { ok: true, raw, format: 'rfc9745', deprecated: true, date: new Date(ms).toISOString() };
      return { ok: false, raw, error: 'sf-date out of the representable range' };
    }
    if (v.type === 'boolean') return { ok: true, raw, format: 'boolean', deprecated: v.value };
    if (v.type === 'token' && /^(true|false)$/i.test(v.value))
      return { ok: true, raw, format: 'boolean', deprecated: v.value.toLowerCase() === 'true' };
  }
  const http = parseHttpDate(text);
  if (http) return { ok: true, raw, format: 'http-date', deprecated: true, date: http.date.toISOString() };
  const iso = parseIsoDate(text);
  if (iso) return { ok: true, raw, format: 'iso8601', deprecated: true, date: iso.toISOString() };
  return {
    ok: false,
    raw,
    error: sf.ok
      ? `unexpected ${sf.value.value.type} value`
      : `not an sf-date, HTTP-date or boolean (${sf.error})`,
  };
}
