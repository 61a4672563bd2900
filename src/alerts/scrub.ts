// Last-line secret scrubbing for text that goes into a mail: token-like URL query values and bearer credentials.

const QUERY_SECRET =
  /([?&;](?:access_token|appsecret_proof|client_secret|api_key|apikey|token|key|password|secret|signature)=)[^&\s"'<>]+/gi;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@\s/]+@/gi;

/**
 * Remove credentials from free text (upstream messages, evidence, explanations) before it is mailed, plus any
 * exact secret values given.
 *
 * @example
 * scrubText('GET /insights?access_token=EAAB123&metric=x') // 'GET /insights?access_token=[REDACTED]&metric=x'
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(QUERY_SECRET, '$1[REDACTED]')
    .replace(BEARER, '$1 [REDACTED]')
    .replace(URL_PASSWORD, '$1:***@');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
