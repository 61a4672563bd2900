// The `Warning` header (RFC 7234 §5.5): code 299 "miscellaneous persistent warning" carries deprecation notices.

/** One warning value. */
export interface WarningValue {
  code: number;
  agent: string;
  text: string;
  date?: string;
}

const WARNING = /\s*(\d{3})\s+(\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+"([^"]*)")?\s*(?:,|$)/y;

/**
 * Parse a `Warning` header into its values (several may be comma-separated). Unparseable text yields a single
 * value with code 0 and the raw text, so it can still be reported.
 *
 * @example
 * parseWarningHeader('299 - "policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+"')
 * // [{ code: 299, agent: '-', text: 'policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+' }]
 */
export function parseWarningHeader(raw: string): WarningValue[] {
  const out: WarningValue[] = [];
  let pos = 0;
  while (pos < raw.length) {
    WARNING.lastIndex = pos;
    const m = WARNING.exec(raw);
    if (!m) break;
    const v: WarningValue = { code: Number(m[1]), agent: m[2]!, text: m[3]!.replace(/\\(.)/g, '$1') };
    if (m[4]) v.date = m[4];
    out.push(v);
    pos = WARNING.lastIndex;
  }
  return out.length > 0 ? out : [{ code: 0, agent: '', text: raw.trim() }];
}
