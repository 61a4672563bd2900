// The `Link` header (RFC 8288): targets with their relation types, including multi-rel values.

/** One link: target URI, relation types (lower-case), and the other parameters. */
export interface LinkValue {
  uri: string;
  rels: string[];
  params: Record<string, string>;
}

/** Relation types that carry lifecycle meaning. */
export const LIFECYCLE_RELS = [
  'deprecation',
  'sunset',
  'successor-version',
  'alternate',
  'latest-version',
] as const;

function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuote) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    if (c === sep && !inAngle) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/**
 * Parse a `Link` header into its links. Malformed members are skipped, never thrown on.
 *
 * @example
 * parseLinkHeader('<https://api.example.com/v2>; rel="successor-version latest-version"')
 * // [{ uri: 'https://api.example.com/v2', rels: ['successor-version', 'latest-version'], params: {} }]
 */
export function parseLinkHeader(raw: string): LinkValue[] {
  const out: LinkValue[] = [];
  for (const member of splitTopLevel(raw, ',')) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(member);
    if (!m) continue;
    const params: Record<string, string> = {};
    let rels: string[] = [];
    for (const p of splitTopLevel(m[2]!, ';')) {
      const eq = p.indexOf('=');
      const key = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
      if (!key) continue;
      const value = eq < 0 ? '' : unquote(p.slice(eq + 1));
      if (key === 'rel') {
        if (rels.length === 0) rels = value.toLowerCase().split(/\s+/).filter(Boolean);
      } else if (!(key in params)) params[key] = value;
    }
    out.push({ uri: m[1]!.trim(), rels, params });
  }
  return out;
}
