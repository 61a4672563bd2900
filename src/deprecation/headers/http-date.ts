// HTTP-date parsing (RFC 9110 §5.6.7: IMF-fixdate, RFC 850, asctime; `UTC` accepted for `GMT`) and ISO-8601 dates.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const IMF = /^[A-Za-z]{3},\s+(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:GMT|UTC|Z)$/i;
const RFC850 =
  /^[A-Za-z]+,\s+(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:GMT|UTC)$/i;
const ASCTIME = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export type HttpDateFormat = 'imf-fixdate' | 'rfc850' | 'asctime';

function build(y: number, mon: string, d: number, h: number, mi: number, s: number): Date | undefined {
  const m = MONTHS.indexOf(mon.toLowerCase());
  if (m < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, m, d, h, mi, Math.min(s, 59));
  const date = new Date(t);
  if (date.getUTCDate() !== d) return undefined; // 31 Feb and friends
  return date;
}

/**
 * Parse an HTTP-date in any of its three forms. RFC 850's two-digit years pivot at 70 (`94` → 1994, `26` → 2026).
 *
 * @example
 * parseHttpDate('Sat, 31 Dec 2018 23:59:59 GMT') // { date: 2018-12-31T23:59:59Z, format: 'imf-fixdate' }
 */
export function parseHttpDate(raw: string): { date: Date; format: HttpDateFormat } | undefined {
  const text = raw.trim();
  let m = IMF.exec(text);
  if (m) {
    const date = build(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
    return date && { date, format: 'imf-fixdate' };
  }
  m = RFC850.exec(text);
  if (m) {
    let y = Number(m[3]);
    if (m[3]!.length === 2) y += y >= 70 ? 1900 : 2000;
    const date = build(y, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
    return date && { date, format: 'rfc850' };
  }
  m = ASCTIME.exec(text);
  if (m) {
    const date = build(Number(m[6]), m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return date && { date, format: 'asctime' };
  }
  return undefined;
}

/**
 * Parse an ISO-8601 date or date-time (`2026-12-31`, `2026-12-31T00:00:00Z`, `2026-12-31T00:00:00+02:00`).
 * A date-time without a zone is read as UTC.
 *
 * @example
 * parseIsoDate('2026-12-31')?.toISOString() // '2026-12-31T00:00:00.000Z'
 */
export function parseIsoDate(raw: string): Date | undefined {
  const m = ISO.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  let z = zone ?? 'Z';
  if (/^[+-]\d{4}$/.test(z)) z = `${z.slice(0, 3)}:${z.slice(3)}`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${z.toUpperCase()}`);
  if (!Number.isFinite(t)) return undefined;
  const date = new Date(t);
  if (!zone && date.getUTCDate() !== Number(d)) return undefined;
  return date;
}
