// The public address of the dashboard (`UPWATCH_PUBLIC_URL`): validated once, then joined with page paths for links.
import { UpwatchError } from './errors.js';

/**
 * Check a public base URL and return it without a trailing slash: it must be an absolute `http://` or `https://`
 * URL, with no user or password (mails and pages show it), no query and no fragment. A path prefix is kept, for a
 * dashboard behind a reverse proxy at `https://example.com/upwatch`. `where` names the setting in the error.
 *
 * @example
 * parsePublicUrl('https://upwatch.example.com/') // 'https://upwatch.example.com'
 * parsePublicUrl('upwatch.example.com') // throws CONFIG_INVALID: … must be an absolute http(s) URL …
 */
export function parsePublicUrl(raw: string, where = 'UPWATCH_PUBLIC_URL'): string {
  const hint = 'use the address people open the dashboard at, e.g. https://upwatch.example.com';
  const text = raw.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UpwatchError('CONFIG_INVALID', `${where} must be an absolute http(s) URL (got "${text}")`, {
      hint,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UpwatchError(
      'CONFIG_INVALID',
      `${where} must start with http:// or https:// (got "${u.protocol}")`,
      { hint },
    );
  if (u.username || u.password)
    throw new UpwatchError(
      'CONFIG_INVALID',
      `${where} must not carry a user or password: it is shown in every mail`,
      { hint: 'remove the user:password@ part; the dashboard has its own sign-in (docs/dashboard.md)' },
    );
  if (u.search || u.hash)
    throw new UpwatchError('CONFIG_INVALID', `${where} must not have a query or fragment (got "${text}")`, {
      hint,
    });
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/**
 * The dashboard path of a finding's page.
 *
 * @example
 * findingPath('3f2a…') // '/findings/3f2a…'
 */
export function findingPath(fingerprint: string): string {
  return `/findings/${encodeURIComponent(fingerprint)}`;
}

/**
 * Join a base from parsePublicUrl with a dashboard path.
 *
 * @example
 * dashboardUrl('https://example.com/upwatch', '/findings/ab12') // 'https://example.com/upwatch/findings/ab12'
 */
export function dashboardUrl(base: string, path: string): string {
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}
