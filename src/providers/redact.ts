// Secret scrubbing for URLs and text: sensitive query parameters, URL credentials, and known secret values.

export const REDACTED = '[REDACTED]';

/** Query parameters whose values are always secrets, whatever the upstream. */
export const SENSITIVE_QUERY_KEYS = [
  'access_token',
  'appsecret_proof',
  'client_secret',
  'api_key',
  'apikey',
  'password',
  'refresh_token',
] as const;

const QUERY_RE = new RegExp(`([?&;]|\\b)(${SENSITIVE_QUERY_KEYS.join('|')})=([^&#\\s"'<>]*)`, 'gi');
const URL_CREDENTIALS_RE = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
const BEARER_RE = /\b(Bearer|OAuth|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Secret values shorter than this are not scrubbed by exact match (they would mangle ordinary text). */
export const MIN_SCRUBBED_LENGTH = 4;

/**
 * Remove secrets from any text: sensitive query parameters, `user:pass@` in URLs, bearer tokens, and every
 * value in `secretValues` (exact match, also URL-encoded).
 *
 * @example
 * redactText('GET /x?access_token=abc&a=1', []) // 'GET /x?access_token=[REDACTED]&a=1'
 */
export function redactText(text: string, secretValues: Iterable<string>): string {
  return compileRedactor(secretValues)(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Precompile `redactText` for a fixed set of secret values: one regex alternation of the values and their
 * URL-encoded forms (longest first), so a call costs one pass per pattern whatever the number of secrets.
 * The HTTP client rebuilds it only when a new secret appears.
 *
 * @example
 * const redact = compileRedactor(['tok-123456']); redact('x?a=tok-123456') // 'x?a=[REDACTED]'
 */
export function compileRedactor(secretValues: Iterable<string>): (text: string) => string {
  const forms = new Set<string>();
  for (const v of secretValues) {
    if (v.length < MIN_SCRUBBED_LENGTH) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
  }
  const values =
    forms.size === 0
      ? undefined
      : new RegExp(
          [...forms]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|'),
          'g',
        );
  return (text) =>
    (values ? text.replace(values, REDACTED) : text)
      .replace(QUERY_RE, (_m, pre: string, key: string) => `${pre}${key}=${REDACTED}`)
      .replace(URL_CREDENTIALS_RE, '$1')
      .replace(BEARER_RE, `$1 ${REDACTED}`);
}
