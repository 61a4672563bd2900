// Who may write through the dashboard: a shared token sent as HTTP Basic (any user name, the token as password) or
// as a bearer token, and the cross-site request checks every form POST passes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who made a request that carried the token, and how. */
export interface Actor {
  /** The audit log's `actor`: the Basic user name, or `api-token` for a bearer token. */
  name: string;
  scheme: 'basic' | 'bearer';
}

/** The cookie holding the double-submit CSRF token. */
export const CSRF_COOKIE = 'upwatch_csrf';

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The actor an `Authorization` header proves, or undefined when it is absent, malformed or carries the wrong token.
 * Basic: `user:token`, the user name (trimmed, at most 64 characters, default `dashboard`) is who acts.
 *
 * @example
 * authenticate(`Basic ${btoa('ana:s3cret')}`, 's3cret') // { name: 'ana', scheme: 'basic' }
 * authenticate('Bearer s3cret', 's3cret') // { name: 'api-token', scheme: 'bearer' }
 */
export function authenticate(header: string | undefined, token: string): Actor | undefined {
  if (!header || token === '') return undefined;
  const m = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === 'bearer')
    return sameSecret(m[2]!, token) ? { name: 'api-token', scheme: 'bearer' } : undefined;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  if (!sameSecret(decoded.slice(colon + 1), token)) return undefined;
  const user = decoded
    .slice(0, colon)
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 64);
  return { name: user || 'dashboard', scheme: 'basic' };
}

/**
 * A fresh CSRF token for the double-submit cookie.
 *
 * @example
 * newCsrfToken() // '9f2c…' (64 hex digits)
 */
export function newCsrfToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Why a form POST is refused as possibly cross-site, or undefined when it passes: the form's `csrf` field must equal
 * the CSRF cookie, and the `Origin` header (when the browser sends one) must be the dashboard's own origin, as must
 * `Sec-Fetch-Site` be `same-origin` when present.
 *
 * @example
 * crossSiteRefusal({ cookie: 'ab', field: 'ab', origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }) // undefined
 */
export function crossSiteRefusal(r: {
  cookie: string | undefined;
  field: string | undefined;
  origin: string | undefined;
  host: string | undefined;
  fetchSite?: string | undefined;
}): string | undefined {
  if (r.origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(r.origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || host !== r.host) return `Origin ${r.origin} is not this dashboard`;
  }
  if (r.fetchSite !== undefined && r.fetchSite !== 'same-origin') return `a ${r.fetchSite} request`;
  if (!r.cookie || !r.field || !sameSecret(r.field, r.cookie))
    return 'missing or wrong CSRF token (reload the page)';
  return undefined;
}

/**
 * One cookie's value from a `Cookie` header, or undefined.
 *
 * @example
 * cookieValue('a=1; upwatch_csrf=ab12', 'upwatch_csrf') // 'ab12'
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The `Set-Cookie` value for the CSRF cookie: not readable by scripts, sent only by same-site requests.
 *
 * @example
 * csrfCookie('ab12') // 'upwatch_csrf=ab12; Path=/; HttpOnly; SameSite=Strict'
 */
export function csrfCookie(token: string): string {
  return `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
