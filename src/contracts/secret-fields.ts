// Where `${VAR}` secrets may appear in a contract, and credentials written in clear where they must not be.
import type { Diagnostic } from '../core/diagnostic.js';
import { parseTemplate } from '../core/secret.js';
import { displayPath } from './schema-errors.js';
import type { JsonPath, YamlDocument } from './yaml-source.js';

/** Fields that may hold `${VAR}` references (`*` = any key or index): a Source's connection, any alert channel. */
export const SECRET_FIELDS: readonly JsonPath[] = [
  ['connection', 'accessToken'],
  ['connection', 'url'],
  ['connection', 'headers', '*'],
  ['channels', '*', 'slack'],
  ['channels', '*', 'webhook'],
  ['channels', '*', 'secret'],
];

const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|api[-_]?key|password/i;
const CREDENTIAL_QUERY =
  /[?&](access_token|api_key|apikey|key|token|secret|password|client_secret)=([^&#]*)/gi;
const REF_NAME = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

function isSecretField(path: JsonPath): boolean {
  return SECRET_FIELDS.some(
    (f) => f.length === path.length && f.every((seg, i) => seg === '*' || seg === path[i]),
  );
}

/** True when text contains `${` that is not escaped as `$${`. */
function hasReference(text: string): boolean {
  return text.replaceAll('$${', '').includes('${');
}

/**
 * Check the placement of secrets in one document: `${VAR}` only in secret fields, well-formed references, and no
 * credential written in clear in a header, a URL query or a webhook URL. Values are never echoed.
 *
 * @example
 * secretPlacement(doc) // [{ code: 'secret-not-allowed', message: 'connection.baseUrl cannot hold a ${VAR} reference …' }]
 */
// eslint-disable-next-line max-lines-per-function -- a walk of the contract document with one short placement rule per field that may or may not hold ${VAR}
export function secretPlacement(doc: YamlDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: JsonPath, code: string, message: string, hint: string): void => {
    const loc = doc.locate(path);
    out.push({
      file: doc.file,
      line: loc.line,
      col: loc.col,
      severity: 'error',
      code,
      message,
      hint,
      path: '/' + path.join('/'),
    });
  };
  const visit = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      const where = displayPath(path);
      if (!hasReference(v)) return;
      if (!isSecretField(path)) {
        push(
          path,
          'secret-not-allowed',
          `${where} cannot hold a \${VAR} reference (only connection.accessToken, connection.url, connection.headers and channels can)`,
          'write the value itself here; secrets belong in accessToken, the URL, a header or a channel',
        );
        return;
      }
      const escaped = v.replaceAll('$${', '');
      for (let i = escaped.indexOf('${'); i >= 0; i = escaped.indexOf('${', i + 2)) {
        if (!REF_NAME.test(escaped.slice(i))) {
          push(
            path,
            'secret-malformed',
            `${where} has a malformed \${VAR} reference`,
            'a reference is ${NAME} with letters, digits and "_" (write $${ for a literal "${")',
          );
          return;
        }
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...path, i]));
    else if (v !== null && typeof v === 'object')
      for (const [k, item] of Object.entries(v)) visit(item, [...path, k]);
  };
  visit(doc.value, []);

  const connection = (doc.value as { connection?: unknown }).connection;
  if (connection && typeof connection === 'object') {
    const { headers, url } = connection as { headers?: unknown; url?: unknown };
    if (headers && typeof headers === 'object') {
      for (const [name, value] of Object.entries(headers)) {
        if (
          typeof value === 'string' &&
          CREDENTIAL_HEADER.test(name) &&
          parseTemplate(value).refs.length === 0
        ) {
          push(
            ['connection', 'headers', name],
            'secret-literal',
            `${displayPath(['connection', 'headers', name])} holds a credential in clear`,
            `reference an environment variable instead, e.g. ${name}: "Bearer \${PARTNER_API_TOKEN}"`,
          );
        }
      }
    }
    if (typeof url === 'string') {
      for (const m of url.matchAll(CREDENTIAL_QUERY)) {
        if (parseTemplate(m[2] ?? '').refs.length === 0 && (m[2] ?? '') !== '') {
          push(
            ['connection', 'url'],
            'secret-literal',
            `connection.url holds a credential in clear (query parameter "${m[1]}")`,
            `reference an environment variable instead, e.g. ${m[1]}=\${PARTNER_API_KEY}`,
          );
        }
      }
    }
  }
  const channels = (doc.value as { channels?: unknown }).channels;
  if (Array.isArray(channels)) {
    channels.forEach((c: unknown, i) => {
      const url = c && typeof c === 'object' ? (c as { webhook?: unknown }).webhook : undefined;
      if (typeof url !== 'string' || parseTemplate(url).refs.length > 0) return;
      const query = [...url.matchAll(CREDENTIAL_QUERY)].find((m) => (m[2] ?? '') !== '');
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(url);
      if (!query && !password) return;
      push(
        ['channels', i, 'webhook'],
        'secret-literal',
        `${displayPath(['channels', i, 'webhook'])} holds a credential in clear (${query ? `query parameter "${query[1]}"` : 'a password in the URL'})`,
        'reference an environment variable for the whole URL instead, e.g. webhook: ${RANKING_WEBHOOK_URL}',
      );
    });
  }
  return out;
}
